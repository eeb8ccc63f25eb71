"""The restaurant settings screen (/staff/settings/): who may use it, each form's refusals with
the database unchanged (a message next to the field), the week's hours as one formset, closures,
CSRF and escaping."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import user_with_role
from littlelemon.audit.models import AuditEntry
from littlelemon.restaurant.models import Closure, OpeningHours, RestaurantSettings
from littlelemon.restaurant.selectors import restaurant_settings_get
from littlelemon.restaurant.tests.factories import ClosureFactory, OpeningHoursFactory
from littlelemon.web.tests.htmltext import text

pytestmark = pytest.mark.django_db

SETTINGS = reverse("staff:settings")
HOURS = reverse("staff:settings_hours")
CLOSURES = reverse("staff:settings_closures")
ROLES = ("anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin")
MANAGERS = {"manager", "admin"}
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def signed_in(role: str) -> Client:
    user = user_with_role(role)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture(autouse=True)
def clock(freeze):
    return freeze(NOW)


def expected(role: str, success: int = 200) -> int:
    if role == "anonymous":
        return 302
    return success if role in MANAGERS else 403


def settings_post(**overrides) -> dict:
    data = {
        "name": "Little Lemon",
        "phone": "+1 312 555 0100",
        "email": "hello@littlelemon.test",
        "address": "1 Lemon Street, Chicago",
        "currency": "usd",
        "minimum_order": "12.00",
        "delivery_fee": "3.50",
        "tax_rate": "8.250",
        "order_cutoff_minutes": "20",
        "order_accept_timeout_minutes": "10",
        "order_scheduled_due_minutes": "45",
        "booking_slot_minutes": "30",
        "booking_duration_minutes": "120",
        "booking_lead_minutes": "90",
        "booking_horizon_days": "30",
        "booking_max_party_size": "10",
        "booking_cancellation_cutoff_minutes": "180",
    }
    data.update(overrides)
    return data


def hours_post(rows: list[tuple], initial: int = 0, deleted: tuple[int, ...] = ()) -> dict:
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(initial),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, opens, closes) in enumerate(rows):
        data.update({f"hours-{index}-weekday": weekday, f"hours-{index}-opens": opens, f"hours-{index}-closes": closes})
        if index in deleted:
            data[f"hours-{index}-DELETE"] = "on"
    return data


def snapshot() -> list:
    return [
        list(RestaurantSettings.objects.values()),
        list(OpeningHours.objects.order_by("pk").values_list("weekday", "opens", "closes")),
        list(Closure.objects.order_by("pk").values_list("date", "reason")),
        AuditEntry.objects.count(),
    ]


class TestWhoMay:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_page(self, role):
        response = signed_in(role).get(SETTINGS)

        assert response.status_code == expected(role)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("web:login"))

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize(
        "action",
        [
            (SETTINGS, settings_post(name="Big Lemon")),
            (HOURS, hours_post([("0", "11:00", "15:00")])),
            (CLOSURES, {"date": "2026-12-25", "reason": "Christmas"}),
            ("delete-closure", {}),
        ],
        ids=["settings", "hours", "closure", "delete-closure"],
    )
    def test_each_form(self, role, action):
        closure = ClosureFactory(date=date(2026, 7, 4))
        url, data = action
        if url == "delete-closure":
            url = reverse("staff:settings_closure_delete", args=[closure.pk])
        before = snapshot()

        response = signed_in(role).post(url, data)

        assert response.status_code == expected(role, 302)
        assert (snapshot() != before) is (role in MANAGERS)


class TestSettingsForm:
    def test_shows_the_time_zone_read_only(self, manager_client, settings):
        page = manager_client.get(SETTINGS).content.decode()

        assert settings.TIME_ZONE in page
        assert 'name="time_zone"' not in page and 'name="TIME_ZONE"' not in page

    def test_saves_every_value_and_audits(self, manager_client, manager):
        response = manager_client.post(SETTINGS, settings_post())

        assert response.status_code == 302
        saved = restaurant_settings_get()
        assert (saved.currency, saved.minimum_order, saved.delivery_fee, saved.tax_rate) == (
            "USD",
            Decimal("12.00"),
            Decimal("3.50"),
            Decimal("8.250"),
        )
        assert (saved.booking_slot_minutes, saved.booking_duration_minutes, saved.booking_max_party_size) == (
            30,
            120,
            10,
        )
        assert (saved.booking_lead_minutes, saved.booking_horizon_days, saved.booking_cancellation_cutoff_minutes) == (
            90,
            30,
            180,
        )
        assert (saved.order_accept_timeout_minutes, saved.order_scheduled_due_minutes) == (10, 45)
        assert AuditEntry.objects.filter(action="restaurant_settings.update", actor=manager).exists()

    def test_the_auto_reject_minutes_are_edited_here_not_read_from_the_environment(self, manager_client, settings):
        settings.ORDER_ACCEPT_TIMEOUT_MINUTES = 99
        page = manager_client.get(SETTINGS).content.decode()

        assert 'name="order_accept_timeout_minutes"' in page and 'value="15"' in page
        assert 'name="order_scheduled_due_minutes"' in page and 'value="60"' in page
        assert "ORDER_ACCEPT_TIMEOUT_MINUTES" not in page

    def test_zero_turns_auto_reject_off(self, manager_client):
        response = manager_client.post(SETTINGS, settings_post(order_accept_timeout_minutes="0"))

        assert response.status_code == 302
        assert restaurant_settings_get().order_accept_timeout_minutes == 0

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("currency", "ABC", "“ABC” is not an ISO 4217 currency code"),
            ("currency", "EURO", "Ensure this value has at most 3 characters"),
            ("name", "", "This field is required."),
            ("email", "not-an-email", "Enter a valid email address."),
            ("tax_rate", "101", "The tax rate is a percentage under 100, e.g. 8.25."),
            ("tax_rate", "-1", "Ensure this value is greater than or equal to 0."),
            ("minimum_order", "-0.01", "Ensure this value is greater than or equal to 0."),
            ("delivery_fee", "1.234", "Ensure that there are no more than 2 decimal places."),
            ("order_cutoff_minutes", "-5", "Ensure this value is greater than or equal to 0."),
            ("booking_slot_minutes", "2", "Ensure this value is greater than or equal to 5."),
            ("booking_duration_minutes", "721", "Ensure this value is less than or equal to 720."),
            ("booking_horizon_days", "0", "Ensure this value is greater than or equal to 1."),
            ("booking_max_party_size", "101", "Ensure this value is less than or equal to 100."),
            ("booking_lead_minutes", "soon", "Enter a whole number."),
            ("booking_cancellation_cutoff_minutes", "99999", "Ensure this value is less than or equal to 10080."),
            ("order_accept_timeout_minutes", "-1", "Enter 0 (never reject) or a number of minutes up to 1440"),
            ("order_accept_timeout_minutes", "1441", "Enter 0 (never reject) or a number of minutes up to 1440"),
            ("order_accept_timeout_minutes", "soon", "Enter a whole number of minutes, e.g. 15"),
            ("order_accept_timeout_minutes", "", "Enter how many minutes an order may wait to be accepted"),
            ("order_scheduled_due_minutes", "-5", "Enter a number of minutes from 0 to 1440 (a day)."),
            ("order_scheduled_due_minutes", "2000", "Enter a number of minutes from 0 to 1440 (a day)."),
            ("order_scheduled_due_minutes", "1.5", "Enter a whole number of minutes, e.g. 60."),
        ],
    )
    def test_refusals_change_nothing(self, manager_client, field, value, message):
        before = snapshot()

        response = manager_client.post(SETTINGS, settings_post(**{field: value}))

        assert response.status_code == 400
        page = response.content.decode()
        assert message in text(page, css_class="field--invalid")
        assert f'id="id_{field}_error"' in page  # next to its field
        assert snapshot() == before

    @pytest.mark.parametrize("size", [1, 10])
    def test_query_count_does_not_grow(self, manager_client, django_assert_num_queries, size):
        for day in range(size):
            ClosureFactory(date=date(2026, 7, 1 + day))
            OpeningHoursFactory(weekday=day % 7, opens=time(8 + day // 7), closes=time(9 + day // 7))
        manager_client.get(SETTINGS)

        # session, user, roles, the settings row (the form), opening hours, the settings row again
        # (the header's restaurant name, web.context_processors), closures
        with django_assert_num_queries(7):
            response = manager_client.get(SETTINGS)

        assert response.content.decode().count("data-closure=") == size

    def test_csrf_is_required(self, manager):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        before = snapshot()

        assert client.post(SETTINGS, settings_post(name="Evil")).status_code == 403
        assert snapshot() == before

    def test_escapes_what_managers_typed(self, manager_client):
        manager_client.post(SETTINGS, settings_post(name='<script>alert("x")</script>'))
        ClosureFactory(date=date(2026, 8, 1), reason="<b>party</b>")

        page = manager_client.get(SETTINGS).content.decode()

        assert "<script>alert" not in page and "<b>party</b>" not in page
        assert "&lt;b&gt;party&lt;/b&gt;" in page


class TestOpeningHours:
    def test_the_week_is_replaced_whole(self, manager_client):
        OpeningHoursFactory(weekday=0, opens=time(11), closes=time(22))
        OpeningHoursFactory(weekday=1, opens=time(11), closes=time(22))

        response = manager_client.post(
            HOURS,
            hours_post(
                [
                    ("0", "11:00", "22:00"),  # kept
                    ("1", "11:00", "22:00"),  # removed
                    ("1", "12:00", "15:00"),  # lunch
                    ("1", "18:00", "00:00"),  # dinner, until midnight
                    ("", "", ""),  # a blank extra row
                ],
                initial=2,
                deleted=(1,),
            ),
        )

        assert response.status_code == 302
        assert list(OpeningHours.objects.order_by("weekday", "opens").values_list("weekday", "opens", "closes")) == [
            (0, time(11), time(22)),
            (1, time(12), time(15)),
            (1, time(18), time(0)),
        ]
        assert AuditEntry.objects.filter(action="opening_hours.delete").count() == 1
        assert AuditEntry.objects.filter(action="opening_hours.create").count() == 2

    def test_the_page_lists_the_current_ranges(self, manager_client):
        OpeningHoursFactory(weekday=4, opens=time(17, 30), closes=time(23))

        page = manager_client.get(SETTINGS).content.decode()

        assert 'name="hours-0-opens" value="17:30"' in page
        assert '<option value="4" selected>Friday</option>' in page

    @pytest.mark.parametrize(
        ("rows", "message", "row"),
        [
            (
                [("2", "12:00", "15:00"), ("2", "14:00", "18:00")],
                "Wednesday: 14:00–18:00 overlaps 12:00–15:00.",
                1,
            ),
            ([("3", "15:00", "12:00")], "Thursday: 15:00–12:00 closes before it opens (00:00 means midnight).", 0),
            ([("3", "15:00", "15:00")], "Thursday: 15:00–15:00 closes before it opens", 0),
            ([("3", "", "15:00")], "Enter the opening time.", 0),
            ([("3", "noon", "15:00")], "Enter a time such as 11:30.", 0),
            ([("", "11:00", "15:00")], "Choose the day.", 0),
            ([("9", "11:00", "15:00")], "Select a valid choice.", 0),
        ],
    )
    def test_refusals_say_which_and_change_nothing(self, manager_client, rows, message, row):
        OpeningHoursFactory(weekday=0, opens=time(11), closes=time(22))
        before = snapshot()

        response = manager_client.post(HOURS, hours_post(rows))

        assert response.status_code == 400
        page = response.content.decode()
        assert message in text(page, css_class="field--invalid")
        assert message not in page.split(f'data-hours-row="{row}"')[0]  # shown on its own row
        assert snapshot() == before


class TestClosures:
    def test_add_and_remove(self, manager_client, manager):
        response = manager_client.post(CLOSURES, {"date": "2026-12-25", "reason": "Christmas"})

        assert response.status_code == 302
        closure = Closure.objects.get()
        assert (closure.date, closure.reason) == (date(2026, 12, 25), "Christmas")
        page = manager_client.get(SETTINGS).content.decode()
        assert "Friday 25 December 2026" in page and "Christmas" in page

        manager_client.post(reverse("staff:settings_closure_delete", args=[closure.pk]))
        assert not Closure.objects.exists()
        assert AuditEntry.objects.filter(action="closure.delete", actor=manager).exists()

    def test_the_reason_reaches_customers(self, manager_client):
        manager_client.post(CLOSURES, {"date": "2026-06-11", "reason": "Staff party"})

        assert "Staff party" in Client().get(reverse("web:home")).content.decode()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"date": "2026-06-09", "reason": ""}, "2026-06-09 is in the past: a closure is for today or later."),
            ({"date": "2026-07-04", "reason": ""}, "That date is already a closure."),
            ({"date": "2026-02-30", "reason": ""}, "Enter a valid date."),
            ({"date": "", "reason": "x"}, "This field is required."),
            ({"date": "2026-08-01", "reason": "x" * 201}, "Ensure this value has at most 200 characters"),
        ],
    )
    def test_refusals_change_nothing(self, manager_client, data, message):
        ClosureFactory(date=date(2026, 7, 4))
        before = snapshot()

        response = manager_client.post(CLOSURES, data)

        assert response.status_code == 400
        assert message in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before

    def test_today_is_allowed(self, manager_client):
        assert manager_client.post(CLOSURES, {"date": "2026-06-10", "reason": ""}).status_code == 302
