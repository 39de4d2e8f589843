"""Import a register of MSMEs (Gerai Kopimi, the IUMK list…) into the census, from CSV or XLSX.

Columns and examples: docs/census-import.md; a sample: vendors/census/samples/.

- **Good rows are taken, bad rows reported**: each rejected row is named by its line (the
  spreadsheet's row number, the header being line 1) with every reason, in the user's language;
  the others are imported. Fix the bad rows and import the file again.
- **Idempotent**: a row is matched to an existing record by its NIK, then by its NIB; a second
  import of the same file creates nothing and changes nothing. An empty cell never erases what
  the census holds. A record linked to a platform MSME keeps the platform's (verified) figures:
  the import fills only what is empty there.
- **Fast**: rows are checked and written in batches (bulk_create / bulk_update), so 20,000 rows
  take seconds; `progress(done, total)` is called after each batch.

A NIK is personal data: reasons never repeat it, and nothing here logs a row's contents.
"""

import csv
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.common.domain import DomainError
from marketplace.regions.models import Region
from vendors.census import periods, sizeclass
from vendors.census.models import CensusRecord, PlatformSales, SizeClassChange
from vendors.census.services import GENDER_FROM_NIK
from vendors.models import Vendor
from vendors.validators import check_nik_regions, compact, normalise_phone, parse_nik, validate_nib

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_ROWS = 200_000
MAX_MONEY_IDR = 10**15
MAX_EMPLOYEES = 1_000_000
MAX_REASONS_SHOWN = 200

# The columns of a register file, each with the other headers it is known by (case, spaces and
# dashes do not matter: "Nama Usaha" is nama_usaha).
COLUMNS = {
    "nik": ("nik", "no_ktp", "nomor_ktp"),
    "nib": ("nib", "nomor_induk_berusaha"),
    "business_name": ("business_name", "nama_usaha"),
    "owner_name": ("owner_name", "nama_pemilik", "nama"),
    "phone": ("phone", "telepon", "no_hp", "nomor_hp", "hp"),
    "address": ("address", "alamat", "alamat_usaha"),
    "sector": ("sector", "sektor", "bidang_usaha"),
    "kecamatan": ("kecamatan",),
    "kelurahan": ("kelurahan",),
    "capital_idr": ("capital_idr", "modal", "modal_usaha"),
    "annual_sales_idr": ("annual_sales_idr", "omzet", "omzet_tahunan", "penjualan_tahunan"),
    "employees": ("employees", "tenaga_kerja", "jumlah_tenaga_kerja", "karyawan"),
    "source": ("source", "sumber"),
    "source_reference": ("source_reference", "nomor_register", "no_register", "nomor_kopimi", "nomor_iumk"),
    "registered_on": ("registered_on", "tanggal_daftar", "tanggal_terdaftar"),
}
HEADER_OF = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}

# What registers write for a sector, and the census's sector (vendors.Vendor.Sector).
SECTOR_WORDS = {
    Vendor.Sector.FOOD: (
        "kuliner", "makanan", "minuman", "makanan dan minuman", "makanan & minuman", "mamin", "culinary",
        "food", "katering", "catering",
    ),
    Vendor.Sector.FASHION: ("fashion", "busana", "konveksi", "pakaian", "batik"),
    Vendor.Sector.CRAFT: ("kriya", "kerajinan", "kerajinan tangan", "craft", "crafts", "handicraft"),
    Vendor.Sector.SERVICES: ("jasa", "services", "service"),
    Vendor.Sector.OTHER: ("lainnya", "lain-lain", "lain lain", "other"),
}  # fmt: skip
SECTOR_OF = {word: sector for sector, words in SECTOR_WORDS.items() for word in words}
SOURCE_WORDS = {
    CensusRecord.Source.KOPIMI: ("kopimi", "gerai kopimi"),
    CensusRecord.Source.IUMK: ("iumk",),
    CensusRecord.Source.OTHER: ("other", "lainnya", "lain-lain"),
}
SOURCE_OF = {word: source for source, words in SOURCE_WORDS.items() for word in words}
IMPORT_SOURCES = tuple(SOURCE_WORDS)

_PLAIN = re.compile(r"[0-9]+")
_DOTTED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,0+)?")
_COMMAED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.0+)?")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")

# The fields an import writes.
FIELDS = (
    "nik",
    "nib",
    "business_name",
    "owner_name",
    "owner_gender",
    "owner_birth_date",
    "phone",
    "address",
    "sector",
    "kecamatan_id",
    "kelurahan_id",
    "capital_idr",
    "annual_sales_idr",
    "employees",
    "source",
    "source_reference",
    "registered_on",
)


class ImportRefused(DomainError):
    """The file cannot be read at all (not CSV or XLSX, no header, a required column missing)."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    class_changes: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return _(
            "%(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(rejected)d rejected."
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }


# --- Reading the file ----------------------------------------------------------------------------


def _header_key(value) -> str:
    text = re.sub(r"[\s\-/]+", "_", str(value or "").strip().lower())
    return text.strip("_")


def _open(file) -> tuple[bytes, str]:
    """(content, name) of a path or an uploaded / open binary file."""
    if isinstance(file, (str, Path)):
        path = Path(file)
        return path.read_bytes(), path.name
    name = getattr(file, "name", "") or ""
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read()
    if isinstance(content, str):
        content = content.encode("utf-8")
    return content, Path(str(name)).name


def _csv_rows(content: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(content: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError or its own errors on a broken file
        raise ImportRefused(
            _("The XLSX file cannot be read (%(why)s).") % {"why": type(exc).__name__}
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def read_rows(file) -> tuple[list[str], list[tuple[int, dict]]]:
    """(columns found, [(line, {column: cell})]) of a CSV or XLSX register; ImportRefused when unreadable."""
    content, name = _open(file)
    is_xlsx = content[:2] == b"PK" or name.lower().endswith(".xlsx")
    if not content.strip():
        raise ImportRefused(_("The file is empty."))
    rows = _xlsx_rows(content) if is_xlsx else _csv_rows(content)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportRefused(_("The file is empty.")) from None
    columns = [HEADER_OF.get(_header_key(h), "") for h in header]
    found = [c for c in columns if c]
    missing = []
    if "business_name" not in found:
        missing.append("business_name")
    if "nik" not in found and "nib" not in found:
        missing.append("nik / nib")
    if "kecamatan" not in found and "kelurahan" not in found:
        missing.append("kecamatan / kelurahan")
    if missing:
        raise ImportRefused(
            _("Columns missing from the header (line 1): %(columns)s. See docs/census-import.md.")
            % {"columns": ", ".join(missing)}
        )
    out = []
    for line, values in enumerate(rows, start=2):
        cells = {}
        for column, value in zip(columns, values, strict=False):
            if column and column not in cells:
                cells[column] = value
        if all(_is_empty(v) for v in cells.values()):
            continue
        out.append((line, cells))
        if len(out) > MAX_ROWS:
            raise ImportRefused(_("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS})
    return found, out


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Checking one row ----------------------------------------------------------------------------


class _Regions:
    """The city's kecamatan and kelurahan, by code and by name, read once per import."""

    def __init__(self):
        self.kecamatan_by_code, self.kecamatan_by_name, self.kecamatan_by_pk = {}, {}, {}
        self.kelurahan_by_code, self.kelurahan_by_name = {}, {}
        kelurahan = []
        for region in Region.objects.filter(level__in=(Region.Level.DISTRICT, Region.Level.VILLAGE)):
            if region.level == Region.Level.DISTRICT:
                self.kecamatan_by_code[region.code] = region
                self.kecamatan_by_name[region.name.lower()] = region
                self.kecamatan_by_pk[region.pk] = region
            else:
                kelurahan.append(region)
        for region in kelurahan:
            self.kelurahan_by_code[region.code] = region
            self.kelurahan_by_name.setdefault(region.name.lower(), []).append(region)
        self._nik_regions: dict[str, str | None] = {}

    def nik_region_problem(self, info) -> str | None:
        """check_nik_regions' message for the NIK's kecamatan, asked once per kecamatan code."""
        code = info.kecamatan_code
        if code not in self._nik_regions:
            try:
                check_nik_regions(info)
                self._nik_regions[code] = None
            except ValidationError as exc:
                self._nik_regions[code] = exc.messages[0]
        return self._nik_regions[code]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _number_text(value) -> str:
    """A cell meant to hold digits (NIK, NIB): spreadsheets give them as numbers."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return _text(value)


def _whole(value, *, label: str, maximum: int, problems: list) -> int | None:
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        text = re.sub(r"(?i)^rp\.?", "", str(value).strip()).replace(" ", "")
        if _PLAIN.fullmatch(text):
            number = int(text)
        elif _DOTTED.fullmatch(text):
            number = int(text.split(",")[0].replace(".", ""))
        elif _COMMAED.fullmatch(text):
            number = int(text.split(".")[0].replace(",", ""))
        else:
            number = None
    if number is None or not 0 <= number <= maximum:
        problems.append(
            _("%(column)s is not a whole number of at most %(max)s (write 25000000 or 25.000.000)")
            % {"column": label, "max": f"{maximum:,}".replace(",", ".")}
        )
        return None
    return number


def _date(value, *, today: date, problems: list) -> date | None:
    if _is_empty(value):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value)
        day = None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            if match := _DAY_FIRST.fullmatch(text):
                try:
                    day = date(int(match[3]), int(match[2]), int(match[1]))
                except ValueError:
                    day = None
    if day is None:
        problems.append(_("registered_on is not a date like 2024-03-31 or 31-03-2024"))
        return None
    if day > today or day.year < 1900:
        problems.append(_("registered_on lies in the future or before 1900"))
        return None
    return day


def _region_values(cells: dict, regions: _Regions, problems: list) -> tuple[Region | None, Region | None]:
    kecamatan_text, kelurahan_text = _text(cells.get("kecamatan")), _text(cells.get("kelurahan"))
    kecamatan = None
    if kecamatan_text:
        kecamatan = regions.kecamatan_by_code.get(kecamatan_text) or regions.kecamatan_by_name.get(
            re.sub(r"(?i)^kec(amatan|\.)?\s+", "", kecamatan_text).lower()
        )
        if kecamatan is None:
            problems.append(_("unknown kecamatan “%(name)s”") % {"name": kecamatan_text[:60]})
            return None, None
    if not kelurahan_text:
        if kecamatan is None:
            problems.append(_("kecamatan missing"))
        return kecamatan, None
    by_code = regions.kelurahan_by_code.get(kelurahan_text)
    named = (
        [by_code]
        if by_code
        else regions.kelurahan_by_name.get(re.sub(r"(?i)^kel(urahan|\.)?\s+", "", kelurahan_text).lower(), [])
    )
    if not named:
        problems.append(_("unknown kelurahan “%(name)s”") % {"name": kelurahan_text[:60]})
        return kecamatan, None
    if kecamatan is not None:
        inside = [k for k in named if k.parent_id == kecamatan.pk]
        if not inside:
            problems.append(
                _("kelurahan “%(kelurahan)s” does not lie in kecamatan %(kecamatan)s")
                % {"kelurahan": kelurahan_text[:60], "kecamatan": kecamatan.name}
            )
            return kecamatan, None
        return kecamatan, inside[0]
    if len(named) > 1:
        problems.append(
            _("there are several kelurahan named “%(name)s”: give the kecamatan too")
            % {"name": kelurahan_text[:60]}
        )
        return None, None
    kelurahan = named[0]
    return regions.kecamatan_by_pk.get(kelurahan.parent_id), kelurahan


def _clean_row(cells: dict, *, regions: _Regions, default_source: str, today: date) -> tuple[dict, list]:
    """(field values, problems) of one row; the values count only when there is no problem."""
    problems: list[str] = []
    values: dict = {}

    nik_text = compact(_number_text(cells.get("nik")))
    values["nik"] = values["owner_gender"] = values["owner_birth_date"] = None
    if nik_text:
        try:
            info = parse_nik(nik_text, today=today)
        except ValidationError as exc:
            problems.append(_("bad NIK: %(why)s") % {"why": exc.messages[0]})
        else:
            if why := regions.nik_region_problem(info):
                problems.append(_("bad NIK: %(why)s") % {"why": why})
            values["nik"] = info.nik
            values["owner_gender"] = GENDER_FROM_NIK[info.gender]
            values["owner_birth_date"] = info.birth_date

    nib_text = compact(_number_text(cells.get("nib")))
    values["nib"] = None
    if nib_text:
        try:
            validate_nib(nib_text)
            values["nib"] = nib_text
        except ValidationError as exc:
            problems.append(_("bad NIB: %(why)s") % {"why": exc.messages[0]})
    if not nik_text and not nib_text:
        problems.append(_("neither NIK nor NIB: a row needs one of them to be found again"))

    values["business_name"] = _text(cells.get("business_name"))[:120]
    if not values["business_name"]:
        problems.append(_("business name missing"))
    values["owner_name"] = _text(cells.get("owner_name"))[:120]
    values["address"] = _text(cells.get("address"))[:255]
    values["source_reference"] = _text(cells.get("source_reference"))[:60]

    phone_text = _number_text(cells.get("phone"))
    values["phone"] = ""
    if phone_text:
        try:
            values["phone"] = normalise_phone(phone_text if phone_text[0] in "0+" else "0" + phone_text)
        except ValidationError:
            problems.append(_("bad phone number (write it like 0812-3456-7890)"))

    sector_text = _text(cells.get("sector")).lower()
    values["sector"] = ""
    if sector_text:
        values["sector"] = SECTOR_OF.get(sector_text, "")
        if not values["sector"]:
            problems.append(
                _("unknown sector “%(sector)s” (one of: %(allowed)s)")
                % {"sector": sector_text[:40], "allowed": ", ".join(Vendor.Sector.values)}
            )

    kecamatan, kelurahan = _region_values(cells, regions, problems)
    values["kecamatan_id"] = kecamatan.pk if kecamatan else None
    values["kelurahan_id"] = kelurahan.pk if kelurahan else None

    values["capital_idr"] = _whole(
        cells.get("capital_idr"), label="capital_idr", maximum=MAX_MONEY_IDR, problems=problems
    )
    values["annual_sales_idr"] = _whole(
        cells.get("annual_sales_idr"), label="annual_sales_idr", maximum=MAX_MONEY_IDR, problems=problems
    )
    values["employees"] = _whole(
        cells.get("employees"), label="employees", maximum=MAX_EMPLOYEES, problems=problems
    )

    source_text = _text(cells.get("source")).lower()
    values["source"] = default_source
    if source_text:
        values["source"] = SOURCE_OF.get(source_text, "")
        if not values["source"]:
            problems.append(
                _("unknown source “%(source)s” (one of: %(allowed)s)")
                % {"source": source_text[:40], "allowed": ", ".join(IMPORT_SOURCES)}
            )
    values["registered_on"] = _date(cells.get("registered_on"), today=today, problems=problems)
    return values, problems


# --- Writing ---------------------------------------------------------------------------------------


def _merge(record: CensusRecord, values: dict) -> bool:
    """Write the row's filled-in values onto an existing record; True when anything changed.

    A record linked to a platform MSME takes only what it lacks."""
    linked = record.vendor_id is not None
    changed = False
    for name in FIELDS:
        value = values[name]
        if value in (None, ""):
            continue
        current = getattr(record, name)
        if name == "registered_on":
            value = min(current, value) if current else value
        elif name == "source":
            continue  # where the record came from first stays
        elif linked and current not in (None, ""):
            continue
        if current != value:
            setattr(record, name, value)
            changed = True
    return changed


def _platform_12m(record_ids, today: date) -> dict[int, int]:
    if not record_ids:
        return {}
    first, last = periods.twelve_months_to(today)
    return dict(
        PlatformSales.objects.filter(record_id__in=record_ids, month__gte=first, month__lte=last)
        .values_list("record_id")
        .annotate(s=Sum("amount_idr"))
    )


def _write_batch(batch: list[tuple[int, dict]], *, today: date, report: ImportReport) -> None:
    niks = [v["nik"] for _line, v in batch if v["nik"]]
    nibs = [v["nib"] for _line, v in batch if v["nib"]]
    by_nik = {r.nik: r for r in CensusRecord.objects.filter(nik__in=niks)} if niks else {}
    by_nib = {r.nib: r for r in CensusRecord.objects.filter(nib__in=nibs)} if nibs else {}
    now = timezone.now()
    new, changed = [], []
    for line, values in batch:
        nik_match, nib_match = by_nik.get(values["nik"]), by_nib.get(values["nib"])
        if nik_match and nib_match and nik_match.pk != nib_match.pk:
            report.rejected.append(
                Rejection(line, _("the NIB belongs to another census record than the NIK"))
            )
            continue
        record = nik_match or nib_match
        if record is not None and values["nik"] and record.nik and record.nik != values["nik"]:
            report.rejected.append(Rejection(line, _("the NIB is already registered with another NIK")))
            continue
        if record is None:
            fields = {name: values[name] for name in FIELDS}
            fields["registered_on"] = fields["registered_on"] or today
            new.append(CensusRecord(**fields, created_at=now, updated_at=now))
        elif _merge(record, values):
            record.updated_at = now
            changed.append(record)
        else:
            report.unchanged += 1
    platform = _platform_12m([r.pk for r in changed], today)
    changes = []
    for record in new + changed:
        new_class = sizeclass.size_class(
            capital_idr=record.capital_idr,
            reported_sales_idr=record.annual_sales_idr,
            platform_12m_idr=platform.get(record.pk, 0) if record.pk else 0,
        )
        if new_class != record.size_class:
            changes.append((record, record.size_class, new_class))
            record.size_class = new_class
    with transaction.atomic():
        CensusRecord.objects.bulk_create(new, batch_size=BATCH_SIZE)
        CensusRecord.objects.bulk_update(
            changed, [*FIELDS, "size_class", "updated_at"], batch_size=BATCH_SIZE
        )
        SizeClassChange.objects.bulk_create(
            [
                SizeClassChange(
                    record=record,
                    from_class=old,
                    to_class=to,
                    changed_on=today,
                    cause=SizeClassChange.Cause.IMPORT,
                    created_at=now,
                )
                for record, old, to in changes
            ],
            batch_size=BATCH_SIZE,
        )
    report.created += len(new)
    report.updated += len(changed)
    report.class_changes += len(changes)


def census_import(
    *,
    file,
    source: str = CensusRecord.Source.OTHER,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import a register file (a path, or an uploaded / open binary file, CSV or XLSX) into the census.

    `source`: the register it comes from when a row does not say (kopimi, iumk, other).
    `progress(done, total)`: called after each batch of rows. Returns the report: counts and
    every rejected row with its line and reasons. ImportRefused when the file cannot be read."""
    if source not in IMPORT_SOURCES:
        raise ImportRefused(
            _("Unknown source: choose one of %(allowed)s.") % {"allowed": ", ".join(IMPORT_SOURCES)}
        )
    today = today or timezone.localdate()
    _columns, rows = read_rows(file)
    report = ImportReport(rows=len(rows))
    regions = _Regions()
    seen_nik: dict[str, int] = {}
    seen_nib: dict[str, int] = {}
    total = len(rows)
    for start in range(0, total, batch_size):
        batch = []
        for line, cells in rows[start : start + batch_size]:
            values, problems = _clean_row(cells, regions=regions, default_source=source, today=today)
            for key, seen, label in ((values["nik"], seen_nik, "NIK"), (values["nib"], seen_nib, "NIB")):
                if not key:
                    continue
                if key in seen:  # the first line with it is the one taken (when it is good)
                    problems.append(
                        _("same %(number)s as line %(line)d") % {"number": label, "line": seen[key]}
                    )
                else:
                    seen[key] = line
            if problems:
                report.rejected.append(Rejection(line, "; ".join(problems)))
                continue
            batch.append((line, values))
        _write_batch(batch, today=today, report=report)
        if progress:
            progress(min(start + batch_size, total), total)
    report.rejected.sort(key=lambda r: r.line)
    logger.info(
        "census import: %s rows, %s created, %s updated, %s rejected",
        report.rows,
        report.created,
        report.updated,
        len(report.rejected),
    )
    return report
