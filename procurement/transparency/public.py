"""What may leave the site for anyone to read: names and ids with nothing personal in them.

A business name is typed by its owner; nothing stops someone from writing their NIK, phone
number or e-mail address into it ("Katering 3374011508900001"). Every public output (pages,
CSV, OCDS, the API) shows names through `public_name`, which hides such runs.
"""

import re

MASK = "[disamarkan]"  # shown where a number or address was hidden

# Ten or more digits, possibly split by spaces, dots, dashes or slashes (NIK: 16, phones: 10–13),
# with an optional leading "+" (+62 812…).
_LONG_NUMBER = re.compile(r"\+?\d(?:[\s./-]?\d){9,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def public_text(text: str | None) -> str:
    """`text` with e-mail addresses and long digit runs (NIK- and phone-shaped) masked."""
    if not text:
        return ""
    text = _EMAIL.sub(MASK, text)
    return _LONG_NUMBER.sub(MASK, text)


def public_name(business_name: str | None, fallback: str | None = "") -> str:
    """The MSME's public name: its business name (else the shop's), masked."""
    return public_text((business_name or "").strip() or (fallback or "").strip())


def vendor_public_id(partner_id: int) -> str:
    """A stable, non-personal id of an MSME in open data: its shop's number on the platform.

    Not the slug: a slug is made from the business name and could carry what the name did."""
    return f"umkm-{partner_id}"


def unit_public_id(unit_code: str) -> str:
    return f"opd-{unit_code}"
