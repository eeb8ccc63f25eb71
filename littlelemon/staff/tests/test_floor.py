"""The bookings floor (/staff/floor/): who may open it and act on it, what the timeline and the
list show, phone bookings, walk-ins, status changes through the clock-aware service, moves, the
refusals (with the database unchanged), escaping and the query count."""

from datetime import time

import pytest
from django.test import Client
from django.urls import resolve, reverse

from conftest import user_with_role
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table, TableCombination
from littlelemon.bookings.tests.clock import TODAY, TOMORROW, local
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.restaurant.tests.factories import open_every_day
from littlelemon.web.tests.htmltext import text, texts

pytestmark = pytest.mark.django_db

FLOOR = reverse("staff:floor")
NEW = reverse("staff:floor_booking_new")
WALK_IN = reverse("staff:floor_walk_in")
ROLES = ("anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin")
MANAGERS = {"manager", "admin"}
EVENING = local(TODAY, 19)  # tonight 19:00-20:30


@pytest.fixture
def dinner(db, freeze):
    """Open 17:00-22:00 every day; the clock at tonight 18:50 (Chicago)."""
    open_every_day(time(17), time(22))
    return freeze(local(TODAY, 18, 50))


def signed_in(role: str) -> Client:
    client = Client()
    user = user_with_role(role)
    if user is not None:
        client.force_login(user)
    return client


def manager_client() -> Client:
    return signed_in("manager")


def state() -> set:
    return set(Booking.objects.values_list("pk", "status", "table_id", "start", "guest_name", "party_size"))


def expected(role: str, success: int) -> int:
    if role == "anonymous":
        return 302
    return success if role in MANAGERS else 403


def status_url(booking) -> str:
    return reverse("staff:floor_booking_status", args=[booking.pk])


def booking_url(booking) -> str:
    return reverse("staff:floor_booking", args=[booking.pk])


class TestWhoMay:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_pages(self, role, dinner):
        booking = BookingFactory(start=EVENING)
        client = signed_in(role)

        for path in (FLOOR, f"{FLOOR}?date={TOMORROW}", booking_url(booking)):
            response = client.get(path)
            assert response.status_code == expected(role, 200), path
            if role == "anonymous":
                assert response["Location"].startswith(reverse("web:login"))

    # Each action on a booking in the state and at the time (the clock is at 18:50) that let a
    # manager take it: seat and cancel tonight's 19:00, complete the party seated at 18:00,
    # mark a no-show the 18:30 party past its 15 minutes' grace.
    ACTIONS = {
        "seat": lambda ctx: (status_url(ctx["booking"]), {"status": "seated"}),
        "cancel": lambda ctx: (status_url(ctx["booking"]), {"status": "cancelled"}),
        "complete": lambda ctx: (status_url(ctx["seated"]), {"status": "completed"}),
        "no-show": lambda ctx: (status_url(ctx["late"]), {"status": "no_show"}),
        "move": lambda ctx: (booking_url(ctx["booking"]), {"table": ctx["free"].pk}),
        "phone booking": lambda ctx: (
            NEW,
            {"guest_name": "Ana", "guest_phone": "555", "party_size": 2, "day": TOMORROW, "time": "19:00"},
        ),
        "walk-in": lambda ctx: (WALK_IN, {"walk_in-guest_name": "Bo", "walk_in-party_size": 2}),
    }

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("action", ACTIONS)
    def test_the_actions(self, role, action, dinner):
        ctx = {
            "booking": BookingFactory(start=EVENING, table=TableFactory(label="A1")),
            "seated": BookingFactory(start=local(TODAY, 18), table=TableFactory(), status=BookingStatus.SEATED),
            "late": BookingFactory(start=local(TODAY, 18, 30), table=TableFactory()),
            "free": TableFactory(),
        }
        path, data = self.ACTIONS[action](ctx)
        before = state()

        response = signed_in(role).post(path, data)

        assert response.status_code == expected(role, 302)
        if role in MANAGERS:
            changed = state() - before
            assert changed
            if "status" in data:  # one booking, the one acted on, now has the status asked for
                acted_on = resolve(path).kwargs["booking_id"]
                assert [(pk, status) for pk, status, *_ in changed] == [(acted_on, data["status"])]
        else:
            assert state() == before
            assert not OutboxEvent.objects.exists()

    def test_the_nav_names_the_screen_for_managers(self, dinner):
        html = manager_client().get(FLOOR).content.decode()

        assert f'<a href="{FLOOR}" aria-current="page">Bookings</a>' in html

    def test_forms_carry_csrf(self, dinner):
        BookingFactory(start=EVENING)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user_with_role("manager"))
        html = client.get(FLOOR).content.decode()

        assert html.count('name="csrfmiddlewaretoken"') == html.count('method="post"')
        assert client.post(WALK_IN, {"walk_in-guest_name": "Bo", "walk_in-party_size": 2}).status_code == 403


class TestTimeline:
    def test_blocks_name_the_guest_party_time_and_status_by_area(self, dinner):
        window = TableFactory(label="W1", seats=2, area="Window")
        main = TableFactory(label="M1", seats=6, area="Main room")
        TableFactory(label="OLD", seats=2, area="Main room", active=False)  # not on the floor
        ann = user_with_role("customer", first_name="Ann", last_name="Lee")
        BookingFactory(start=EVENING, table=main, party_size=5, customer=ann)
        BookingFactory(
            start=local(TODAY, 17, 30), table=window, customer=None, guest_name="Bob", status=BookingStatus.SEATED
        )
        BookingFactory(start=EVENING, table=window, customer=None, guest_name="Cy", status=BookingStatus.CANCELLED)
        BookingFactory(start=local(TOMORROW, 19), table=main)  # another day

        html = manager_client().get(FLOOR).content.decode()

        assert texts(html, css_class="timeline__area") == ["Main room", "Window"]
        assert texts(html, css_class="timeline__label")[1:] == ["M1 6 seats", "W1 2 seats"]
        assert texts(html, css_class="timeline__block") == [
            "Ann Lee 5 19:00–20:30 Confirmed",
            "Bob 2 17:30–19:00 Seated",
            "Cy 2 19:00–20:30 Cancelled",
        ]
        # 17:00 is column 1 (quarter hours); 19:00-20:30 is columns 9..14.
        assert 'timeline__block--confirmed floor-at-9 floor-span-6"' in html
        assert 'timeline__block--seated floor-at-3 floor-span-6"' in html
        assert texts(html, css_class="timeline__tick") == ["17:00", "18:00", "19:00", "20:00", "21:00"]
        assert text(html, css_class="floor__summary") == "3 bookings, 7 covers expected."

    def test_covers_by_hour_leave_out_cancelled_and_no_shows(self, dinner):
        table = TableFactory(seats=8)
        BookingFactory(start=local(TODAY, 17), table=table, party_size=4, status=BookingStatus.COMPLETED)
        BookingFactory(start=local(TODAY, 18, 30), table=table, party_size=3)
        BookingFactory(start=local(TODAY, 18, 45), table=TableFactory(), party_size=2, status=BookingStatus.NO_SHOW)
        BookingFactory(start=local(TODAY, 20), table=table, party_size=6)

        html = manager_client().get(FLOOR).content.decode()
        rows = texts(html, tag="tr")

        assert "17:00 1 4" in rows and "18:00 1 3" in rows and "20:00 1 6" in rows and "Day 13" in rows

    def test_the_list_offers_what_the_clock_allows(self, dinner):
        soon = BookingFactory(start=EVENING, customer=None, guest_name="Soon")  # 10 minutes away
        later = BookingFactory(start=local(TODAY, 21), table=TableFactory(), customer=None, guest_name="Later")
        late = BookingFactory(start=local(TODAY, 18), table=TableFactory(), customer=None, guest_name="Late")

        html = manager_client().get(FLOOR).content.decode()

        def buttons(booking):
            return texts(html.split(f'id="booking-{booking.pk}"')[1].split("</tr>")[0], tag="button")

        assert buttons(soon) == ["Seat", "Cancel"]
        assert buttons(later) == ["Cancel"]
        assert buttons(late) == ["Seat", "Cancel", "No-show"]

    def test_another_day_and_a_closed_day(self, dinner):
        html = manager_client().get(f"{FLOOR}?date=2026-06-02").content.decode()
        assert "Tuesday 2 June 2026" in html

        bad = manager_client().get(f"{FLOOR}?date=nonsense").content.decode()
        assert "today, Monday 1 June 2026" in bad

    def test_guests_writing_is_escaped(self, dinner):
        BookingFactory(start=EVENING, customer=None, guest_name="<b>Eve</b>", guest_phone="<i>1</i>", notes="<script>x")

        html = manager_client().get(FLOOR).content.decode()

        assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html
        assert "<script>x" not in html and "<i>1</i>" not in html

    def test_no_inline_script_or_style(self, dinner):
        BookingFactory(start=EVENING)

        html = manager_client().get(FLOOR).content.decode()

        assert " style=" not in html and "<script>" not in html and " onclick" not in html

    @pytest.mark.parametrize("size", [1, 8])
    def test_the_query_count_is_fixed(self, dinner, django_assert_num_queries, size):
        client = manager_client()
        for index in range(size):
            table = TableFactory(area=f"Area {index % 3}")
            BookingFactory(start=EVENING, table=table, party_size=2)
            BookingFactory(start=local(TODAY, 17), table=table, customer=None, guest_name=f"G{index}")

        # session, user, roles; settings, hours, closures, bookings, tables, combinations; the
        # settings again (the layout's restaurant name); the choices of the forms (tables twice,
        # combinations)
        with django_assert_num_queries(13):
            response = client.get(FLOOR)

        assert len(texts(response.content.decode(), css_class="timeline__block")) == 2 * size


class TestPhoneBooking:
    def test_a_guest_is_booked_on_the_best_free_table(self, dinner):
        TableFactory(label="BIG", seats=8)
        small = TableFactory(label="S2", seats=2)
        data = {"guest_name": "Ana Lima", "guest_phone": "+1 312 555 0100", "party_size": 2, "day": TOMORROW}

        response = manager_client().post(NEW, {**data, "time": "19:15"})

        assert response.status_code == 302 and response["Location"] == f"{FLOOR}?date=2026-06-02"
        booking = Booking.objects.get()
        assert (booking.guest_name, booking.guest_phone, booking.customer, booking.table) == (
            "Ana Lima",
            "+1 312 555 0100",
            None,
            small,
        )
        assert (booking.start, booking.status) == (local(TOMORROW, 19, 15), BookingStatus.CONFIRMED)
        assert OutboxEvent.objects.filter(type="booking.created").count() == 1

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"guest_name": ""}, "guest_name", "This field is required."),
            ({"party_size": 0}, "party_size", "Ensure this value is greater than or equal to 1."),
            ({"time": "19:10"}, "time", "Bookings start every 15 minutes"),
            ({"time": "23:00"}, "time", "The restaurant is not open at 23:00"),
            ({"day": "2026-05-31"}, "time", "That time has already passed."),
            ({"party_size": 5, "table": "small"}, "table", "seats 2; the party is 5"),
            ({"table": "taken"}, "table", "is taken at 19:00"),
        ],
    )
    def test_refusals_show_next_to_their_field_and_change_nothing(self, dinner, change, field, message):
        small = TableFactory(label="S2", seats=2)
        taken = TableFactory(label="T4", seats=4)
        BookingFactory(start=local(TOMORROW, 19), table=taken)
        tables = {"small": small.pk, "taken": taken.pk}
        data = {"guest_name": "Ana", "party_size": 2, "day": TOMORROW, "time": "19:00"} | change
        if "table" in data:
            data["table"] = tables[data["table"]]
        before = state()

        response = manager_client().post(NEW, data)

        assert response.status_code == 200
        html = response.content.decode()
        errors = html.split(f'for="id_{field}"')[1].split("</div>")[0]
        assert message in errors.replace("&#x27;", "'")
        assert state() == before


class TestWalkIn:
    def test_a_walk_in_starts_in_the_slot_under_way_and_is_seated(self, dinner):
        TableFactory(label="S2", seats=2)

        response = manager_client().post(
            WALK_IN, {"walk_in-guest_name": "Bo", "walk_in-guest_phone": "555 0101", "walk_in-party_size": 2}
        )

        assert response.status_code == 302
        booking = Booking.objects.get()
        assert (booking.start, booking.end) == (local(TODAY, 18, 45), local(TODAY, 20, 15))
        assert (booking.status, booking.guest_name, booking.customer) == (BookingStatus.SEATED, "Bo", None)
        assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["booking.created", "booking.seated"]
        assert AuditEntry.objects.filter(action="booking.status_change").count() == 1

    def test_no_walk_in_when_closed(self, dinner, freeze):
        TableFactory()
        freeze(local(TODAY, 21, 0))  # a 90-minute booking would end after 22:00

        response = manager_client().post(WALK_IN, {"walk_in-guest_name": "Bo", "walk_in-party_size": 2})

        assert response.status_code == 200
        assert "takes no booking now" in response.content.decode()
        assert not Booking.objects.exists()

    def test_no_walk_in_when_every_table_is_taken(self, dinner):
        BookingFactory(start=local(TODAY, 18, 30), table=TableFactory(seats=4), status=BookingStatus.SEATED)
        before = state()

        response = manager_client().post(WALK_IN, {"walk_in-guest_name": "Bo", "walk_in-party_size": 2})

        assert "No table for 2 is free" in response.content.decode()
        assert state() == before and not OutboxEvent.objects.exists()


class TestStatus:
    def test_seat_then_complete(self, dinner, freeze):
        booking = BookingFactory(start=EVENING)
        client = manager_client()

        client.post(status_url(booking), {"status": "seated"})
        freeze(local(TODAY, 20, 20))
        response = client.post(status_url(booking), {"status": "completed"}, follow=True)

        booking.refresh_from_db()
        assert booking.status == BookingStatus.COMPLETED
        assert texts(response.content.decode(), css_class="message--success")[-1].endswith(": completed.")

    @pytest.mark.parametrize(
        ("start", "status", "message"),
        [
            (local(TOMORROW, 19), "seated", "A party is seated from 30 minutes before its booking"),
            (EVENING, "no_show", "A party is a no-show only 15 minutes after"),
            (EVENING, "completed", "This booking is confirmed: it can only become"),
            (EVENING, "confirmed", "Choose what happened to the booking."),
        ],
    )
    def test_refusals_are_messages_and_change_nothing(self, dinner, start, status, message):
        booking = BookingFactory(start=start)
        before = state()

        response = manager_client().post(status_url(booking), {"status": status}, follow=True)

        assert message in text(response.content.decode(), css_class="message--error")
        assert state() == before and not OutboxEvent.objects.exists()


class TestMove:
    def test_move_to_another_free_table(self, dinner):
        booking = BookingFactory(start=EVENING, table=TableFactory(label="A1"), status=BookingStatus.SEATED)
        free = TableFactory(label="B2")

        response = manager_client().post(booking_url(booking), {"table": free.pk})

        assert response.status_code == 302
        booking.refresh_from_db()
        assert (booking.table, booking.start, booking.status) == (free, EVENING, BookingStatus.SEATED)
        assert OutboxEvent.objects.get().payload["changes"] == {"table": ["A1", "B2"]}
        assert response["Location"] == f"{FLOOR}?date=2026-06-01"

    def test_move_to_another_time_and_table(self, dinner):
        booking = BookingFactory(start=EVENING, table=TableFactory(label="A1"))
        free = TableFactory(label="B2")

        manager_client().post(booking_url(booking), {"table": free.pk, "time": "20:00"})

        booking.refresh_from_db()
        assert (booking.table, booking.start) == (free, local(TODAY, 20))

    @pytest.mark.parametrize(
        ("target", "time_", "field", "message"),
        [
            ("taken", "", "table", "is taken at 19:00"),
            ("small", "", "table", "seats 2; the party is 4"),
            ("free", "19:05", "time", "Bookings start every 15 minutes"),
            ("free", "21:30", "time", "must end by closing time"),
        ],
    )
    def test_refusals_show_next_to_their_field_and_change_nothing(self, dinner, target, time_, field, message):
        booking = BookingFactory(start=EVENING, table=TableFactory(label="A1"), party_size=4)
        taken = TableFactory(label="T", seats=4)
        BookingFactory(start=local(TODAY, 18, 30), table=taken)
        tables = {"taken": taken, "small": TableFactory(label="S", seats=2), "free": TableFactory(label="F")}
        before = state()

        response = manager_client().post(booking_url(booking), {"table": tables[target].pk, "time": time_})

        assert response.status_code == 200
        errors = response.content.decode().split(f'for="id_{field}"')[1].split("</div>")[0]
        assert message in errors
        assert state() == before and not OutboxEvent.objects.exists()

    def test_a_finished_booking_has_no_move_form(self, dinner):
        booking = BookingFactory(start=local(TODAY, 17), status=BookingStatus.COMPLETED)

        html = manager_client().get(booking_url(booking)).content.decode()

        assert 'id="move"' not in html and texts(html, tag="button") == ["Log out"]


class TestCombinations:
    PAGES = ("/staff/floor/combinations/", "/staff/floor/combinations/{pk}/")

    @pytest.fixture
    def combination(self, dinner):
        a, b = TableFactory(label="A", seats=4), TableFactory(label="B", seats=4)
        return booking_services.combination_create(actor=user_with_role("manager"), name="A+B", tables=[a, b])

    @pytest.mark.parametrize("role", ROLES)
    def test_who_may_open_and_change_them(self, role, combination):
        client = signed_in(role)
        table = TableFactory(label="C")

        for path in self.PAGES:
            assert client.get(path.format(pk=combination.pk)).status_code == expected(role, 200)
        created = client.post(self.PAGES[0], {"name": "B+C", "tables": [table.pk, combination.tables.first().pk]})
        changed = client.post(self.PAGES[1].format(pk=combination.pk), {"name": "AB", "tables": [t.pk for t in
                              combination.tables.all()]})  # fmt: skip

        assert (created.status_code, changed.status_code) == (expected(role, 302), expected(role, 302))
        names = sorted(TableCombination.objects.values_list("name", flat=True))
        assert names == (["AB", "B+C"] if role in MANAGERS else ["A+B"])

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"name": "a+b", "tables": ["A", "C"]}, "name", "Another combination is called"),
            ({"name": "Solo", "tables": ["C"]}, "tables", "A combination joins at least two tables."),
            ({"name": "None", "tables": []}, "tables", "Choose the tables that go together."),
        ],
    )
    def test_refusals_show_next_to_their_field(self, combination, data, field, message):
        TableFactory(label="C")
        tables = {t.label: t.pk for t in Table.objects.all()}

        response = manager_client().post(self.PAGES[0], {**data, "tables": [tables[t] for t in data["tables"]]})

        html = response.content.decode()
        assert response.status_code == 200 and message in html
        assert list(TableCombination.objects.values_list("name", flat=True)) == ["A+B"]

    def test_a_big_party_by_phone_gets_the_combination_shown_on_both_rows(self, combination):
        client = manager_client()

        client.post(NEW, {"guest_name": "Big", "party_size": 8, "day": TODAY, "time": "20:00"})

        booking = Booking.objects.get()
        assert booking.combination == combination
        html = client.get(FLOOR).content.decode()
        assert texts(html, css_class="timeline__block") == ["Big 8 20:00–21:30 Confirmed A+B"] * 2
        assert text(html, id=f"booking-{booking.pk}").startswith("20:00–21:30 Big 8 A+B Confirmed")

    def test_a_move_onto_the_combination_and_off_it(self, combination):
        booking = BookingFactory(start=EVENING, table=TableFactory(label="S", seats=6), party_size=6)
        client = manager_client()

        client.post(booking_url(booking), {"combination": combination.pk})
        booking.refresh_from_db()
        assert (booking.combination, sorted(booking.occupancy.values_list("table__label", flat=True))) == (
            combination,
            ["A", "B"],
        )

        response = client.post(booking_url(booking), {"table": "", "combination": ""})
        assert "Choose a table, or a combination of tables." in response.content.decode()
