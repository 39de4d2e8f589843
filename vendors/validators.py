"""Checks for the numbers an MSME gives when it registers (DESIGN.md §4, Identity).

- NIK: the 16-digit national identity number on the KTP: province (2), regency/city (2),
  kecamatan (2), birth date DDMMYY with 40 added to the day for women, serial (4, from 0001).
  Its region codes are checked against the regions the city pack loaded, where the pack knows
  them: the province against Indonesia's provinces (marketplace.regions.provinces), the
  kecamatan against the loaded kecamatan of its regency (always the city's own).
- NIB: the 13-digit business identity number from OSS.
- P-IRT: home-industry food licence, at least 15 digits, the last two the year it expires.
- Halal certificate number: ``ID`` followed by digits.
- NPWP: tax number, 15 digits (old format) or 16 (the NIK-based format since 2024).

The ``validate_*`` functions are Django validators (also on the model's fields, so ``full_clean``
refuses a bad number): they take the value, return nothing and raise ``ValidationError`` with a
stable ``code``. People type these numbers with spaces, dots and dashes (``33.74.01…``,
``01.234.567.8-901.000``); the validators accept them. The ``clean_*`` functions return the
number as stored, its normal form (digits only; a halal number upper case without separators),
or raise the validator's error: every path that writes one (the forms, the admin,
``vendors.services.vendor_update``, an import) goes through them, so the same number is stored
and the same message refuses it whatever the path. ``parse_nik`` reads a NIK's structure only
(no database); ``validate_nik`` and ``clean_nik`` also check its regions (database). A NIK is
personal data: show it with ``mask_nik`` outside the owner, the verifier and the analyst with
the right permission.
"""

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.regions import selectors as regions
from marketplace.regions.provinces import PROVINCE_CODES  # Indonesia's 38 provinces, as data

__all__ = [
    "PROVINCE_CODES",
    "NikInfo",
    "compact",
    "parse_nik",
    "check_nik_regions",
    "validate_nik",
    "clean_nik",
    "nik_clean_info",
    "nik_issued_in_city",
    "mask_nik",
    "validate_nib",
    "clean_nib",
    "validate_pirt",
    "clean_pirt",
    "normalise_halal",
    "validate_halal",
    "clean_halal",
    "validate_npwp",
    "clean_npwp",
    "normalise_phone",
    "validate_phone",
]

NIK_LENGTH = 16
NIB_LENGTH = 13
PIRT_MIN_LENGTH = 15
HALAL_MIN_LENGTH = 10
HALAL_MAX_LENGTH = 40
NPWP_LENGTHS = (15, 16)
WOMEN_DAY_OFFSET = 40
MASK_CHAR = "•"

_SEPARATORS = re.compile(r"[\s.\-]+")
# [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits.
_DIGITS = re.compile(r"[0-9]+")
_HALAL = re.compile(r"ID[0-9]+")


def compact(value) -> str:
    """The value without the spaces, dots and dashes people type inside numbers."""
    if value is None:
        return ""
    return _SEPARATORS.sub("", str(value))


def _is_digits(value: str) -> bool:
    return _DIGITS.fullmatch(value) is not None


# --- NIK ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NikInfo:
    """What a NIK tells: where it was first issued, the holder's birth date and gender."""

    nik: str  # the 16 digits, without separators
    province: str  # "33"
    regency: str  # "74": regency (kabupaten) or city (kota) within the province
    district: str  # "01": kecamatan within the regency
    birth_date: date
    gender: str  # "F" or "M"
    serial: str  # "0001"

    @property
    def regency_code(self) -> str:
        """Kemendagri code of the regency or city, as in the region data: "33.74"."""
        return f"{self.province}.{self.regency}"

    @property
    def kecamatan_code(self) -> str:
        """Kemendagri code of the kecamatan, as in the region data: "33.74.01"."""
        return f"{self.province}.{self.regency}.{self.district}"


def parse_nik(value, *, today: date | None = None) -> NikInfo:
    """Read a NIK's parts, or raise ValidationError saying which part is wrong."""
    nik = compact(value)
    if not _is_digits(nik):
        raise ValidationError(_("NIK may contain digits only."), code="nik_not_digits")
    if len(nik) != NIK_LENGTH:
        raise ValidationError(
            _("NIK must be 16 digits; you typed %(length)d."),
            code="nik_length",
            params={"length": len(nik)},
        )
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    serial = nik[12:16]

    if not regions.province_known(province):
        raise ValidationError(
            _("Province code %(code)s in the NIK is not known."),
            code="nik_province",
            params={"code": province},
        )
    if regency == "00":
        raise ValidationError(
            _("Digits 3–4 of the NIK (regency or city code) cannot be 00."), code="nik_regency"
        )
    if district == "00":
        raise ValidationError(_("Digits 5–6 of the NIK (kecamatan code) cannot be 00."), code="nik_district")

    gender = "M"
    if day > WOMEN_DAY_OFFSET:
        gender = "F"
        day -= WOMEN_DAY_OFFSET
    today = today or timezone.localdate()
    # Two-digit years: one above this year's two digits belongs to the last century.
    century = 1900 if year2 > today.year % 100 else 2000
    try:
        birth_date = date(century + year2, month, day)
    except ValueError:
        raise ValidationError(
            _(
                "Digits 7–12 of the NIK must be a real birth date (DDMMYY, with 40 added to the day "
                "for women)."
            ),
            code="nik_birth_date",
        )
    if birth_date > today:
        raise ValidationError(_("The birth date in the NIK is in the future."), code="nik_birth_date_future")
    if serial == "0000":
        raise ValidationError(
            _("The last four digits of the NIK (serial number) cannot be 0000."), code="nik_serial"
        )
    return NikInfo(
        nik=nik,
        province=province,
        regency=regency,
        district=district,
        birth_date=birth_date,
        gender=gender,
        serial=serial,
    )


def check_nik_regions(info: NikInfo) -> None:
    """Raise ValidationError when the NIK names a kecamatan its regency does not have.

    Checked where the loaded regions know the regency's kecamatan: always the city's own (the
    city pack lists all of them), and any other regency a pack lists. The province is checked
    by ``parse_nik``; other regencies' codes cannot be, as the pack lists no other regencies.
    """
    known = regions.kecamatan_codes(info.regency_code)
    if known and info.kecamatan_code not in known:
        regency = regions.region_name(info.regency_code) or info.regency_code
        raise ValidationError(
            _("Kecamatan code %(code)s in the NIK does not exist in %(regency)s."),
            code="nik_district_unknown",
            params={"code": info.district, "regency": regency},
        )


def validate_nik(value) -> None:
    """Django validator: a well-formed NIK whose region codes exist (reads the regions)."""
    check_nik_regions(parse_nik(value))


def clean_nik(value) -> str | None:
    """The NIK as stored (its 16 digits), or None when empty; ValidationError when wrong.

    Spaces, dots and dashes typed inside it are dropped; what is left must be 16 digits.
    """
    info = nik_clean_info(value)
    return info.nik if info else None


def nik_clean_info(value) -> NikInfo | None:
    """What a NIK tells (see ``clean_nik``), or None when empty; ValidationError when wrong."""
    if not compact(value):
        return None
    info = parse_nik(value)
    check_nik_regions(info)
    return info


def nik_issued_in_city(nik, city_code: str | None = None) -> bool:
    """Whether the NIK was first issued in the city (default: settings.CITY_CODE, "33.74").

    This is where the KTP was first issued, not proof of domicile by itself (DESIGN.md §4).
    Only a valid NIK counts, its kecamatan checked against the city's loaded kecamatan: a NIK
    naming a kecamatan the city does not have (3374 17…) is not "in the city" and waives no
    domicile letter.
    """
    code = compact(city_code if city_code is not None else getattr(settings, "CITY_CODE", "33.74"))
    try:
        info = parse_nik(nik)
    except ValidationError:
        return False
    if compact(info.regency_code) != code:
        return False
    try:
        check_nik_regions(info)
    except ValidationError:
        return False
    return True


def mask_nik(nik) -> str:
    """The NIK with only its first four and last four digits visible: "3374••••••••0001".

    Anything that is not a 16-digit NIK is masked entirely, so no input ever shows its middle.
    """
    digits = compact(nik)
    if not digits:
        return ""
    if len(digits) != NIK_LENGTH or not _is_digits(digits):
        return MASK_CHAR * NIK_LENGTH
    return digits[:4] + MASK_CHAR * 8 + digits[-4:]


# --- Permits and tax number ----------------------------------------------------------------------


def validate_nib(value) -> None:
    """Django validator: an NIB is exactly 13 digits."""
    nib = compact(value)
    if not _is_digits(nib):
        raise ValidationError(_("NIB may contain digits only."), code="nib_not_digits")
    if len(nib) != NIB_LENGTH:
        raise ValidationError(
            _("NIB must be exactly 13 digits; this one has %(length)d."),
            code="nib_length",
            params={"length": len(nib)},
        )


def clean_nib(value) -> str | None:
    """The NIB as stored (its 13 digits), or None when empty; ValidationError when wrong."""
    nib = compact(value)
    if not nib:
        return None
    validate_nib(nib)
    return nib


def validate_pirt(value, *, today: date | None = None) -> None:
    """Django validator: a P-IRT number has at least 15 digits, the last two its expiry year."""
    pirt = compact(value)
    if not _is_digits(pirt):
        raise ValidationError(_("P-IRT number may contain digits only."), code="pirt_not_digits")
    if len(pirt) < PIRT_MIN_LENGTH:
        raise ValidationError(
            _("P-IRT number must have at least 15 digits; this one has %(length)d."),
            code="pirt_length",
            params={"length": len(pirt)},
        )
    expiry_year = 2000 + int(pirt[-2:])
    today = today or timezone.localdate()
    if expiry_year < today.year:
        raise ValidationError(
            _("This P-IRT expired in %(year)d (the last two digits are the year it expires)."),
            code="pirt_expired",
            params={"year": expiry_year},
        )


def clean_pirt(value, *, today: date | None = None) -> str:
    """The P-IRT number as stored (digits only), "" when empty; ValidationError when wrong."""
    pirt = compact(value)
    if pirt:
        validate_pirt(pirt, today=today)
    return pirt


def normalise_halal(value) -> str:
    """A halal certificate number as stored: no spaces, dots or dashes, upper case."""
    return compact(value).upper()


def validate_halal(value) -> None:
    """Django validator: a halal certificate number is "ID" and digits, 10–40 characters."""
    number = normalise_halal(value)
    if _HALAL.fullmatch(number) is None:
        raise ValidationError(
            _('A halal certificate number starts with "ID" followed by digits.'), code="halal_format"
        )
    if not HALAL_MIN_LENGTH <= len(number) <= HALAL_MAX_LENGTH:
        raise ValidationError(
            _("A halal certificate number has 10 to 40 characters; this one has %(length)d."),
            code="halal_length",
            params={"length": len(number)},
        )


def clean_halal(value) -> str:
    """The halal certificate number as stored (``normalise_halal``), "" when empty; ValidationError
    when wrong."""
    number = normalise_halal(value)
    if number:
        validate_halal(number)
    return number


def validate_npwp(value) -> None:
    """Django validator: an NPWP is 15 digits (old format) or 16 (NIK-based)."""
    npwp = compact(value)
    if not _is_digits(npwp):
        raise ValidationError(_("NPWP may contain digits only."), code="npwp_not_digits")
    if len(npwp) not in NPWP_LENGTHS:
        raise ValidationError(
            _("NPWP must be 15 or 16 digits; this one has %(length)d."),
            code="npwp_length",
            params={"length": len(npwp)},
        )


def clean_npwp(value) -> str:
    """The NPWP as stored (its 15 or 16 digits), "" when empty; ValidationError when wrong."""
    npwp = compact(value)
    if npwp:
        validate_npwp(npwp)
    return npwp


# --- Phone ---------------------------------------------------------------------------------------


def normalise_phone(value) -> str:
    """An Indonesian phone number in E.164 form: "0812-3456-7890" -> "+6281234567890"."""
    text = str(value or "").strip()
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid Indonesian phone number, for example 0812-3456-7890."),
            code="phone_invalid",
        )
    if number.country_code != 62:
        raise ValidationError(_("Enter an Indonesian phone number (+62)."), code="phone_not_indonesian")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value) -> None:
    """Django validator: the value is a valid Indonesian phone number."""
    normalise_phone(value)
