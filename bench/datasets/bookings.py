"""The bookings part of the benchmark dataset (see bench/datasets/__init__.py).

30 tables (the floor does not grow with the scale: a restaurant's history does) and about 60
bookings a day on them: 10,000 a scale in the past (scale 10 is four and a half years of
history, not a restaurant ten times the size) and the next 60 days booked at the same density.
Bookings never overlap on a table: each day is cut into two-hour windows per table, and a
booking (90 minutes) starts at one of the window's first three quarter-hours.

Availability only answers for dates from today on, so unlike the other parts the bookings are
laid out around the day the dataset is built (the restaurant's today), not `dataset.epoch`:
the same scale gives the same rows on the same day.

What the scenarios rely on: `availability` asks for today + `AVAILABILITY_DAYS_AHEAD` (booked
at the usual density); `booking_create` books for customers from `BOOKING_CREATE_FIRST` on,
who have no bookings here, in 90-minute windows on days `BOOKING_CREATE_DAYS` ahead.
"""

from datetime import UTC, datetime, time, timedelta

from bench.datasets import Dataset, dataset_part
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

SEATS = (2,) * 8 + (4,) * 12 + (6,) * 6 + (8,) * 4
PER_DAY = 60
FUTURE_DAYS = 60
WINDOWS = 12  # two-hour windows a day
AVAILABILITY_DAYS_AHEAD = 1  # tomorrow: not one of the days booking_create books (2 to 57)
BOOKING_CREATE_FIRST = 501  # bench-customer-00501 .. 00900: no seeded bookings
BOOKING_CREATE_COUNT = 400
BOOKING_CREATE_DAYS = range(2, 58)
PAST = [BookingStatus.COMPLETED] * 16 + [BookingStatus.NO_SHOW, BookingStatus.CANCELLED] * 2


def local_start(day, minutes: int) -> datetime:
    return datetime.combine(day, time(0), tzinfo=restaurant_tz()).astimezone(UTC) + timedelta(minutes=minutes)


@dataset_part("bookings", models=("bookings.Table", "bookings.Booking"), after=("users",))
def seed_bookings(dataset: Dataset) -> None:
    rng = dataset.rng
    customers = dataset.ids("users", "customers")
    reserved = set(range(BOOKING_CREATE_FIRST, BOOKING_CREATE_FIRST + BOOKING_CREATE_COUNT))
    bookers = [pk for number, pk in enumerate(customers, start=1) if number not in reserved]
    tables = [
        Table(
            label=f"T{n}",
            seats=seats,
            area="Terrace" if n > 20 else "Main room",
            created=dataset.epoch,
            updated=dataset.epoch,
        )
        for n, seats in enumerate(SEATS, start=1)
    ]
    dataset.bulk_create(Table, tables)

    today = restaurant_today()
    past_days = dataset.count(10_000) // PER_DAY
    bookings = []
    for offset in range(-past_days, FUTURE_DAYS):
        day = today + timedelta(days=offset)
        slots = rng.sample([(table, window) for table in tables for window in range(WINDOWS)], PER_DAY)
        for table, window in sorted(slots, key=lambda slot: (slot[1], slot[0].label)):
            start = local_start(day, window * 120 + rng.randrange(3) * 15)
            customer = rng.choice(bookers)
            bookings.append(
                Booking(
                    customer_id=customer,
                    party_size=rng.randrange(max(1, table.seats - 2), table.seats + 1),
                    start=start,
                    end=start + timedelta(minutes=90),
                    table=table,
                    status=rng.choice(PAST) if offset < 0 else BookingStatus.CONFIRMED,
                    created_by_id=customer,
                    created=dataset.epoch,
                    updated=dataset.epoch,
                )
            )
    dataset.bulk_create(Booking, bookings)
