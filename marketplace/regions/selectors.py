"""Reads of the city's regions."""

from marketplace.regions.models import Region
from marketplace.regions.provinces import PROVINCE_CODES, PROVINCES

_PROVINCE_NAMES = dict(PROVINCES)


def kecamatan_list():
    return Region.objects.filter(level=Region.Level.DISTRICT).order_by("name")


def kelurahan_list(*, kecamatan: Region | None = None):
    qs = Region.objects.filter(level=Region.Level.VILLAGE).order_by("name")
    return qs.filter(parent=kecamatan) if kecamatan else qs


def province_known(code: str) -> bool:
    """Whether `code` ("33") is one of Indonesia's provinces (the list shipped as data)."""
    return code in PROVINCE_CODES


def province_name(code: str) -> str | None:
    return _PROVINCE_NAMES.get(code)


def kecamatan_codes(regency_code: str) -> frozenset[str]:
    """Codes of the loaded kecamatan of a regency or city ("33.74" -> {"33.74.01", …}).

    Empty when the loaded regions do not hold that regency's kecamatan: the city pack lists
    every kecamatan of its own city, and nothing of other regencies.
    """
    return frozenset(
        Region.objects.filter(level=Region.Level.DISTRICT, parent__code=regency_code).values_list(
            "code", flat=True
        )
    )


def region_name(code: str) -> str | None:
    """The loaded region's name ("33.74" -> "Kota Semarang"), or None."""
    return Region.objects.filter(code=code).values_list("name", flat=True).first()
