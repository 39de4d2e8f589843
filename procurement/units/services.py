"""Writes for government units."""

import csv
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

from marketplace.regions.services import CityPackError, LoadReport
from procurement.units.models import Membership, Unit

UNIT_COLUMNS = ("code", "name", "short_name", "kind")


def units_load(*, pack_dir: Path) -> LoadReport:
    """Create or update the units listed in the pack's opd.csv (idempotent)."""
    path = Path(pack_dir) / "opd.csv"
    if not path.exists():
        raise CityPackError(f"{path} not found")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        if any(not (row.get(col) or "").strip() for col in UNIT_COLUMNS):
            raise CityPackError(f"{path.name} line {n}: every column of {UNIT_COLUMNS} is required")
    report = LoadReport()
    with transaction.atomic():
        existing = {u.code: u for u in Unit.objects.all()}
        for row in rows:
            values = {col: row[col].strip() for col in UNIT_COLUMNS[1:]}
            unit = existing.get(row["code"].strip())
            if unit is None:
                Unit.objects.create(code=row["code"].strip(), **values)
                report.created += 1
            elif any(getattr(unit, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(unit, k, v)
                unit.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report


ROLE_GROUPS = {"pemesan": "Pemesan OPD", "ppk": "PPK", "bendahara": "Bendahara"}


@transaction.atomic
def membership_grant(*, user, unit: Unit, role: str):
    """Let `user` act for `unit` in `role`; the role's group gives the permissions."""
    membership, _created = Membership.objects.update_or_create(
        user=user, unit=unit, role=role, defaults={"is_active": True}
    )
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return membership


@transaction.atomic
def membership_revoke(*, user, unit: Unit, role: str) -> None:
    """Stop `user` acting for `unit` in `role`; the group goes when no unit is left."""
    Membership.objects.filter(user=user, unit=unit, role=role).update(is_active=False)
    if not Membership.objects.filter(user=user, role=role, is_active=True).exists():
        user.groups.remove(Group.objects.get(name=ROLE_GROUPS[role]))
