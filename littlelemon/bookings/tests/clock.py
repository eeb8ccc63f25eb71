"""The tests' fixed calendar: the restaurant is in America/Chicago (settings.TIME_ZONE)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=CHICAGO)  # a Monday morning, CDT (UTC-5)
TODAY = NOW.date()
TOMORROW = date(2026, 6, 2)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO)


def iso(day: date, hour: int, minute: int = 0) -> str:
    return local(day, hour, minute).isoformat()
