"""What the census reads from a NIK: the owner's gender (day + 40 for women) and birth date, and
the age group at a period's end."""

from datetime import date

import pytest

from tests.vendors.census.helpers import nik
from vendors.census.periods import age_group, age_on
from vendors.census.services import nik_facts


def test_a_womans_nik_has_40_added_to_the_day():
    facts = nik_facts("3374 0152 0885 0001")

    assert (facts.nik, facts.gender, facts.birth_date) == ("3374015208850001", "P", date(1985, 8, 12))


def test_a_mans_nik():
    facts = nik_facts(nik(birth=date(1978, 7, 11)))

    assert (facts.gender, facts.birth_date) == ("L", date(1978, 7, 11))


@pytest.mark.parametrize("value", ["", None, "3374", "3374019913850001", "33740152088500AB"])
def test_no_facts_from_what_is_not_a_nik(value):
    facts = nik_facts(value)

    assert (facts.nik, facts.gender, facts.birth_date) == (None, "", None)


@pytest.mark.parametrize(
    "birth, on, expected",
    [
        (date(2001, 12, 31), date(2026, 12, 30), "<25"),  # 24 the day before the birthday
        (date(2001, 12, 31), date(2026, 12, 31), "25-34"),  # 25 on it
        (date(1991, 12, 31), date(2026, 12, 31), "35-44"),
        (date(1981, 12, 31), date(2026, 12, 31), "45-54"),
        (date(1972, 1, 1), date(2026, 12, 31), "45-54"),
        (date(1971, 12, 31), date(2026, 12, 31), "55+"),
        (None, date(2026, 12, 31), ""),
    ],
)
def test_age_groups_at_the_periods_end(birth, on, expected):
    assert age_group(birth, on=on) == expected


def test_someone_born_on_29_february_turns_a_year_older_on_1_march():
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25
