"""The census of the demo world: a register of a few hundred Semarang MSMEs beside the platform's.

`census_demo()` generates a Gerai Kopimi / IUMK register (made-up but structurally valid NIKs
and NIBs, spread over the city's kecamatan and kelurahan, mostly micro, a few small and medium),
imports it through the same service as an upload, brings the platform MSMEs' records up to date
(their paid orders are already in the census: payments feed it) and freezes last quarter's
snapshot. Idempotent: a second run imports the same rows unchanged and freezes nothing new.
The city pack must be loaded.
"""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from marketplace.accounts import roles
from marketplace.regions.models import Region
from vendors.census import periods
from vendors.census.importer import ImportReport, census_import
from vendors.census.models import CensusSnapshot
from vendors.census.services import census_size_classes_refresh, census_snapshot_freeze, census_sync_vendors

SERIAL_START = 2001  # NIK serials 2001–4999: the platform's demo MSMEs use lower and higher ones
NIB_PREFIX = "81207"  # the platform's demo MSMEs' NIBs start 91201 / 91209
MAX_ROWS = 16 * (4999 - SERIAL_START + 1)

FEMALE = ("Sri", "Siti", "Dewi", "Endang", "Rina", "Nur", "Rahayu", "Ratna", "Fitri", "Lestari", "Ayu",
          "Sumiati", "Tutik", "Wulan", "Ningsih", "Heni", "Yayuk", "Puji", "Retno", "Indah")  # fmt: skip
MALE = ("Agus", "Bambang", "Budi", "Joko", "Slamet", "Teguh", "Rudi", "Ahmad", "Yusuf", "Hartono",
        "Eko", "Dwi", "Sugeng", "Arif", "Bayu", "Heru", "Imam", "Rizal", "Triyono", "Fajar")  # fmt: skip
FAMILY = ("Wahyuni", "Santoso", "Setiawan", "Susilo", "Prasetyo", "Wibowo", "Handayani", "Hidayat",
          "Saputra", "Nugroho", "Utami", "Hartanto", "Suryani", "Pratama", "Haryanto", "Mulyono")  # fmt: skip
BUSINESS = {
    "kuliner": ("Dapur", "Warung", "Pawon", "Kedai", "Katering", "Bandeng Presto", "Lumpia", "Wingko"),
    "fashion": ("Batik", "Konveksi", "Butik", "Jahit"),
    "kriya": ("Kerajinan", "Anyaman", "Souvenir", "Kriya"),
    "jasa": ("Laundry", "Servis", "Percetakan", "Salon"),
    "lainnya": ("Toko", "Usaha"),
}
SUFFIX = ("Barokah", "Makmur", "Sejahtera", "Lestari", "Jaya", "Asri", "Sentosa", "Mandiri", "Rejeki", "Sari")
SECTORS = ("kuliner",) * 11 + ("fashion",) * 3 + ("kriya",) * 3 + ("jasa",) * 2 + ("lainnya",)
STREETS = ("Jl. Pemuda", "Jl. Pandanaran", "Jl. Majapahit", "Jl. Fatmawati", "Jl. Setiabudi",
           "Jl. Ngesrep Timur", "Jl. Kaligawe Raya", "Jl. Walisongo", "Jl. Sriwijaya", "Jl. Dr. Cipto",
           "Jl. Kelud Raya")  # fmt: skip
COLUMNS = (
    "nik", "nib", "nama_usaha", "nama_pemilik", "telepon", "alamat", "sektor", "kecamatan", "kelurahan",
    "modal", "omzet", "tenaga_kerja", "sumber", "nomor_register", "tanggal_daftar",
)  # fmt: skip


@dataclass
class CensusDemoReport:
    imported: ImportReport
    platform_msmes: int
    snapshot: CensusSnapshot | None

    def __str__(self) -> str:
        frozen = (
            f"{self.snapshot} frozen ({self.snapshot.records} MSMEs)" if self.snapshot else "no new snapshot"
        )
        return f"Census: register {self.imported}; {self.platform_msmes} platform MSMEs synced; {frozen}."


def _figures(rng: random.Random) -> tuple[int, int, int]:
    """(capital, annual sales, employees): mostly micro, some small, a few medium."""
    size = rng.random()
    if size < 0.85:
        return rng.randrange(5, 400) * 1_000_000, rng.randrange(30, 1_900) * 1_000_000, rng.randrange(1, 5)
    if size < 0.97:
        return (
            rng.randrange(1_100, 4_500) * 1_000_000,
            rng.randrange(2_100, 14_000) * 1_000_000,
            rng.randrange(5, 20),
        )
    return (
        rng.randrange(5_200, 9_500) * 1_000_000,
        rng.randrange(16_000, 45_000) * 1_000_000,
        rng.randrange(20, 90),
    )


def register_rows(*, rows: int, seed: int = 17, today: date | None = None) -> list[dict]:
    """`rows` register rows (the import's Indonesian headers), the same for the same seed."""
    if rows > MAX_ROWS:
        raise ValueError(f"At most {MAX_ROWS} demo register rows: the NIK serials run out.")
    today = today or timezone.localdate()
    kecamatan = list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))
    if not kecamatan:
        raise ValueError("No kecamatan loaded: run the city pack loading first.")
    villages: dict[int, list[Region]] = {k.pk: [] for k in kecamatan}
    for village in Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"):
        villages.setdefault(village.parent_id, []).append(village)
    city = settings.CITY_CODE.replace(".", "")
    out = []
    for no in range(rows):
        rng = random.Random(f"{seed}-{no}")
        district = kecamatan[no % len(kecamatan)]
        village = rng.choice(villages[district.pk]) if villages[district.pk] else None
        female = rng.random() < 0.62
        birth = date(rng.randrange(1958, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        day = birth.day + (40 if female else 0)
        serial = SERIAL_START + no // len(kecamatan)
        nik = f"{city}{district.code[-2:]}{day:02d}{birth:%m%y}{serial:04d}"
        first = rng.choice(FEMALE if female else MALE)
        owner = f"{first} {rng.choice(FAMILY)}"
        sector = rng.choice(SECTORS)
        prefix = rng.choice(BUSINESS[sector])
        if sector == "kuliner" and rng.random() < 0.5:
            name = f"{prefix} {'Bu' if female else 'Pak'} {first}"
        else:
            name = f"{prefix} {rng.choice(SUFFIX)}"
        capital, sales, employees = _figures(rng)
        source = "kopimi" if rng.random() < 0.7 else "iumk"
        registered = today - timedelta(days=rng.randrange(30, 6 * 365))
        out.append(
            {
                "nik": nik,
                "nib": f"{NIB_PREFIX}{no:08d}" if rng.random() < 0.55 else "",
                "nama_usaha": name,
                "nama_pemilik": owner,
                "telepon": f"08{rng.choice('12578')}{rng.randrange(10**7, 10**8)}",
                "alamat": f"{rng.choice(STREETS)} No. {rng.randrange(1, 250)}",
                "sektor": sector,
                "kecamatan": district.name,
                "kelurahan": village.name if village else "",
                "modal": f"{capital:,}".replace(",", "."),
                "omzet": str(sales) if rng.random() < 0.8 else "",
                "tenaga_kerja": str(employees),
                "sumber": source,
                "nomor_register": f"{source.upper()}-{district.code[-2:]}-{no + 1:05d}",
                "tanggal_daftar": registered.strftime("%d-%m-%Y"),
            }
        )
    return out


def register_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def census_demo(*, rows: int = 400, seed: int = 17, today: date | None = None) -> CensusDemoReport:
    """Import the demo register, sync the platform MSMEs, re-class, and freeze last quarter
    (by the demo Analis when there is one). Returns what it did."""
    today = today or timezone.localdate()
    upload = io.BytesIO(register_csv(register_rows(rows=rows, seed=seed, today=today)))
    upload.name = "register-demo.csv"
    imported = census_import(file=upload, source="kopimi", today=today)
    synced = census_sync_vendors(on=today)
    census_size_classes_refresh(on=today)
    last_quarter_end = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - timedelta(days=1)
    year, quarter = last_quarter_end.year, (last_quarter_end.month - 1) // 3 + 1
    snapshot = None
    start, _end = periods.period_bounds(period_kind=periods.QUARTER, year=year, quarter=quarter)
    if not CensusSnapshot.objects.filter(period_kind=periods.QUARTER, period_start=start).exists():
        analyst = (
            get_user_model().objects.filter(groups__name=roles.ANALYST, is_active=True).order_by("pk").first()
        )
        if analyst is not None and not analyst.has_perm("accounts.view_msme_statistics"):
            analyst = None  # frozen as the automatic close would
        snapshot = census_snapshot_freeze(
            period_kind=periods.QUARTER, year=year, quarter=quarter, actor=analyst, today=today
        )
    return CensusDemoReport(imported=imported, platform_msmes=synced, snapshot=snapshot)
