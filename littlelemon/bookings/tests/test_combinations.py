"""Table combinations (issue 17): a party no single table seats gets a combination the manager
allows; a booking on a combination holds every table in it, and a booking on one of its tables
holds the combination, in the services' re-check and in the database (BookingTable rows: an
exclusion constraint on PostgreSQL, triggers on SQLite)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings import services
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.exceptions import LabelTaken, TableInUse, TableUnavailable
from littlelemon.bookings.models import Booking, BookingTable, Table, TableCombination
from littlelemon.bookings.selectors import availability_for
from littlelemon.bookings.services import OCCUPANCY_NO_OVERLAP
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.core.tests.concurrency import race

from .clock import TOMORROW, local
from .factories import TableFactory

pytestmark = pytest.mark.django_db

SEVEN = local(TOMORROW, 19)


@pytest.fixture
def floor(db, lunch_and_dinner, now, manager):
    """Two 4-seat tables that push together into "A+B" (8), and a 2-seat table."""
    a, b = TableFactory(label="A", seats=4), TableFactory(label="B", seats=4)
    small = TableFactory(label="S", seats=2)
    combination = services.combination_create(actor=manager, name="A+B", tables=[a, b])
    return {"a": a, "b": b, "small": small, "combination": combination, "manager": manager}


def held(booking) -> list[str]:
    return sorted(BookingTable.objects.filter(booking=booking).values_list("table__label", flat=True))


def book(floor, party_size, **kwargs):
    return services.booking_create(
        actor=floor["manager"], start=SEVEN, party_size=party_size, guest_name="Guest", **kwargs
    )


class TestBooking:
    def test_a_party_no_table_seats_gets_the_combination_holding_both_tables(self, floor):
        booking = book(floor, 7)

        assert (booking.combination, booking.table) == (floor["combination"], floor["a"])
        assert held(booking) == ["A", "B"]

    def test_a_party_a_table_seats_gets_the_table(self, floor):
        booking = book(floor, 4)

        assert (booking.combination, held(booking)) == (None, ["A"])

    def test_a_booking_on_a_member_table_blocks_the_combination(self, floor):
        book(floor, 4, table=floor["b"])

        with pytest.raises(TableUnavailable, match="No table or combination for 7 is free"):
            book(floor, 7)
        assert Booking.objects.count() == 1
        assert not any(slot.start == SEVEN for slot in availability_for(day=TOMORROW, party_size=7, staff=True).slots)

    def test_a_combination_booking_blocks_each_member_table(self, floor):
        book(floor, 7)

        for table in (floor["a"], floor["b"]):
            with pytest.raises(TableUnavailable, match=f"Table {table.label} is taken"):
                book(floor, 2, table=table)
        slots = {slot.start: slot.tables_free for slot in availability_for(day=TOMORROW, party_size=3).slots}
        assert SEVEN not in slots  # both 4-seat tables are held; the 2-seat one is too small

    def test_availability_counts_free_combinations_for_a_big_party(self, floor):
        slots = {slot.start: slot.tables_free for slot in availability_for(day=TOMORROW, party_size=8).slots}
        assert slots[SEVEN] == 1
        assert availability_for(day=TOMORROW, party_size=9).slots == []

    def test_cancelling_frees_every_table(self, floor):
        booking = book(floor, 7)

        services.booking_cancel(booking=booking, actor=floor["manager"])

        assert held(booking) == []
        assert book(floor, 4, table=floor["b"]).table == floor["b"]

    def test_moving_off_the_combination_frees_its_tables(self, floor):
        booking = book(floor, 3, combination=floor["combination"])
        assert held(booking) == ["A", "B"]

        services.booking_update(booking=booking, actor=floor["manager"], data={"table": floor["b"]})

        booking.refresh_from_db()
        assert (booking.combination, booking.table, held(booking)) == (None, floor["b"], ["B"])

    def test_an_inactive_combination_is_not_offered(self, floor):
        services.combination_update(
            actor=floor["manager"],
            combination=floor["combination"],
            name="A+B",
            tables=[floor["a"], floor["b"]],
            active=False,
        )

        assert availability_for(day=TOMORROW, party_size=7).slots == []


class TestCombinationRules:
    @pytest.mark.parametrize(
        ("name", "tables", "error", "field"),
        [
            ("", ["a", "b"], InvalidInput, "name"),
            ("a+b", ["a", "small"], LabelTaken, "name"),
            ("Solo", ["a"], InvalidInput, "tables"),
        ],
    )
    def test_refusals_change_nothing(self, floor, name, tables, error, field):
        with pytest.raises(error) as raised:
            services.combination_create(actor=floor["manager"], name=name, tables=[floor[t] for t in tables])

        assert raised.value.field == field
        assert list(TableCombination.objects.values_list("name", flat=True)) == ["A+B"]

    @pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew"])
    def test_only_managers(self, floor, role):
        with pytest.raises(PermissionDenied):
            services.combination_create(actor=UserFactory(roles=[] if role == "customer" else [role]), name="X",
                                        tables=[floor["a"], floor["small"]])  # fmt: skip
        assert TableCombination.objects.count() == 1

    def test_its_tables_stay_while_upcoming_bookings_hold_it(self, floor):
        book(floor, 7)

        with pytest.raises(TableInUse):
            services.combination_update(
                actor=floor["manager"], combination=floor["combination"], name="A+S",
                tables=[floor["a"], floor["small"]], active=True,
            )  # fmt: skip
        assert sorted(floor["combination"].tables.values_list("label", flat=True)) == ["A", "B"]

    def test_a_member_keeps_the_seats_an_upcoming_combination_booking_needs(self, floor):
        booking = book(floor, 7)  # on A+B: 8 seats together

        with pytest.raises(TableInUse, match=f"#{booking.pk} Guest, 7 at 19:00") as raised:
            services.table_update(table=floor["b"], data={"seats": 2})
        assert raised.value.extra == {"bookings": [booking.pk]}
        services.table_update(table=floor["b"], data={"seats": 3})  # 7 together: the party still fits

        assert Table.objects.get(pk=floor["b"].pk).seats == 3

    def test_a_member_of_a_combination_is_not_deleted(self, floor):
        with pytest.raises(TableInUse, match="Table B is part of the combination\\(s\\) A\\+B"):
            services.table_delete(table=floor["b"])

        assert sorted(floor["combination"].tables.values_list("label", flat=True)) == ["A", "B"]

    def test_changes_are_audited(self, floor):
        assert AuditEntry.objects.filter(action="table_combination.create").count() == 1


class TestDatabaseGuard:
    def test_the_guard_is_installed_for_this_database(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [OCCUPANCY_NO_OVERLAP]
                )
                assert "EXCLUDE USING gist" in cursor.fetchone()[0]
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bookings_bookingtable'"
                )
                names = sorted(name for (name,) in cursor.fetchall() if name.startswith(OCCUPANCY_NO_OVERLAP))
                assert names == [f"{OCCUPANCY_NO_OVERLAP}_insert", f"{OCCUPANCY_NO_OVERLAP}_update"]

    def test_an_overlapping_row_on_a_member_table_is_refused(self, floor):
        booking = book(floor, 7)  # holds A and B 19:00-20:30
        other = book(floor, 2, table=floor["small"])

        with pytest.raises(IntegrityError, match=OCCUPANCY_NO_OVERLAP), transaction.atomic():
            BookingTable.objects.create(
                booking=other, table=floor["b"], start=SEVEN + timedelta(minutes=30), end=SEVEN + timedelta(hours=2)
            )
        assert held(booking) == ["A", "B"] and held(other) == ["S"]

    def test_the_re_check_blinded_the_database_still_refuses(self, floor, monkeypatch):
        book(floor, 7)
        monkeypatch.setattr(services, "bookings_overlapping", lambda **kwargs: [])

        with pytest.raises(TableUnavailable, match="just taken"):
            book(floor, 2, table=floor["b"])
        assert Booking.objects.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_combination_and_a_member_table_booked_at_once(lunch_and_dinner, now):
    """Two managers at once: one books the combination, the other one of its tables; one wins."""
    managers = [UserFactory(roles=["manager"]) for _ in range(2)]
    a, b = TableFactory(label="A", seats=4), TableFactory(label="B", seats=4)
    services.combination_create(actor=managers[0], name="A+B", tables=[a, b])

    def big():
        return services.booking_create(actor=managers[0], start=SEVEN, party_size=8, guest_name="Big")

    def small():
        return services.booking_create(actor=managers[1], start=SEVEN, party_size=2, guest_name="Small", table=b)

    results = race([big, small])

    assert sorted(type(r).__name__ for r in results) == ["Booking", "TableUnavailable"], results
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1
    assert BookingTable.objects.filter(table=b).count() == 1


@pytest.mark.postgresql
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_alone_keeps_a_combination_and_a_member_apart(lunch_and_dinner, now, monkeypatch):
    managers = [UserFactory(roles=["manager"]) for _ in range(2)]
    a, b = TableFactory(label="A", seats=4), TableFactory(label="B", seats=4)
    services.combination_create(actor=managers[0], name="A+B", tables=[a, b])
    monkeypatch.setattr(services, "bookings_overlapping", lambda **kwargs: [])

    results = race([
        lambda: services.booking_create(actor=managers[0], start=SEVEN, party_size=8, guest_name="Big"),
        lambda: services.booking_create(actor=managers[1], start=SEVEN, party_size=2, guest_name="Small", table=b),
    ])  # fmt: skip

    assert sorted(type(r).__name__ for r in results) == ["Booking", "TableUnavailable"], results
    assert BookingTable.objects.filter(table=b).count() == 1
