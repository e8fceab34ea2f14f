"""Periods are cut in the buyer region's time zone."""

from datetime import date, datetime
from functools import lru_cache

from schemas.codes import region_timezone

# Pure functions called for every booked record: their few distinct answers are kept.
_zone = lru_cache(maxsize=1024)(region_timezone)


def local_date(occurred_at: datetime, region: str) -> date:
    """The calendar date of a moment in the region's time zone (WIB, WITA or WIT)."""
    return occurred_at.astimezone(_zone(region)).date()


@lru_cache(maxsize=4096)
def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@lru_cache(maxsize=4096)
def month_end(day: date, region: str) -> datetime:
    """The moment the month of `day` closes in the region: the first instant of the next month."""
    year, month = divmod(day.year * 12 + day.month, 12)
    return datetime(year, month + 1, 1, tzinfo=region_timezone(region))


def period_of(month: str, granularity: str) -> str:
    """Roll a `YYYY-MM` month up to `YYYY`, `YYYY-Qn` or keep it."""
    year, mm = month.split("-")
    if granularity == "year":
        return year
    if granularity == "quarter":
        return f"{year}-Q{(int(mm) - 1) // 3 + 1}"
    if granularity == "month":
        return month
    raise ValueError(f"unknown period granularity {granularity!r}")
