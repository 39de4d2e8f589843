"""What a catalogue card says beside the photo: the seller's name fit for the public, the notice
an order needs ("pesan H-2")."""

import math
import re

from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()

MASK_CHAR = "•"
# Sixteen or more digits in a row (a NIK, perhaps typed with spaces, dots or dashes between the
# digits): an owner who typed the NIK into the business name must not see it published.
_NIK_LIKE = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){15,}(?!\d)")


def _mask(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) == 16:  # the shape vendors.validators.mask_nik gives a NIK: 3374••••••••0001
        return digits[:4] + MASK_CHAR * 8 + digits[-4:]
    return MASK_CHAR * len(digits)


def mask_nik_runs(text) -> str:
    """`text` with every run of 16 or more digits (a NIK) masked, first and last four digits kept
    for a run of exactly 16."""
    return _NIK_LIKE.sub(_mask, str(text or ""))


@register.filter(name="public_name")
def public_name(name) -> str:
    """A business name as the public may read it: no NIK in it (the filter escapes as usual)."""
    return mask_nik_runs(name)


@register.filter(name="lead_time")
def lead_time(hours) -> str:
    """The notice an order needs, the way Indonesian kitchens say it: "pesan H-2" (two days
    before), "pesan 6 jam sebelumnya", or "pesan hari-H"."""
    hours = int(hours or 0)
    if hours <= 0:
        return gettext("order on the day")
    if hours < 24:
        return ngettext("order %(hours)s hour ahead", "order %(hours)s hours ahead", hours) % {"hours": hours}
    days = math.ceil(hours / 24)
    return ngettext("order %(days)s day ahead", "order %(days)s days ahead", days) % {"days": days}
