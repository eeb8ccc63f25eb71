from datetime import time

import pytest

from littlelemon.restaurant.tests.factories import OpeningHoursFactory

from .clock import NOW


@pytest.fixture
def now(freeze):
    """The clock stopped at NOW (Monday 2026-06-01 09:00 in Chicago)."""
    return freeze(NOW)


@pytest.fixture
def lunch_and_dinner(db):
    """Open every day 11:30-14:30 and 17:00-22:00."""
    for weekday in range(7):
        OpeningHoursFactory(weekday=weekday, opens=time(11, 30), closes=time(14, 30))
        OpeningHoursFactory(weekday=weekday, opens=time(17), closes=time(22))
