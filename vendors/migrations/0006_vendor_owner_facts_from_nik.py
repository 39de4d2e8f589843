"""Existing MSMEs: the owner's gender and birth date read from a valid NIK, and the NPWP, P-IRT and
halal numbers in their normal form (the forms used to store them as typed, dots and spaces
included).

The NIK's reading is written out here, as vendors.validators.parse_nik does it today (DDMMYY,
40 added to the day for women, a two-digit year above this year's belonging to the last
century), so this migration does not change when that code does. A NIK that does not read
as a birth date is left without the facts.
"""

import re
from datetime import date

from django.db import migrations
from django.utils import timezone

_SEPARATORS = re.compile(r"[\s.\-]+")
_NIK = re.compile(r"[0-9]{16}")


def _owner_facts(nik, today):
    """(gender, birth date) from a NIK, or None when it is not one."""
    if not nik or _NIK.fullmatch(nik) is None:
        return None
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "L"
    if day > 40:
        gender, day = "P", day - 40
    century = 1900 if year2 > today.year % 100 else 2000
    try:
        birth_date = date(century + year2, month, day)
    except ValueError:
        return None
    if birth_date > today or nik[12:16] == "0000":
        return None
    return gender, birth_date


def forwards(apps, schema_editor):
    Vendor = apps.get_model("vendors", "Vendor")
    today = timezone.localdate()
    for vendor in Vendor.objects.only("pk", "nik", "npwp", "pirt_number", "halal_number").iterator():
        changes = {}
        facts = _owner_facts(vendor.nik, today)
        if facts:
            changes["owner_gender"], changes["owner_birth_date"] = facts
        for field in ("npwp", "pirt_number", "halal_number"):
            stored = getattr(vendor, field) or ""
            normal = _SEPARATORS.sub("", stored)
            if field == "halal_number":
                normal = normal.upper()
            if normal != stored:
                changes[field] = normal
        if changes:
            Vendor.objects.filter(pk=vendor.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0005_vendor_identity_validators_owner_facts"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
