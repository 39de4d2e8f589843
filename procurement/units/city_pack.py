"""The city pack's files: what each holds and which model its rows become (docs/city-pack.md).

`city_pack_load` loads them all through the one loader of marketplace.common.citypack: every
file checked first, then written in one transaction, or nothing at all.
"""

from pathlib import Path

from marketplace.common.citypack import (
    Column,
    FileSpec,
    LoadReport,
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

PACK = (REGIONS, UNITS, BUDGET_ACCOUNTS, PRICE_CEILINGS, TAX_RULES, KECAMATAN_TILES)


def city_pack_load(*, pack_dir: Path) -> list[LoadReport]:
    """Create or update the city's reference data from its pack folder (idempotent, all or nothing)."""
    return pack_load(pack_dir=pack_dir, specs=PACK)
