"""Writes for price ceilings."""

import csv
from pathlib import Path

from django.db import transaction

from marketplace.regions.services import CityPackError, LoadReport
from procurement.ceilings.models import PriceCeiling


def price_ceilings_load(*, path: Path) -> LoadReport:
    """Create or update ceilings from a CSV with year,kind,unit,max_price_idr,note (idempotent).

    Every row is checked first; one bad row loads nothing."""
    path = Path(path)
    if not path.exists():
        raise CityPackError(f"{path} not found")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    clean = []
    for n, row in enumerate(rows, start=2):
        try:
            year, price = int(row["year"]), int(row["max_price_idr"])
        except (KeyError, TypeError, ValueError):
            raise CityPackError(
                f"{path.name} line {n}: year and max_price_idr must be whole numbers"
            ) from None
        if price <= 0 or not (row.get("kind") or "").strip():
            raise CityPackError(f"{path.name} line {n}: kind is required and the price must be positive")
        clean.append(
            (
                year,
                row["kind"].strip(),
                (row.get("unit") or "orang/kali").strip(),
                price,
                (row.get("note") or "").strip(),
            )
        )
    report = LoadReport()
    with transaction.atomic():
        for year, kind, unit, price, note in clean:
            obj, created = PriceCeiling.objects.get_or_create(
                fiscal_year=year,
                kind=kind,
                defaults={"unit_label": unit, "max_price_idr": price, "note": note},
            )
            if created:
                report.created += 1
            elif (obj.unit_label, obj.max_price_idr, obj.note) != (unit, price, note):
                obj.unit_label, obj.max_price_idr, obj.note = unit, price, note
                obj.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report
