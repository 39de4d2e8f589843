"""Writes for the city's regions."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from marketplace.regions.models import Region

LEVEL_ORDER = {level: i for i, level in enumerate(Region.Level.values)}


class CityPackError(Exception):
    """The city pack is missing a file or holds a row that cannot be loaded."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def regions_load(*, pack_dir: Path) -> LoadReport:
    """Create or update the regions listed in the pack's wilayah.csv (idempotent)."""
    path = Path(pack_dir) / "wilayah.csv"
    if not path.exists():
        raise CityPackError(f"{path} not found")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        if row.get("level") not in LEVEL_ORDER or not row.get("code") or not row.get("name"):
            raise CityPackError(f"{path.name} line {n}: bad row {row!r}")
    rows.sort(key=lambda r: LEVEL_ORDER[r["level"]])  # parents before children

    report = LoadReport()
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.all()}
        for row in rows:
            parent = existing.get(row["parent_code"]) if row["parent_code"] else None
            if row["parent_code"] and parent is None:
                raise CityPackError(f"{path.name}: parent {row['parent_code']} of {row['code']} unknown")
            region = existing.get(row["code"])
            if region is None:
                existing[row["code"]] = Region.objects.create(
                    code=row["code"], level=row["level"], name=row["name"], parent=parent
                )
                report.created += 1
            elif (region.level, region.name, region.parent_id) != (
                row["level"],
                row["name"],
                parent.pk if parent else None,
            ):
                region.level, region.name, region.parent = row["level"], row["name"], parent
                region.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report
