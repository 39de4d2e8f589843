"""Reads of the city's regions."""

from marketplace.regions.models import Region


def kecamatan_list():
    return Region.objects.filter(level=Region.Level.DISTRICT).order_by("name")


def kelurahan_list(*, kecamatan: Region | None = None):
    qs = Region.objects.filter(level=Region.Level.VILLAGE).order_by("name")
    return qs.filter(parent=kecamatan) if kecamatan else qs
