"""Records and NIKs for the census tests."""

import csv
import io
from datetime import date

from vendors.census.models import CensusRecord

HEADER = (
    "nik", "nib", "business_name", "owner_name", "phone", "address", "sector", "kecamatan", "kelurahan",
    "capital_idr", "annual_sales_idr", "employees", "source", "source_reference", "registered_on",
)  # fmt: skip


def nik(*, kecamatan: int = 1, birth: date = date(1985, 8, 12), female: bool = False, serial: int = 1) -> str:
    """A valid NIK first issued in Kota Semarang's kecamatan number `kecamatan`."""
    day = birth.day + (40 if female else 0)
    return f"3374{kecamatan:02d}{day:02d}{birth:%m%y}{serial:04d}"


def row(**values) -> dict:
    base = {
        "nik": nik(),
        "nib": "",
        "business_name": "Lumpia Bu Sri",
        "owner_name": "Sri Wahyuni",
        "phone": "0812-2650-1101",
        "address": "Jl. Gang Lombok No. 11",
        "sector": "kuliner",
        "kecamatan": "Semarang Tengah",
        "kelurahan": "Purwodinatan",
        "capital_idr": "45.000.000",
        "annual_sales_idr": "360.000.000",
        "employees": "4",
        "source": "kopimi",
        "source_reference": "KOPIMI-01-00017",
        "registered_on": "2019-03-14",
    }
    base.update(values)
    return base


def csv_file(rows, *, header=HEADER, name="register.csv") -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode("utf-8"))
    upload.name = name
    return upload


def record(**fields) -> CensusRecord:
    fields.setdefault("business_name", "Warung Uji")
    fields.setdefault("source", CensusRecord.Source.KOPIMI)
    fields.setdefault("registered_on", date(2024, 1, 15))
    return CensusRecord.objects.create(**fields)
