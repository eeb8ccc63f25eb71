from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.bookings.models import Booking, Table
from littlelemon.demo import data
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.models import Category, MenuItem
from littlelemon.restaurant.models import OpeningHours
from littlelemon.restaurant.selectors import restaurant_settings_get

pytestmark = pytest.mark.django_db


def counts():
    return Category.objects.count(), MenuItem.objects.count(), User.objects.count()


def test_seed_demo_is_believable_and_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first == (8, 40, len(data.USERS))
    assert MenuItem.objects.filter(featured=True).count() >= 4
    assert MenuItem.objects.filter(vegan=True).exists()
    roles = {u.username: (u.is_superuser, sorted(u.roles)) for u in User.objects.all()}
    assert roles == {
        "admin": (True, []),
        "manager": (False, ["manager"]),
        "kitchen": (False, ["kitchen"]),
        "driver": (False, ["delivery-crew"]),
        "customer": (False, []),
    }
    assert User.objects.get(username="manager").check_password("lemon-manager")
    assert OpeningHours.objects.count() == 11
    assert restaurant_settings_get().delivery_fee == Decimal("4.99")
    output = capsys.readouterr().out
    assert "manager    / lemon-manager" in output
    assert "Web site     http://127.0.0.1:8000/ " in output
    assert "http://127.0.0.1:8000/api/docs/" in output


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0)

    call_command("seed_demo", "--force", "--quiet-logins")
    assert counts()[1] == 40


def test_seed_demo_lays_out_the_floor_and_books_valid_upcoming_tables(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--quiet-logins")
    call_command("seed_demo", "--quiet-logins")

    assert Table.objects.count() == len(data.TABLES) == 10
    assert sorted(set(Table.objects.values_list("seats", flat=True))) == [2, 4, 6]
    assert set(Table.objects.values_list("area", flat=True)) == {"Main room", "Terrace", "Window"}
    bookings = Booking.objects.select_related("customer", "table")
    assert bookings.count() == len(data.BOOKINGS)  # the second run added nothing
    customer = User.objects.get(username="customer")
    assert sorted(b.party_size for b in bookings.filter(customer=customer)) == [2, 4]
    guests = bookings.filter(customer__isnull=True)
    assert sorted(guests.values_list("guest_name", flat=True)) == ["Maria Lopez", "Sam Chen"]
    assert all(b.created_by.username == "manager" for b in guests)
    now = timezone.now()
    for booking in bookings:
        assert booking.start > now
        assert booking.table.seats >= booking.party_size
        assert booking.end - booking.start == timedelta(minutes=90)
    # made through the services: one booking.created event each
    assert OutboxEvent.objects.filter(type="booking.created").count() == len(data.BOOKINGS)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 22, 5, 55, tzinfo=UTC),  # Saturday 23:55 in Chicago, after closing
        datetime(2026, 12, 24, 18, 0, tzinfo=UTC),  # the day before a closure
    ],
)
def test_seed_demo_finds_free_slots_late_at_night_and_around_closures(settings, monkeypatch, moment):
    from littlelemon.restaurant.models import Closure

    settings.DEBUG = True
    Closure.objects.create(date=(moment + timedelta(days=1)).date(), reason="Christmas")
    monkeypatch.setattr(timezone, "now", lambda: moment)

    call_command("seed_demo", "--quiet-logins")

    starts = list(Booking.objects.values_list("start", flat=True))
    assert len(starts) == len(data.BOOKINGS)
    local_days = {start.astimezone(timezone.get_default_timezone()).date() for start in starts}
    assert (moment + timedelta(days=1)).date() not in local_days
    assert min(starts) > moment + timedelta(hours=1)
