"""Dates of the census: months, quarters and years, the 12-month window, age groups (no database)."""

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

from django.utils.translation import gettext as _

QUARTER = "quarter"
YEAR = "year"

# (key, lower age inclusive, upper age exclusive); "" is an unknown birth date.
AGE_GROUPS = (("<25", 0, 25), ("25-34", 25, 35), ("35-44", 35, 45), ("45-54", 45, 55), ("55+", 55, None))
AGE_UNKNOWN = ""


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after `month`'s (n may be negative)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s to `last`'s, both included."""
    out, month = [], month_start(first)
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def twelve_months_to(day: date) -> tuple[date, date]:
    """(first, last) month of the 12 calendar months ending with `day`'s month."""
    last = month_start(day)
    return add_months(last, -11), last


def day_after(day: date) -> date:
    return day + timedelta(days=1)


def period_bounds(*, period_kind: str, year: int, quarter: int | None = None) -> tuple[date, date]:
    """(first day, last day) of a quarter or a year; ValueError for anything else."""
    if not 1900 <= int(year) <= 9998:
        raise ValueError("year")
    if period_kind == QUARTER:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter")
        start = date(year, 3 * (quarter - 1) + 1, 1)
        return start, month_end(add_months(start, 2))
    if period_kind == YEAR and quarter is None:
        return date(year, 1, 1), date(year, 12, 31)
    raise ValueError("period")


def period_label(*, period_kind: str, year: int, quarter: int | None = None) -> str:
    if period_kind == QUARTER:
        return _("Quarter %(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    return _("Year %(year)s") % {"year": year}


def closed_periods(*, since: date, today: date) -> Iterator[tuple[str, int, int | None, date]]:
    """(kind, year, quarter, start) of every quarter and year that ended before `today` and
    ended on or after `since`, oldest first."""
    for year in range(since.year, today.year + 1):
        for quarter in (1, 2, 3, 4):
            start, end = period_bounds(period_kind=QUARTER, year=year, quarter=quarter)
            if since <= end < today:
                yield QUARTER, year, quarter, start
        start, end = period_bounds(period_kind=YEAR, year=year)
        if since <= end < today:
            yield YEAR, year, None, start


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_group(birth_date: date | None, *, on: date) -> str:
    """The age group key ("<25", "25-34", … "55+") of someone born on `birth_date`, on `on`."""
    if birth_date is None:
        return AGE_UNKNOWN
    age = age_on(birth_date, on)
    for key, low, high in AGE_GROUPS:
        if age >= low and (high is None or age < high):
            return key
    return AGE_GROUPS[0][0]  # born after `on`: counted with the youngest
