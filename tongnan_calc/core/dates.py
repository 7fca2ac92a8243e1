"""Calendar arithmetic as SPEC §2 defines it."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def add_years(d: date, n: int) -> date:
    """The same month and day n years later; 29 February becomes 28 February."""
    year = d.year + n
    if d.month == 2 and d.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return d.replace(year=year)


def add_months(d: date, n: int) -> date:
    """The same day n months later, clamped to the month's last day."""
    total = d.month - 1 + n
    year, month = d.year + total // 12, total % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months_rounded_up(start: date, end: date) -> int:
    """Whole months from start to end, a part month counting as a whole one."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months if add_months(start, months) >= end else months + 1


def year_bounds(year: int) -> tuple[date, date]:
    """[1 January, 1 January next year): a half-open interval of days."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def overlap_days(a0: date, a1: date, b0: date, b1: date) -> int:
    """Days in the intersection of half-open intervals [a0, a1) and [b0, b1)."""
    return max(0, (min(a1, b1) - max(a0, b0)).days)


def year_end(year: int) -> date:
    """Annual measures read their parameters as in force on 31 December Y (SPEC §5)."""
    return date(year, 12, 31)
