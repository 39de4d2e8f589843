"""The plain rows the census selectors return (a label and numbers per row)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from vendors.census.selectors_filter import _share
from vendors.models import Vendor

# --- Rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """MSMEs of one kind (a sector, a class, a gender, an age group)."""

    key: str
    label: str
    msmes: int
    share: float  # of all MSMEs in the table, 0..1


@dataclass(frozen=True)
class StageRow:
    """MSMEs at one stage on the platform: `msmes` exactly there, `reached` there or beyond."""

    key: str
    label: str
    msmes: int
    reached: int
    share: float  # `reached` of all MSMEs in the table


@dataclass(frozen=True)
class RegionRow:
    """MSMEs (or spending) of one kecamatan or kelurahan; `code` is its Kemendagri code."""

    region_id: int | None
    code: str
    label: str
    kecamatan_code: str
    msmes: int
    share: float
    amount_idr: int = 0


@dataclass(frozen=True)
class AmountRow:
    """Spending of one kind (a unit, a sector, a kecamatan): paid, orders, MSMEs paid."""

    key: str
    label: str
    amount_idr: int
    orders: int
    msmes: int
    share: float  # of all spending in the table


@dataclass(frozen=True)
class GrowthRow:
    month: date
    new: int  # records that became known to the city that month
    total: int  # records known by the month's end


@dataclass(frozen=True)
class MonthAmountRow:
    month: date
    amount_idr: int
    orders: int
    msmes: int


@dataclass(frozen=True)
class TopRow:
    rank: int
    record_id: int
    business_name: str
    sector: str
    kecamatan: str
    amount_idr: int
    orders: int
    share: float


@dataclass(frozen=True)
class ConcentrationMonth:
    month: date
    msmes: int
    amount_idr: int
    top_share: float
    gini: float


@dataclass(frozen=True)
class Concentration:
    """How concentrated spending is among the MSMEs paid in the period: the share of the top 10%
    (at least one MSME) and the Gini coefficient (0: every MSME paid the same; near 1: one MSME
    got nearly all), overall and per month."""

    msmes: int
    amount_idr: int
    top_count: int
    top_share: float
    gini: float
    months: list[ConcentrationMonth] = field(default_factory=list)


@dataclass(frozen=True)
class TransitionRow:
    from_key: str
    from_label: str
    to_key: str
    to_label: str
    count: int
    up: bool


@dataclass(frozen=True)
class NaikKelas:
    """Class changes in the period: up ("naik kelas"), down, and each transition."""

    up: int
    down: int
    transitions: list[TransitionRow]
    months: list[tuple[date, int]]  # (month, MSMEs that moved up)


@dataclass(frozen=True)
class TileRow:
    """One kecamatan's tile on the map: where it lies (row, col) and its figure."""

    region_id: int
    code: str
    label: str
    row: int
    col: int
    value: int
    share: float  # of the largest tile's value, 0..1 (for shading)


def _sector_label(key: str) -> str:
    return str(Vendor.Sector(key).label) if key in Vendor.Sector.values else _("Not stated")


def _count_rows(counts: dict, keys_labels: list[tuple[str, str]]) -> list[CountRow]:
    total = sum(counts.values())
    rows = [
        CountRow(key, label, counts.get(key, 0), _share(counts.get(key, 0), total))
        for key, label in keys_labels
    ]
    if counts.get("", 0) and all(k != "" for k, _l in keys_labels):
        rows.append(CountRow("", _("Not stated"), counts[""], _share(counts[""], total)))
    return rows
