"""`restaurant_rules_get`: the settings and the schedule kept in this process while the
`restaurant` version stamp (core.DataVersion, bumped by triggers on every write to settings,
hours and closures) is unchanged; read afresh whenever it changed or is missing.

Every kind of write must show in the next call: the ORM (`save()`, `QuerySet.update()`,
`delete()`), raw SQL, the managers' services and API. A rolled-back write must not.
"""

import importlib
import secrets
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from littlelemon.core import stamps
from littlelemon.core.models import DataVersion
from littlelemon.restaurant import selectors
from littlelemon.restaurant.models import Closure, OpeningHours, RestaurantSettings
from littlelemon.restaurant.selectors import restaurant_rules_get, restaurant_settings_get
from littlelemon.restaurant.services import (
    closure_create,
    closure_delete,
    opening_hours_create,
    opening_hours_delete,
    opening_hours_update,
    restaurant_settings_update,
)

from .factories import ClosureFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db

START = date(2026, 6, 1)  # a Monday
END = START + timedelta(days=13)
INSIDE = START + timedelta(days=3)  # a Thursday within START..END

# A full read: the `restaurant` stamp (with `epoch`: one raw primary-key query on
# core_dataversion); the settings row (get_or_create: one SELECT when it exists); the opening
# hours; the closures between start and end.
FULL_READ = 4
# Nothing changed: the stamp only, the rest from memory.
KEPT_READ = 1

LUNCH = (time(11), time(22))


@pytest.fixture(autouse=True)
def _rules_forgotten():
    """What earlier tests kept in this process never answers this one."""
    selectors._rules.clear()
    yield
    selectors._rules.clear()


@pytest.fixture(autouse=True)
def _stamped(db):
    """The settings row and the `restaurant` stamp as a migrated database has them (core
    migration 0002 makes the stamp; a flush by a transactional test elsewhere in the run would
    have removed both). Created, not changed, when they exist."""
    restaurant_settings_get()
    DataVersion.objects.get_or_create(name="restaurant", defaults={"stamp": secrets.randbits(62)})


@pytest.fixture
def monday_lunch():
    return OpeningHoursFactory(weekday=0, opens=LUNCH[0], closes=LUNCH[1])


def rules(start: date = START, end: date = END):
    return restaurant_rules_get(start=start, end=end)


def warm(django_assert_num_queries, start: date = START, end: date = END):
    """Read the rules twice: the second call must come from memory (same objects, one query)."""
    kept = rules(start, end)
    with django_assert_num_queries(KEPT_READ):
        again = rules(start, end)
    assert again[0] is kept[0] and again[1] is kept[1]
    return kept


def read_afresh(django_assert_num_queries, start: date = START, end: date = END):
    with django_assert_num_queries(FULL_READ):
        return rules(start, end)


def tables(captured) -> list[str]:
    names = ("core_dataversion", "restaurant_restaurantsettings", "restaurant_openinghours", "restaurant_closure")
    return [next(name for name in names if name in query["sql"]) for query in captured.captured_queries]


class TestKept:
    def test_the_first_call_reads_everything_and_the_second_only_the_stamp(self, django_assert_num_queries):
        OpeningHoursFactory(weekday=0, opens=time(11), closes=time(14, 30))
        OpeningHoursFactory(weekday=0, opens=time(17), closes=time(0))
        ClosureFactory(date=INSIDE, reason="Inventory")
        ClosureFactory(date=END + timedelta(days=1), reason="Outside")

        with django_assert_num_queries(FULL_READ) as first:
            settings, schedule = rules()
        with django_assert_num_queries(KEPT_READ) as second:
            settings_again, schedule_again = rules()

        assert tables(first) == [
            "core_dataversion",
            "restaurant_restaurantsettings",
            "restaurant_openinghours",
            "restaurant_closure",
        ]
        assert tables(second) == ["core_dataversion"]
        assert settings_again is settings
        assert schedule_again is schedule
        assert (settings.pk, settings.name, settings.tax_rate) == (1, "Little Lemon", Decimal("0"))
        assert schedule.hours == {0: [(time(11), time(14, 30)), (time(17), time(0))]}
        assert schedule.closed == {INSIDE: "Inventory"}
        assert not schedule.always_open

    def test_it_answers_what_the_uncached_selectors_answer(self, monday_lunch):
        ClosureFactory(date=INSIDE, reason="Holiday")
        restaurant_settings_update(data={"tax_rate": Decimal("8.875"), "minimum_order": Decimal("12.00")})

        settings, schedule = rules()

        fresh = restaurant_settings_get()
        assert [getattr(settings, f.attname) for f in RestaurantSettings._meta.fields] == [
            getattr(fresh, f.attname) for f in RestaurantSettings._meta.fields
        ]
        assert schedule == selectors.schedule_load(start=START, end=END)

    def test_many_calls_with_nothing_changed_stay_one_query_each(self, django_assert_num_queries, monday_lunch):
        settings, schedule = rules()

        for _ in range(5):
            with django_assert_num_queries(KEPT_READ):
                assert rules() == (settings, schedule)


class TestSettingsChanges:
    @pytest.mark.parametrize("how", ["save", "queryset_update", "raw_sql", "service", "manager_api"])
    def test_a_changed_setting_shows_in_the_next_call(self, django_assert_num_queries, client_as, manager, how):
        old_settings, old_schedule = warm(django_assert_num_queries)

        if how == "save":
            row = RestaurantSettings.objects.get(pk=1)
            row.tax_rate, row.minimum_order = Decimal("8.875"), Decimal("12.50")
            row.save()
        elif how == "queryset_update":
            RestaurantSettings.objects.filter(pk=1).update(tax_rate=Decimal("8.875"), minimum_order=Decimal("12.50"))
        elif how == "raw_sql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE restaurant_restaurantsettings SET tax_rate = %s, minimum_order = %s WHERE id = 1",
                    ["8.875", "12.50"],
                )
        elif how == "service":
            restaurant_settings_update(data={"tax_rate": Decimal("8.875"), "minimum_order": Decimal("12.50")})
        else:
            response = client_as(manager).patch("/api/v1/settings/", {"tax_rate": "8.875", "minimum_order": "12.50"})
            assert response.status_code == 200, response.json()

        settings, schedule = read_afresh(django_assert_num_queries)

        assert (settings.tax_rate, settings.minimum_order) == (Decimal("8.875"), Decimal("12.50"))
        assert settings is not old_settings
        # The kept objects were replaced, never changed in place (other requests may hold them).
        assert (old_settings.tax_rate, old_settings.minimum_order) == (Decimal("0"), Decimal("0"))
        assert schedule == old_schedule  # nothing about the schedule changed
        with django_assert_num_queries(KEPT_READ):
            assert rules() == (settings, schedule)

    def test_successive_changes_each_show(self, django_assert_num_queries):
        seen = []
        for rate in ("1.000", "2.500", "1.000"):
            RestaurantSettings.objects.filter(pk=1).update(tax_rate=Decimal(rate))
            seen.append(read_afresh(django_assert_num_queries)[0].tax_rate)

        assert seen == [Decimal("1"), Decimal("2.5"), Decimal("1")]

    def test_the_order_cutoff_and_currency_show_too(self, django_assert_num_queries):
        warm(django_assert_num_queries)

        RestaurantSettings.objects.filter(pk=1).update(order_cutoff_minutes=45, currency="EUR", name="Lemon")

        settings, _ = read_afresh(django_assert_num_queries)
        assert (settings.order_cutoff_minutes, settings.currency, settings.name) == (45, "EUR", "Lemon")


class TestHoursChanges:
    @pytest.mark.parametrize("how", ["orm", "service", "manager_api"])
    def test_added_hours_show(self, django_assert_num_queries, client_as, manager, monday_lunch, how):
        _, old = warm(django_assert_num_queries)
        assert old.hours == {0: [LUNCH]}

        if how == "orm":
            OpeningHours.objects.create(weekday=1, opens=time(17), closes=time(23))
        elif how == "service":
            opening_hours_create(weekday=1, opens=time(17), closes=time(23))
        else:
            response = client_as(manager).post(
                "/api/v1/opening-hours/", {"weekday": 1, "opens": "17:00", "closes": "23:00"}
            )
            assert response.status_code == 201, response.json()

        _, schedule = read_afresh(django_assert_num_queries)
        assert schedule.hours == {0: [LUNCH], 1: [(time(17), time(23))]}
        assert old.hours == {0: [LUNCH]}  # the kept schedule was not changed in place

    @pytest.mark.parametrize("how", ["save", "queryset_update", "raw_sql", "service", "manager_api"])
    def test_changed_hours_show(self, django_assert_num_queries, client_as, manager, monday_lunch, how):
        warm(django_assert_num_queries)

        if how == "save":
            monday_lunch.closes = time(21)
            monday_lunch.save()
        elif how == "queryset_update":
            OpeningHours.objects.filter(pk=monday_lunch.pk).update(closes=time(21))
        elif how == "raw_sql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE restaurant_openinghours SET closes = %s WHERE id = %s", ["21:00:00", monday_lunch.pk]
                )
        elif how == "service":
            opening_hours_update(hours=monday_lunch, data={"closes": time(21)})
        else:
            response = client_as(manager).patch(f"/api/v1/opening-hours/{monday_lunch.pk}/", {"closes": "21:00"})
            assert response.status_code == 200, response.json()

        _, schedule = read_afresh(django_assert_num_queries)
        assert schedule.hours == {0: [(time(11), time(21))]}

    @pytest.mark.parametrize("how", ["orm", "queryset", "service", "manager_api"])
    def test_deleted_hours_show(self, django_assert_num_queries, client_as, manager, monday_lunch, how):
        _, old = warm(django_assert_num_queries)
        assert not old.always_open

        if how == "orm":
            monday_lunch.delete()
        elif how == "queryset":
            OpeningHours.objects.all().delete()
        elif how == "service":
            opening_hours_delete(hours=monday_lunch)
        else:
            response = client_as(manager).delete(f"/api/v1/opening-hours/{monday_lunch.pk}/")
            assert response.status_code == 204

        _, schedule = read_afresh(django_assert_num_queries)
        assert schedule.hours == {}
        assert schedule.always_open  # no hours at all: always open (except closures)
        assert schedule.is_open_at(schedule._at(START + timedelta(days=1), time(3)))


class TestClosureChanges:
    @pytest.mark.parametrize("how", ["orm", "raw_sql", "service", "manager_api"])
    def test_a_closure_added_in_the_range_and_deleted_shows(self, django_assert_num_queries, client_as, manager, how):
        OpeningHoursFactory(weekday=INSIDE.weekday(), opens=LUNCH[0], closes=LUNCH[1])
        _, before = warm(django_assert_num_queries)
        assert before.closed == {}
        assert before.ranges_on(INSIDE) != []

        if how == "orm":
            closure = Closure.objects.create(date=INSIDE, reason="Staff party")
        elif how == "raw_sql":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO restaurant_closure (date, reason) VALUES (%s, %s)", [INSIDE, "Staff party"])
            closure = Closure.objects.get(date=INSIDE)
        elif how == "service":
            closure = closure_create(date=INSIDE, reason="Staff party")
        else:
            response = client_as(manager).post(
                "/api/v1/closures/", {"date": INSIDE.isoformat(), "reason": "Staff party"}
            )
            assert response.status_code == 201, response.json()
            closure = Closure.objects.get(pk=response.json()["id"])

        _, closed = read_afresh(django_assert_num_queries)
        assert closed.closed == {INSIDE: "Staff party"}
        assert closed.ranges_on(INSIDE) == []
        assert before.closed == {}  # the kept schedule was not changed in place
        warm(django_assert_num_queries)

        if how == "orm":
            closure.delete()
        elif how == "raw_sql":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM restaurant_closure WHERE id = %s", [closure.pk])
        elif how == "service":
            closure_delete(closure=closure)
        else:
            assert client_as(manager).delete(f"/api/v1/closures/{closure.pk}/").status_code == 204

        _, reopened = read_afresh(django_assert_num_queries)
        assert reopened.closed == {}
        assert reopened.ranges_on(INSIDE) == before.ranges_on(INSIDE)

    def test_a_closure_reason_changed_shows(self, django_assert_num_queries):
        closure = ClosureFactory(date=INSIDE, reason="Holiday")
        warm(django_assert_num_queries)

        Closure.objects.filter(pk=closure.pk).update(reason="Flooded kitchen")

        assert read_afresh(django_assert_num_queries)[1].closed == {INSIDE: "Flooded kitchen"}

    def test_a_closure_moved_out_of_the_range_leaves_it(self, django_assert_num_queries):
        closure = ClosureFactory(date=INSIDE, reason="Holiday")
        warm(django_assert_num_queries)

        closure.date = END + timedelta(days=1)
        closure.save()

        assert read_afresh(django_assert_num_queries)[1].closed == {}


class TestRollback:
    @pytest.mark.parametrize(
        "write",
        [
            lambda hours: RestaurantSettings.objects.filter(pk=1).update(tax_rate=Decimal("50")),
            lambda hours: restaurant_settings_update(data={"tax_rate": Decimal("50")}),
            lambda hours: OpeningHours.objects.create(weekday=2, opens=time(8), closes=time(9)),
            lambda hours: hours.delete(),
            lambda hours: Closure.objects.create(date=INSIDE, reason="Never"),
        ],
        ids=["settings_update", "settings_service", "hours_insert", "hours_delete", "closure_insert"],
    )
    def test_a_rolled_back_write_leaves_the_kept_entry_valid(self, django_assert_num_queries, monday_lunch, write):
        settings, schedule = warm(django_assert_num_queries)

        with pytest.raises(RuntimeError), transaction.atomic():
            write(monday_lunch)
            raise RuntimeError("rolled back")

        with django_assert_num_queries(KEPT_READ):
            again = rules()
        assert again[0] is settings and again[1] is schedule
        assert again[0].tax_rate == Decimal("0")
        assert (again[1].hours, again[1].closed) == ({0: [LUNCH]}, {})

    def test_a_read_inside_the_rolled_back_transaction_is_not_served_after_it(
        self, django_assert_num_queries, monday_lunch
    ):
        """Inside, the transaction sees its own write (and the entry is kept at its uncommitted
        stamp); after the rollback the stamp is the committed one again: read afresh, the
        committed data."""
        warm(django_assert_num_queries)

        with pytest.raises(RuntimeError), transaction.atomic():
            RestaurantSettings.objects.filter(pk=1).update(tax_rate=Decimal("50"))
            Closure.objects.create(date=INSIDE, reason="Never")
            inside_settings, inside_schedule = rules()
            assert (inside_settings.tax_rate, inside_schedule.closed) == (Decimal("50"), {INSIDE: "Never"})
            raise RuntimeError("rolled back")

        settings, schedule = read_afresh(django_assert_num_queries)
        assert (settings.tax_rate, schedule.closed, schedule.hours) == (Decimal("0"), {}, {0: [LUNCH]})
        with django_assert_num_queries(KEPT_READ):
            assert rules() == (settings, schedule)


class TestWithoutTheStamp:
    def test_every_call_reads_afresh_and_sees_changes(self, django_assert_num_queries, monday_lunch):
        warm(django_assert_num_queries)
        DataVersion.objects.filter(name="restaurant").delete()
        kept = dict(selectors._rules)

        first = read_afresh(django_assert_num_queries)
        second = read_afresh(django_assert_num_queries)
        assert first[0] is not second[0] and first[1] is not second[1]
        assert first[0].tax_rate == second[0].tax_rate == Decimal("0")

        # Any write re-creates the stamp (the triggers upsert it); take it away again each time.
        writes = [
            lambda: RestaurantSettings.objects.filter(pk=1).update(tax_rate=Decimal("7.000")),
            lambda: OpeningHours.objects.create(weekday=1, opens=time(9), closes=time(10)),
            lambda: Closure.objects.create(date=INSIDE, reason="Holiday"),
        ]
        for write in writes:
            write()
            assert DataVersion.objects.filter(name="restaurant").exists()
            DataVersion.objects.filter(name="restaurant").delete()

        for _ in range(2):
            settings, schedule = read_afresh(django_assert_num_queries)
            assert settings.tax_rate == Decimal("7")
            assert schedule.hours == {0: [LUNCH], 1: [(time(9), time(10))]}
            assert schedule.closed == {INSIDE: "Holiday"}
        assert selectors._rules == kept  # reads without the stamp keep nothing
        assert not DataVersion.objects.filter(name="restaurant").exists()

    def test_the_entry_kept_before_the_stamp_went_is_not_served_when_a_write_brings_it_back(
        self, django_assert_num_queries
    ):
        old_settings, _ = warm(django_assert_num_queries)
        DataVersion.objects.filter(name="restaurant").delete()

        RestaurantSettings.objects.filter(pk=1).update(tax_rate=Decimal("3"))  # a new stamp, random

        settings, _ = read_afresh(django_assert_num_queries)
        assert settings.tax_rate == Decimal("3")
        assert old_settings.tax_rate == Decimal("0")
        with django_assert_num_queries(KEPT_READ):  # kept again, at the new stamp
            assert rules()[0] is settings

    def test_migration_0002_gives_the_stamp_a_value_and_keeps_an_existing_one(self, django_assert_num_queries):
        migration = importlib.import_module("littlelemon.core.migrations.0002_restaurant_stamp")
        DataVersion.objects.filter(name="restaurant").delete()

        migration.stamp_restaurant(django_apps, None)
        stamp = DataVersion.objects.get(name="restaurant").stamp
        migration.stamp_restaurant(django_apps, None)

        assert 0 <= stamp < 2**62
        assert DataVersion.objects.get(name="restaurant").stamp == stamp
        warm(django_assert_num_queries)  # with the stamp there, the rules are kept
        assert ("core", "0002_restaurant_stamp") in MigrationRecorder(connection).applied_migrations()


class TestRanges:
    def test_each_range_has_its_own_schedule(self, django_assert_num_queries):
        first_week, second_week = (START, START + timedelta(days=6)), (START + timedelta(days=7), END)
        ClosureFactory(date=START + timedelta(days=9), reason="Second week")
        ClosureFactory(date=START + timedelta(days=2), reason="First week")

        one = read_afresh(django_assert_num_queries, *first_week)
        two = read_afresh(django_assert_num_queries, *second_week)
        both = read_afresh(django_assert_num_queries)

        assert one[1].closed == {START + timedelta(days=2): "First week"}
        assert two[1].closed == {START + timedelta(days=9): "Second week"}
        assert both[1].closed == {START + timedelta(days=2): "First week", START + timedelta(days=9): "Second week"}
        for week, kept in ((first_week, one), (second_week, two), ((START, END), both)):
            with django_assert_num_queries(KEPT_READ):
                again = rules(*week)
            assert again[0] is kept[0] and again[1] is kept[1]

    def test_a_write_renews_every_range(self, django_assert_num_queries):
        first_week, second_week = (START, START + timedelta(days=6)), (START + timedelta(days=7), END)
        warm(django_assert_num_queries, *first_week)
        warm(django_assert_num_queries, *second_week)

        ClosureFactory(date=START + timedelta(days=8), reason="Second week")

        assert read_afresh(django_assert_num_queries, *first_week)[1].closed == {}
        assert read_afresh(django_assert_num_queries, *second_week)[1].closed == {
            START + timedelta(days=8): "Second week"
        }

    def test_a_bounded_number_of_ranges_is_kept(self, django_assert_num_queries):
        ClosureFactory(date=START + timedelta(days=20), reason="Late")
        ranges = [(START + timedelta(days=n), START + timedelta(days=n + 14)) for n in range(8)]

        for start, end in ranges:
            _, schedule = rules(start, end)
            assert schedule.closed == (
                {START + timedelta(days=20): "Late"} if end >= START + timedelta(days=20) else {}
            )
            assert len(selectors._rules) <= selectors._RULES_KEPT

        with django_assert_num_queries(KEPT_READ):  # the latest one is kept
            rules(*ranges[-1])


class TestStampsAlreadyRead:
    """`read=`: the stamps a caller (order placement) read first, `restaurant` among them."""

    def test_kept_rules_cost_no_query_and_other_stamps_in_the_read_do_not_matter(self, django_assert_num_queries):
        kept = warm(django_assert_num_queries)
        read = stamps.stamps_read(("cart:1", "restaurant"), menu=True)

        with django_assert_num_queries(0):
            again = restaurant_rules_get(start=START, end=END, read=read)

        assert again[0] is kept[0] and again[1] is kept[1]

    def test_a_read_from_after_a_change_gives_the_new_rules(self, django_assert_num_queries):
        warm(django_assert_num_queries)
        restaurant_settings_update(data={"minimum_order": Decimal("42.00")})
        read = stamps.stamps_read(("restaurant",), menu=True)

        with django_assert_num_queries(FULL_READ - 1):  # settings, hours, closures: not the stamp
            settings, _ = restaurant_rules_get(start=START, end=END, read=read)

        assert settings.minimum_order == Decimal("42.00")

    def test_a_read_without_the_restaurant_stamp_is_not_trusted(self, django_assert_num_queries):
        warm(django_assert_num_queries)
        read = stamps.stamps_read(("cart:1",))

        with django_assert_num_queries(FULL_READ - 1):
            restaurant_rules_get(start=START, end=END, read=read)
