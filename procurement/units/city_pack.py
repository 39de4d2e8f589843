"""The city pack's files: what each holds and which model its rows become (docs/city-pack.md).

`city_pack_load` loads them all through the one loader of marketplace.common.citypack: every
file checked first, then written in one transaction, or nothing at all.
"""

import re
from pathlib import Path

from django.db import transaction

from marketplace.catalogue.models import KindCeiling, ProductKind, SearchSynonym
from marketplace.catalogue.selectors import search_words
from marketplace.catalogue.services import product_ceiling_kinds_refresh, search_synonyms_forget
from marketplace.common.citypack import (
    CityPackError,
    Column,
    FileSpec,
    LoadReport,
    Problem,
    Reference,
    iso_date,
    one_of,
    pack_load,
    percent_in_basis_points,
    whole_number,
)
from marketplace.regions.models import Region
from procurement.budgets.models import BudgetAccount
from procurement.ceilings.models import PriceCeiling
from procurement.settlement.models import TaxRule
from procurement.units.models import Unit
from vendors.census.models import KecamatanTile

LEVEL_ORDER = {level: i for i, level in enumerate(Region.Level.values)}
MAX_PRICE_IDR = 100_000_000  # a per-person price ceiling above Rp 100 juta is a typing mistake


def _region_parent_matches_level(row: dict) -> list[tuple[str, str]]:
    if row["level"] != Region.Level.PROVINCE and not row["parent_code"]:
        return [("parent_code", "empty: only a province has no parent")]
    if row["parent_code"] and not row["code"].startswith(row["parent_code"] + "."):
        return [("code", f"{row['code']!r} does not lie under its parent {row['parent_code']!r}")]
    return []


REGIONS = FileSpec(
    file="wilayah.csv",
    label="Regions",
    model=Region,
    key=("code",),
    columns=(
        Column("code"),
        Column("level", read=one_of(Region.Level.values)),
        Column("name"),
    ),
    references=(Reference("parent_code", "parent", Region),),
    order=lambda row: LEVEL_ORDER[row["level"]],  # parents before children
    check=_region_parent_matches_level,
)

UNITS = FileSpec(
    file="opd.csv",
    label="Units",
    model=Unit,
    key=("code",),
    columns=(Column("code"), Column("name"), Column("short_name"), Column("kind")),
)

BUDGET_ACCOUNTS = FileSpec(
    file="budget-accounts.csv",
    label="Budget accounts",
    model=BudgetAccount,
    key=("code",),
    columns=(Column("code"), Column("name"), Column("kind")),
)

PRICE_CEILINGS = FileSpec(
    file="price-ceilings.csv",
    label="Price ceilings",
    model=PriceCeiling,
    key=("year", "kind"),
    columns=(
        Column("year", field="fiscal_year", read=whole_number(minimum=2000, maximum=2100)),
        Column("kind"),
        Column("unit", field="unit_label", required=False, default="orang/kali"),
        Column("max_price_idr", read=whole_number(minimum=1, maximum=MAX_PRICE_IDR)),
        Column("note", required=False),
    ),
)


def _ceiling_kind(value: str) -> str:
    """A ceiling kind of price-ceilings.csv (makan, kudapan); the guests' `_tamu` kinds follow
    from the budget account, not from the product."""
    value = value.strip()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise ValueError(f"{value!r} is not a ceiling kind like makan or kudapan")
    if value.endswith("_tamu"):
        raise ValueError(f"{value!r}: name the kind without _tamu (a guests' account adds it)")
    return value


def _every_product_kind_listed(rows: list[dict]) -> list[str]:
    missing = [kind for kind in ProductKind.values if kind not in {row["product_kind"] for row in rows}]
    if missing:
        return [f"product kinds missing: {', '.join(missing)} (an empty ceiling_kind says a kind has none)"]
    return []


PRODUCT_KIND_CEILINGS = FileSpec(
    file="product-kind-ceilings.csv",
    label="Price ceilings of product kinds",
    model=KindCeiling,
    key=("product_kind",),
    columns=(
        Column("product_kind", field="kind", read=one_of(ProductKind.values)),
        Column("ceiling_kind", read=_ceiling_kind, required=False),
        Column("note", required=False),
    ),
    check_file=_every_product_kind_listed,
)


def _tax_rule_dates_in_order(row: dict) -> list[tuple[str, str]]:
    if row["valid_to"] and row["valid_to"] < row["valid_from"]:
        return [("valid_to", f"{row['valid_to']} is before valid_from {row['valid_from']}")]
    return []


TAX_RULES = FileSpec(
    file="tax-rules.csv",
    label="Tax rules",
    model=TaxRule,
    key=("kind", "valid_from"),
    columns=(
        Column("kind", read=one_of(TaxRule.Kind.values)),
        Column("rate_percent", field="rate_bp", read=percent_in_basis_points),
        Column("threshold_idr", read=whole_number(minimum=0, maximum=10**15), required=False, default=0),
        Column("valid_from", read=iso_date),
        Column("valid_to", read=iso_date, required=False, default=None),
        Column("legal_basis"),
        Column("note", required=False),
    ),
    check=_tax_rule_dates_in_order,
)


def _tile_is_a_kecamatan(row: dict) -> list[tuple[str, str]]:
    if row["code"].count(".") != 2:
        return [("code", f"{row['code']!r} is not a kecamatan code like 33.74.01")]
    return []


KECAMATAN_TILES = FileSpec(
    file="kecamatan-tiles.csv",
    label="Kecamatan tiles",
    model=KecamatanTile,
    key=("code",),
    columns=(
        Column("code", field="region_code"),
        Column("row", read=whole_number(minimum=0, maximum=30)),
        Column("col", read=whole_number(minimum=0, maximum=30)),
        Column("name", field="", required=False),  # for the reader of the file only
    ),
    references=(Reference("code", "region", Region),),
    check=_tile_is_a_kecamatan,
    required_file=False,  # a city without a tile map: the census shows no map
)


def _search_term(value: str) -> str:
    """A word or phrase as the search reads it: lower case, one space between words."""
    term = " ".join(search_words(value))
    if not term:
        raise ValueError(f"{value.strip()!r} holds no word")
    if len(term) > 100:
        raise ValueError("longer than 100 characters")
    return term


def _search_terms(value: str) -> list[str]:
    """Words or phrases separated by semicolons: `snack; snack box; camilan`."""
    terms = []
    for part in value.split(";"):
        if part.strip():
            term = _search_term(part)
            if term not in terms:
                terms.append(term)
    if not terms:
        raise ValueError("no synonym between the semicolons")
    return terms


def _synonyms_exclude_their_term(row: dict) -> list[tuple[str, str]]:
    if row["term"] in row["synonyms"]:
        return [("synonyms", f"{row['term']!r} is the row's own term")]
    return []


SEARCH_SYNONYMS = FileSpec(
    file="search-synonyms.csv",
    label="Search synonyms",
    model=SearchSynonym,
    key=("term",),
    columns=(
        Column("term", read=_search_term),
        Column("synonyms", read=_search_terms),
        Column("two_way", read=lambda v: one_of(("yes", "no"))(v) == "yes", required=False, default=True),
        Column("note", required=False),
    ),
    check=_synonyms_exclude_their_term,
    required_file=False,  # without it the search finds the words as typed only
)

PACK = (
    REGIONS,
    UNITS,
    BUDGET_ACCOUNTS,
    PRICE_CEILINGS,
    PRODUCT_KIND_CEILINGS,
    TAX_RULES,
    KECAMATAN_TILES,
    SEARCH_SYNONYMS,
)


def _ceiling_kinds_known() -> list[Problem]:
    """Each product kind's ceiling kind is one the pack has price ceilings for (a typo would
    free the kind of every ceiling)."""
    known = set(PriceCeiling.objects.values_list("kind", flat=True))
    return [
        Problem(
            PRODUCT_KIND_CEILINGS.file,
            column="ceiling_kind",
            why=f"{row.ceiling_kind!r} (for {row.kind}) has no row in price-ceilings.csv",
        )
        for row in KindCeiling.objects.exclude(ceiling_kind="")
        if row.ceiling_kind not in known
    ]


def city_pack_load(*, pack_dir: Path) -> list[LoadReport]:
    """Create or update the city's reference data from its pack folder (idempotent, all or nothing);
    the products then take the ceiling kind of their kind."""
    with transaction.atomic():
        reports = pack_load(pack_dir=pack_dir, specs=PACK)
        if problems := _ceiling_kinds_known():
            raise CityPackError(problems)
        changed = product_ceiling_kinds_refresh()
    search_synonyms_forget()  # the next search reads the pack's synonyms again
    return [*reports, LoadReport(label="Products' price ceiling kinds", updated=changed)]
