"""The numbers an MSME gives at registration: NIK, NIB, P-IRT, halal, NPWP, phone."""

import csv
import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from marketplace.regions.models import Region
from marketplace.regions.provinces import PROVINCES
from vendors.validators import (
    PROVINCE_CODES,
    NikInfo,
    clean_nik,
    compact,
    mask_nik,
    nik_issued_in_city,
    normalise_halal,
    normalise_phone,
    parse_nik,
    validate_halal,
    validate_nib,
    validate_nik,
    validate_npwp,
    validate_phone,
    validate_pirt,
)

# A fixed "today" keeps the century and future-date rules independent of when the tests run.
TODAY = date(2026, 6, 15)


def build_nik(province: str, regency: int, district: int, birth_date: date, gender: str, serial: int) -> str:
    day = birth_date.day + (40 if gender == "F" else 0)
    return f"{province}{regency:02d}{district:02d}{day:02d}{birth_date:%m}{birth_date:%y}{serial:04d}"


def error_code(validator, value, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validator(value, **kwargs)
    return excinfo.value.code


# --- NIK: examples -------------------------------------------------------------------------------


def test_nik_parts_are_read():
    assert parse_nik("3374011508900001", today=TODAY) == NikInfo(
        nik="3374011508900001",
        province="33",
        regency="74",
        district="01",
        birth_date=date(1990, 8, 15),
        gender="M",
        serial="0001",
    )


def test_nik_gives_region_codes_as_in_the_region_data():
    info = parse_nik("3374011508900001", today=TODAY)
    assert (info.regency_code, info.kecamatan_code) == ("33.74", "33.74.01")


def test_nik_day_above_40_is_a_woman_born_on_day_minus_40():
    info = parse_nik("3374015508900001", today=TODAY)
    assert (info.gender, info.birth_date) == ("F", date(1990, 8, 15))


@pytest.mark.parametrize(
    ("ddmmyy", "gender", "born"),
    [
        ("010190", "M", date(1990, 1, 1)),
        ("310190", "M", date(1990, 1, 31)),
        ("410190", "F", date(1990, 1, 1)),
        ("710190", "F", date(1990, 1, 31)),
    ],
)
def test_nik_day_boundaries(ddmmyy, gender, born):
    info = parse_nik(f"337401{ddmmyy}0001", today=TODAY)
    assert (info.gender, info.birth_date) == (gender, born)


@pytest.mark.parametrize("ddmmyy", ["000190", "320190", "400190", "720190", "991290"])
def test_nik_day_outside_both_ranges_refused(ddmmyy):
    assert error_code(parse_nik, f"337401{ddmmyy}0001", today=TODAY) == "nik_birth_date"


@pytest.mark.parametrize("ddmmyy", ["290200", "290296", "690200", "690296"])
def test_nik_february_29_accepted_in_leap_year(ddmmyy):
    assert parse_nik(f"337401{ddmmyy}0001", today=TODAY).birth_date.day == 29


@pytest.mark.parametrize("ddmmyy", ["290201", "290299", "690201", "300296", "310225"])
def test_nik_date_not_in_calendar_refused(ddmmyy):
    assert error_code(parse_nik, f"337401{ddmmyy}0001", today=TODAY) == "nik_birth_date"


@pytest.mark.parametrize("ddmmyy", ["010090", "011390", "010000"])
def test_nik_month_outside_1_to_12_refused(ddmmyy):
    assert error_code(parse_nik, f"337401{ddmmyy}0001", today=TODAY) == "nik_birth_date"


@pytest.mark.parametrize(
    ("yy", "year"),
    [("00", 2000), ("25", 2025), ("26", 2026), ("27", 1927), ("99", 1999)],
)
def test_nik_century_from_two_digit_year(yy, year):
    assert parse_nik(f"3374010101{yy}0001", today=TODAY).birth_date.year == year


def test_nik_birth_date_today_accepted():
    assert parse_nik("3374011506260001", today=TODAY).birth_date == TODAY


def test_nik_birth_date_in_the_future_refused():
    assert error_code(parse_nik, "3374011606260001", today=TODAY) == "nik_birth_date_future"


@pytest.mark.django_db
def test_nik_uses_local_date_when_today_not_given():
    validate_nik("3374011508900001")


def test_nik_serial_0000_refused():
    assert error_code(parse_nik, "3374011508900000", today=TODAY) == "nik_serial"


@pytest.mark.parametrize("serial", ["0001", "9999"])
def test_nik_serial_boundaries_accepted(serial):
    assert parse_nik(f"337401150890{serial}", today=TODAY).serial == serial


@pytest.mark.parametrize(
    "province", ["00", "10", "20", "22", "30", "37", "54", "66", "77", "90", "97", "98", "99"]
)
def test_nik_unknown_province_refused(province):
    assert error_code(parse_nik, f"{province}74011508900001", today=TODAY) == "nik_province"


@pytest.mark.parametrize("province", ["11", "21", "31", "36", "76", "91", "94", "95", "96"])
def test_nik_province_codes_accepted_including_new_papua(province):
    assert parse_nik(f"{province}74011508900001", today=TODAY).province == province


def test_province_list_is_indonesias_38_provinces_with_names():
    expected = {
        *map(str, range(11, 20)),
        "21",
        *map(str, range(31, 37)),
        *map(str, range(51, 54)),
        *map(str, range(61, 66)),
        *map(str, range(71, 77)),
        "81",
        "82",
        *map(str, range(91, 97)),
    }
    assert len(PROVINCES) == 38
    assert PROVINCE_CODES == expected == {code for code, _name in PROVINCES}
    assert dict(PROVINCES)["33"] == "Jawa Tengah"
    assert all(name for _code, name in PROVINCES)


def test_the_city_packs_province_is_in_the_province_list():
    with (settings.CITY_PACK_DIR / "wilayah.csv").open(encoding="utf-8") as fh:
        provinces = {row["code"] for row in csv.DictReader(fh) if row["level"] == "provinsi"}
    assert provinces and provinces <= PROVINCE_CODES


def test_nik_unknown_province_message_names_the_code_in_indonesian():
    with pytest.raises(ValidationError) as excinfo:
        parse_nik("9974011508900001", today=TODAY)
    with translation.override("id"):
        assert excinfo.value.messages == ["Kode provinsi 99 pada NIK tidak dikenal."]


def test_nik_regency_00_refused():
    assert error_code(parse_nik, "3300011508900001", today=TODAY) == "nik_regency"


def test_nik_kecamatan_00_refused():
    assert error_code(parse_nik, "3374001508900001", today=TODAY) == "nik_district"


@pytest.mark.parametrize("value", ["3374 0115 0890 0001", "33.74.01.150890.0001", " 3374011508900001 "])
def test_nik_spaces_and_dots_ignored(value):
    assert parse_nik(value, today=TODAY).nik == "3374011508900001"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "nik_not_digits"),
        ("337401150890001", "nik_length"),
        ("33740115089000011", "nik_length"),
        ("3374O11508900001", "nik_not_digits"),
        ("337401150890000١", "nik_not_digits"),  # Arabic-Indic digit one
        ("+374011508900001", "nik_not_digits"),
    ],
)
def test_nik_wrong_shape_refused(value, code):
    assert error_code(validate_nik, value) == code


def test_nik_length_error_tells_how_many_digits_were_given():
    with pytest.raises(ValidationError) as excinfo:
        validate_nik("123")
    assert excinfo.value.params == {"length": 3}


def test_nik_of_17_digits_is_refused_saying_how_many_were_typed():
    with pytest.raises(ValidationError) as excinfo:
        clean_nik("3374 0115 0890 00011")
    with translation.override("id"):
        assert excinfo.value.messages == ["NIK harus 16 angka; Anda mengetik 17."]


# --- NIK: region codes against the loaded regions ------------------------------------------------


@pytest.fixture
def city_pack(db):
    """The configured city pack, loaded (Kota Semarang: 16 kecamatan, 01 to 16)."""
    call_command("load_city_pack", stdout=io.StringIO())


def test_the_city_pack_has_kecamatan_01_to_16_and_no_17(city_pack):
    codes = set(
        Region.objects.filter(parent__code="33.74", level=Region.Level.DISTRICT).values_list(
            "code", flat=True
        )
    )
    assert codes == {f"33.74.{n:02d}" for n in range(1, 17)}


@pytest.mark.parametrize("nik", ["3374171506850001", "3374991506850001", "3374 17 150685 0001"])
def test_nik_naming_a_kecamatan_the_city_does_not_have_is_refused(city_pack, nik):
    with pytest.raises(ValidationError) as excinfo:
        validate_nik(nik)
    assert excinfo.value.code == "nik_district_unknown"
    with translation.override("id"):
        district = compact(nik)[4:6]
        assert excinfo.value.messages == [f"Kode kecamatan {district} pada NIK tidak ada di Kota Semarang."]


@pytest.mark.parametrize("district", [f"{n:02d}" for n in range(1, 17)])
def test_nik_of_each_kecamatan_of_the_city_is_accepted(city_pack, district):
    assert clean_nik(f"3374{district}1506850001") == f"3374{district}1506850001"


def test_nik_of_a_regency_the_pack_does_not_list_is_checked_for_its_province_only(city_pack):
    # Kabupaten Semarang (33.22) and Jakarta: the pack knows none of their kecamatan.
    assert clean_nik("3322171506850001") == "3322171506850001"
    assert clean_nik("3171991506850001") == "3171991506850001"


def test_nik_kecamatan_is_checked_for_any_regency_whose_kecamatan_are_loaded(db):
    regency = Region.objects.create(code="33.22", level=Region.Level.CITY, name="Kabupaten Semarang")
    Region.objects.create(code="33.22.01", level=Region.Level.DISTRICT, name="Getasan", parent=regency)

    assert clean_nik("3322011506850001") == "3322011506850001"
    with pytest.raises(ValidationError) as excinfo:
        clean_nik("3322191506850001")
    assert excinfo.value.params == {"code": "19", "regency": "Kabupaten Semarang"}


@pytest.mark.parametrize(
    "value", ["3374 1615 0685 0001", "3374.16.150685.0001", "3374-16-150685-0001", " 3374161506850001 "]
)
def test_clean_nik_drops_spaces_dots_and_dashes(city_pack, value):
    assert clean_nik(value) == "3374161506850001"


@pytest.mark.parametrize("value", ["", "  ", None, " - . "])
def test_clean_nik_of_nothing_is_none(value):
    assert clean_nik(value) is None


def test_nik_with_an_unknown_kecamatan_waives_no_domicile_letter(city_pack):
    assert nik_issued_in_city("3374161506850001") is True
    assert nik_issued_in_city("3374171506850001") is False


@pytest.mark.django_db
def test_nik_issued_in_city_needs_a_valid_nik():
    assert nik_issued_in_city("3374011508900000") is False  # serial 0000
    assert nik_issued_in_city("3374013113900001") is False  # 31 November


@pytest.mark.django_db
def test_nik_issued_in_city():
    assert nik_issued_in_city("3374011508900001") is True
    assert nik_issued_in_city("3322011508900001") is False
    assert nik_issued_in_city("3322011508900001", city_code="33.22") is True


@pytest.mark.django_db
def test_nik_issued_in_city_follows_city_setting(settings):
    settings.CITY_CODE = "33.22"
    assert nik_issued_in_city("3322011508900001") is True
    assert nik_issued_in_city("3374011508900001") is False


@pytest.mark.parametrize("value", ["", "3374", "337401150890000", "3374x11508900001"])
def test_nik_issued_in_city_false_for_malformed(value):
    assert nik_issued_in_city(value) is False


def test_mask_nik_shows_first_and_last_four():
    assert mask_nik("3374015508900001") == "3374••••••••0001"
    assert mask_nik("3374.0155.0890.0001") == "3374••••••••0001"


@pytest.mark.parametrize("value", ["123", "33740155089000012", "3374O15508900001"])
def test_mask_nik_masks_malformed_entirely(value):
    assert mask_nik(value) == "•" * 16


def test_mask_nik_empty():
    assert mask_nik("") == ""
    assert mask_nik(None) == ""


# --- NIK: properties -----------------------------------------------------------------------------

valid_nik_parts = st.tuples(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(1, 99),
    st.integers(1, 99),
    st.dates(min_value=date(TODAY.year - 99, 1, 1), max_value=TODAY),
    st.sampled_from(["F", "M"]),
    st.integers(1, 9999),
)


@given(valid_nik_parts)
def test_any_valid_nik_parses_back_to_its_parts(parts):
    province, regency, district, birth_date, gender, serial = parts
    nik = build_nik(*parts)
    assert parse_nik(nik, today=TODAY) == NikInfo(
        nik=nik,
        province=province,
        regency=f"{regency:02d}",
        district=f"{district:02d}",
        birth_date=birth_date,
        gender=gender,
        serial=f"{serial:04d}",
    )


# A character that is neither an ASCII digit nor a separator compact() removes (space, dot, dash).
non_digit = st.characters().filter(lambda c: c not in "0123456789" and compact(c) == c)
digits = st.text(alphabet="0123456789")


@st.composite
def sixteen_with_a_non_digit(draw):
    number = list(draw(st.text(alphabet="0123456789", min_size=16, max_size=16)))
    number[draw(st.integers(0, 15))] = draw(non_digit)
    return "".join(number)


@given(digits.filter(lambda s: len(s) != 16))
def test_nik_of_any_other_length_refused(value):
    with pytest.raises(ValidationError):
        validate_nik(value)


@given(sixteen_with_a_non_digit())
def test_nik_with_any_non_digit_refused(value):
    with pytest.raises(ValidationError):
        validate_nik(value)


@given(st.text().filter(lambda s: re.fullmatch(r"[0-9]{16}", compact(s)) is None))
def test_nik_anything_not_16_digits_refused(value):
    with pytest.raises(ValidationError):
        validate_nik(value)


@given(valid_nik_parts)
def test_mask_never_reveals_middle_of_a_valid_nik(parts):
    nik = build_nik(*parts)
    masked = mask_nik(nik)
    assert masked == nik[:4] + "•" * 8 + nik[-4:]
    assert nik[4:12] not in masked


@given(st.one_of(st.text(), digits, st.text(alphabet="0123456789 .-")))
def test_mask_never_shows_more_than_eight_digits_of_anything(value):
    masked = mask_nik(value)
    assert sum(c in "0123456789" for c in masked) <= 8
    assert masked[4:12] in ("", "•" * 8)


# --- NIB -----------------------------------------------------------------------------------------


def test_nib_of_13_digits_accepted():
    validate_nib("9120001234567")
    validate_nib("9120 0012 3456 7")


@pytest.mark.parametrize(
    ("value", "code"),
    [("912000123456", "nib_length"), ("91200012345678", "nib_length"), ("912000123456A", "nib_not_digits")],
)
def test_nib_wrong_shape_refused(value, code):
    assert error_code(validate_nib, value) == code


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_any_13_digits_is_an_nib(value):
    validate_nib(value)


@given(digits.filter(lambda s: len(s) != 13))
def test_no_other_length_is_an_nib(value):
    with pytest.raises(ValidationError):
        validate_nib(value)


# --- P-IRT ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["206337401000126", "2.06.3374.01.0001-26", "2063374010001 30", "2063374010001999"]
)
def test_pirt_valid_until_this_year_or_later_accepted(value):
    validate_pirt(value, today=TODAY)


def test_pirt_expired_last_year_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_pirt("206337401000125", today=TODAY)
    assert excinfo.value.code == "pirt_expired"
    assert excinfo.value.params == {"year": 2025}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("20633740100026", "pirt_length"),
        ("P-IRT 206337401000126", "pirt_not_digits"),
        ("", "pirt_not_digits"),
    ],
)
def test_pirt_wrong_shape_refused(value, code):
    assert error_code(validate_pirt, value, today=TODAY) == code


def test_pirt_uses_local_date_when_today_not_given():
    validate_pirt("206337401000199")


# --- Halal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["ID35110000123450321", "id35110000123450321", " ID 3511 0000 1234 5032 1 ", "ID12345678"]
)
def test_halal_number_accepted(value):
    validate_halal(value)


def test_halal_number_normalised_to_upper_case():
    assert normalise_halal(" id 3511-0000 ") == "ID35110000"


def test_halal_number_of_40_characters_accepted():
    validate_halal("ID" + "1" * 38)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("ID1234567", "halal_length"),
        ("ID" + "1" * 39, "halal_length"),
        ("00150012345678", "halal_format"),
        ("LPPOM-00150012345678", "halal_format"),
        ("IDABC1234567", "halal_format"),
        ("ID", "halal_format"),
        ("", "halal_format"),
    ],
)
def test_halal_number_wrong_shape_refused(value, code):
    assert error_code(validate_halal, value) == code


# --- NPWP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["01.234.567.8-901.000", "012345678901000", "3374011508900001"])
def test_npwp_of_15_or_16_digits_accepted(value):
    validate_npwp(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("01.234.567.8-901.00", "npwp_length"),
        ("01234567890100011", "npwp_length"),
        ("0123456789010O0", "npwp_not_digits"),
    ],
)
def test_npwp_wrong_shape_refused(value, code):
    assert error_code(validate_npwp, value) == code


# --- Phone ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("(024) 831-1234", "+62248311234"),
    ],
)
def test_phone_normalised_to_e164(value, expected):
    assert normalise_phone(value) == expected
    validate_phone(value)


@pytest.mark.parametrize("value", ["", "abc", "12", "0812", "+62 812", "08123456789012345", None])
def test_phone_invalid_refused(value):
    assert error_code(normalise_phone, value) == "phone_invalid"


def test_phone_outside_indonesia_refused():
    assert error_code(validate_phone, "+1 650 253 0000") == "phone_not_indonesian"
