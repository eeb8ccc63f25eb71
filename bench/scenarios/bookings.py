"""Table bookings: anonymous availability, and customers booking under load.

`booking_create` is driven by a wrk Lua script: request number g of the whole benchmark (the
driver passes each wrk run `bench_offset`, so numbers never repeat between runs) books for
customer g mod 400 (bench-customer-00501 to 00900, who have no seeded bookings) at start
g mod 840: the 90-minute windows 00:00, 01:30, ... 21:00 of the days 2 to 57 ahead, a party
of two. A customer meets the same window again only after 8,400 requests, and a window gets
one booking per 840 requests while about 20 of its 30 tables are free, so neither the
customer rule (`already_booked`) nor a full house (`table_unavailable`) should answer a 409:
every 409 counts as an error.
"""

import json
from datetime import timedelta

from . import Request, Scenario

AVAILABILITY = "/api/v1/bookings/availability/"
BOOKINGS = "/api/v1/bookings/"
WINDOWS = [90 * n for n in range(15)]  # minutes after local midnight


def availability(ctx) -> Request:
    from bench.datasets.bookings import AVAILABILITY_DAYS_AHEAD
    from littlelemon.restaurant.selectors import restaurant_today

    day = restaurant_today() + timedelta(days=AVAILABILITY_DAYS_AHEAD)
    return Request(f"{AVAILABILITY}?date={day:%Y-%m-%d}&party_size=4")


def _start(day, minutes: int) -> str:
    from bench.datasets.bookings import local_start
    from littlelemon.restaurant.selectors import restaurant_tz

    return local_start(day, minutes).astimezone(restaurant_tz()).isoformat()


LUA_BOOKING_CREATE = r"""
counters = {"created", "conflicts", "max_span"}
created, conflicts, max_span = 0, 0, 0
local sent = 0

request = function()
  local g = bench_offset + sent * thread_count + thread_id
  sent = sent + 1
  max_span = sent * thread_count
  local body = '{"start": "' .. STARTS[g % #STARTS + 1] .. '", "party_size": 2}'
  return wrk.format("POST", "/api/v1/bookings/",
    {Authorization = TOKENS[g % #TOKENS + 1], ["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status == 201 then created = created + 1 elseif status == 409 then conflicts = conflicts + 1 end
end
"""


def booking_create(ctx) -> Request:
    """The probe books for bench-customer-00900 on day 58 (outside the load's days)."""
    from bench.datasets.bookings import BOOKING_CREATE_COUNT, BOOKING_CREATE_DAYS, BOOKING_CREATE_FIRST
    from littlelemon.accounts.models import User
    from littlelemon.bookings.models import Booking
    from littlelemon.restaurant.selectors import restaurant_today

    today = restaurant_today()
    numbers = range(BOOKING_CREATE_FIRST, BOOKING_CREATE_FIRST + BOOKING_CREATE_COUNT)
    users = {u.username: u for u in User.objects.filter(username__in=[f"bench-customer-{n:05d}" for n in numbers])}
    tokens = [ctx.bearer(users[f"bench-customer-{n:05d}"])["Authorization"] for n in numbers]
    starts = [_start(today + timedelta(days=d), minutes) for d in BOOKING_CREATE_DAYS for minutes in WINDOWS]
    probe = users[f"bench-customer-{numbers[-1]:05d}"]
    Booking.objects.filter(customer=probe).delete()
    body = json.dumps({"start": _start(today + timedelta(days=BOOKING_CREATE_DAYS.stop), 0), "party_size": 2})
    lua = "TOKENS = {{\n{}\n}}\nSTARTS = {{\n{}\n}}\n{}".format(
        ",\n".join(map(json.dumps, tokens)),
        ",\n".join(map(json.dumps, starts)),
        LUA_BOOKING_CREATE,
    )
    return Request(BOOKINGS, method="POST", headers=ctx.bearer(probe), body=body, lua=lua)


SCENARIOS = [
    Scenario("availability", vs="bare_sql", target=0.3, prepare=availability),
    Scenario(
        "booking_create",
        vs="bare_sql",
        target=None,  # the issue sets none: measured and reported
        prepare=booking_create,
        read=False,
        expect=201,
        rate_counter="created",
    ),
]
