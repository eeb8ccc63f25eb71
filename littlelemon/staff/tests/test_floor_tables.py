"""The floor plan (/staff/floor/tables/): who may open it and change it, the tables by area, adding,
editing, taking a table out of service and back, deleting one never booked; every refusal (through
the API's services) with the database unchanged, CSRF, escaping and the query count."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import user_with_role
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.enums import BookingStatus
from littlelemon.bookings.models import Booking, Table
from littlelemon.bookings.selectors import availability_for
from littlelemon.bookings.tests.clock import TODAY, TOMORROW, local
from littlelemon.bookings.tests.factories import BookingFactory, TableFactory
from littlelemon.web.tests.htmltext import text, texts

from .test_floor import EVENING, FLOOR, MANAGERS, NEW, ROLES, dinner, expected, manager_client, signed_in

pytestmark = pytest.mark.django_db

TABLES = reverse("staff:floor_tables")
__all__ = ["dinner"]  # the fixture, shared with the floor's tests


def edit_url(table) -> str:
    return reverse("staff:floor_table", args=[table.pk])


def service_url(table) -> str:
    return reverse("staff:floor_table_service", args=[table.pk])


def delete_url(table) -> str:
    return reverse("staff:floor_table_delete", args=[table.pk])


def tables() -> set:
    return set(Table.objects.values_list("pk", "label", "seats", "area", "active"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def plan(dinner):
    """M4 (booked tonight), M6 (never booked) in the main room, W2 by the window (out of service)."""
    booked = TableFactory(label="M4", seats=4, area="Main room")
    spare = TableFactory(label="M6", seats=6, area="Main room")
    window = TableFactory(label="W2", seats=2, area="Window", active=False)
    booking = BookingFactory(start=EVENING, table=booked, party_size=4, customer=None, guest_name="Ana Lima")
    return {"booked": booked, "spare": spare, "window": window, "booking": booking}


class TestWhoMay:
    @pytest.mark.parametrize("role", ROLES)
    def test_the_pages(self, role, plan):
        client = signed_in(role)

        for path in (TABLES, edit_url(plan["booked"]), edit_url(plan["spare"])):
            response = client.get(path)
            assert response.status_code == expected(role, 200), path
            if role == "anonymous":
                assert response["Location"].startswith(reverse("web:login"))

    ACTIONS = {
        "add": lambda plan: (TABLES, {"label": "T9", "seats": 2, "area": "Terrace", "active": "on"}),
        "edit": lambda plan: (edit_url(plan["spare"]), {"label": "M7", "seats": 8, "area": "Main room"}),
        "out of service": lambda plan: (service_url(plan["spare"]), {"active": "false"}),
        "back in service": lambda plan: (service_url(plan["window"]), {"active": "true"}),
        "delete": lambda plan: (delete_url(plan["spare"]), {}),
    }

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("action", ACTIONS)
    def test_the_actions(self, role, action, plan):
        path, data = self.ACTIONS[action](plan)
        before = tables()

        response = signed_in(role).post(path, data)

        assert response.status_code == expected(role, 302)
        assert (tables() != before) == (role in MANAGERS)

    @pytest.mark.parametrize("path", [TABLES, "/staff/floor/tables/{pk}/"])
    def test_only_get_and_post_on_the_pages_and_post_on_the_actions(self, plan, path):
        client = manager_client()

        assert client.put(path.format(pk=plan["spare"].pk)).status_code == 405
        assert client.get(service_url(plan["spare"])).status_code == 405
        assert client.get(delete_url(plan["spare"])).status_code == 405
        assert client.get(edit_url(Table(pk=999))).status_code == 404

    @pytest.mark.parametrize("action", ACTIONS)
    def test_csrf_is_enforced(self, plan, action):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user_with_role("manager"))
        for page in (TABLES, edit_url(plan["spare"])):
            html = client.get(page).content.decode()
            assert html.count('name="csrfmiddlewaretoken"') == html.count('method="post"') > 0
        path, data = self.ACTIONS[action](plan)
        before = tables()

        assert client.post(path, data).status_code == 403
        assert tables() == before

    def test_the_floor_links_to_the_tables(self, plan):
        html = manager_client().get(FLOOR).content.decode()

        assert f'<a href="{TABLES}">Tables</a>' in html


class TestList:
    def test_tables_by_area_with_seats_and_whether_they_take_bookings(self, plan):
        TableFactory(label="B1", seats=3, area="")

        html = manager_client().get(TABLES).content.decode()

        assert texts(html, tag="h2") == ["No area", "Main room", "Window", "Add a table"]
        assert text(html, css_class="floor__row--inactive") == "W2 2 Out of service Edit Back in service"
        assert text(html, id=f"table-{plan['booked'].pk}") == "M4 4 Takes bookings Edit Out of service"
        assert text(html, id=f"table-{plan['spare'].pk}") == "M6 6 Takes bookings Edit Out of service"

    def test_delete_is_offered_only_for_a_table_never_booked(self, plan):
        client = manager_client()
        BookingFactory(table=plan["window"], status=BookingStatus.COMPLETED)  # history only

        for table, offered in ((plan["booked"], False), (plan["window"], False), (plan["spare"], True)):
            html = client.get(edit_url(table)).content.decode()
            assert (f'action="{delete_url(table)}"' in html) is offered, table.label
            assert ("has bookings on record, so it is kept with their history" in html) is not offered

    def test_labels_and_areas_are_escaped(self, dinner):
        table = TableFactory(label="<b>T1</b>", area="<i>Patio</i>")
        client = manager_client()

        for path in (TABLES, edit_url(table), FLOOR):
            html = client.get(path).content.decode()
            assert "<b>T1</b>" not in html and "&lt;b&gt;T1&lt;/b&gt;" in html, path
            assert "<i>Patio</i>" not in html and "&lt;i&gt;Patio&lt;/i&gt;" in html, path

    def test_no_inline_script_or_style(self, plan):
        for path in (TABLES, edit_url(plan["booked"])):
            html = manager_client().get(path).content.decode()
            assert " style=" not in html and "<script>" not in html and " onclick" not in html

    @pytest.mark.parametrize("size", [1, 10])
    def test_the_query_count_is_fixed(self, dinner, django_assert_num_queries, size):
        client = manager_client()
        for index in range(size):
            table = TableFactory(area=f"Area {index % 3}")
            BookingFactory(start=EVENING, table=table)

        # session, user, roles; the tables with whether each was booked; the settings (the layout)
        with django_assert_num_queries(5):
            listed = client.get(TABLES)
        with django_assert_num_queries(5):  # the same, for one table
            edited = client.get(edit_url(table))

        assert len(texts(listed.content.decode(), tag="tr")) == size + min(size, 3)  # a head row per area
        assert edited.status_code == 200


class TestAdd:
    def test_a_table_is_added_and_offered_for_bookings(self, dinner):
        response = manager_client().post(TABLES, {"label": " T9 ", "seats": 2, "area": " Terrace ", "active": "on"})

        assert response.status_code == 302 and response["Location"] == TABLES
        assert list(Table.objects.values_list("label", "seats", "area", "active")) == [("T9", 2, "Terrace", True)]
        assert [slot.tables_free for slot in availability_for(day=TOMORROW, party_size=2).slots][:1] == [1]
        followed = manager_client().get(FLOOR).content.decode()
        assert texts(followed, css_class="timeline__area") == ["Terrace"]

    def test_the_message_names_it(self, dinner):
        response = manager_client().post(TABLES, {"label": "T9", "seats": 2, "active": "on"}, follow=True)

        assert messages_of(response) == ["Table T9 added: 2 seats."]

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"label": "m4", "seats": 2}, "label", "Another table is labelled 'M4' (labels ignore case)."),
            ({"label": "   ", "seats": 2}, "label", "This field is required."),
            ({"label": "X" * 21, "seats": 2}, "label", "Ensure this value has at most 20 characters"),
            ({"label": "N", "seats": 0}, "seats", "Ensure this value is greater than or equal to 1."),
            ({"label": "N", "seats": 51}, "seats", "Ensure this value is less than or equal to 50."),
            ({"label": "N", "seats": "many"}, "seats", "Enter a whole number."),
            ({"label": "N", "seats": 2, "area": "x" * 61}, "area", "Ensure this value has at most 60 characters"),
        ],
    )
    def test_refusals_show_next_to_their_field_and_change_nothing(self, plan, data, field, message):
        before = tables()

        response = manager_client().post(TABLES, data)

        html = response.content.decode()
        assert response.status_code == 200
        assert message in text(html, css_class="field--invalid")
        assert response.context["form"].errors.keys() == {field}
        assert tables() == before


class TestEdit:
    def test_label_seats_and_area_are_saved(self, plan):
        response = manager_client().post(
            edit_url(plan["booked"]), {"label": "M5", "seats": 5, "area": "Terrace", "active": "on"}, follow=True
        )

        assert messages_of(response) == ["Table M5 saved."]
        plan["booked"].refresh_from_db()
        assert (plan["booked"].label, plan["booked"].seats, plan["booked"].area) == ("M5", 5, "Terrace")
        assert Booking.objects.get().table == plan["booked"]  # its booking keeps it

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"label": "m6", "seats": 4, "active": "on"}, "label", "Another table is labelled 'M6'"),
            (
                {"label": "M4", "seats": 3, "active": "on"},
                "seats",
                "Table M4 has upcoming booking(s) that would lose their table: #{pk} Ana Lima, 4 at 19:00 on "
                "2026-06-01. Move or cancel them before you reduce it to 3 seats.",
            ),
            (
                {"label": "M4", "seats": 4},
                "active",
                "#{pk} Ana Lima, 4 at 19:00 on 2026-06-01. Move or cancel them before you take it out of service.",
            ),
            ({"label": "M4", "seats": 99, "active": "on"}, "seats", "Ensure this value is less than or equal to 50."),
        ],
    )
    def test_refusals_show_next_to_their_field_and_change_nothing(self, plan, data, field, message):
        before = tables()

        response = manager_client().post(edit_url(plan["booked"]), {"area": "Main room", **data})

        assert response.status_code == 200
        assert response.context["form"].errors.keys() == {field}
        assert message.format(pk=plan["booking"].pk) in text(response.content.decode(), css_class="field--invalid")
        assert tables() == before

    def test_fewer_seats_than_a_past_or_cancelled_booking_needed_is_fine(self, plan):
        plan["booking"].status = BookingStatus.CANCELLED
        plan["booking"].save()
        BookingFactory(table=plan["booked"], party_size=4, start=local(TODAY, 8), status=BookingStatus.COMPLETED)

        manager_client().post(edit_url(plan["booked"]), {"label": "M4", "seats": 2, "area": "Main room"})

        plan["booked"].refresh_from_db()
        assert (plan["booked"].seats, plan["booked"].active) == (2, False)


class TestService:
    def test_out_of_service_takes_no_new_bookings_and_back_in_service_does(self, plan):
        client = manager_client()

        response = client.post(service_url(plan["spare"]), {"active": "false"}, follow=True)

        assert messages_of(response) == ["Table M6 is out of service: it takes no new bookings."]
        assert Table.objects.get(pk=plan["spare"].pk).active is False
        assert availability_for(day=TOMORROW, party_size=5).slots == []
        refused = client.post(NEW, {"guest_name": "Cy", "party_size": 2, "day": TOMORROW, "time": "19:00",
                                    "table": plan["spare"].pk})  # fmt: skip
        assert "Select a valid choice" in text(refused.content.decode(), css_class="field--invalid")
        assert not Booking.objects.filter(guest_name="Cy").exists()
        floor_html = client.get(FLOOR).content.decode()
        assert f'data-table="{plan["spare"].pk}"' not in floor_html  # off the timeline: nothing booked on it

        response = client.post(service_url(plan["spare"]), {"active": "true"}, follow=True)

        assert messages_of(response) == ["Table M6 is back in service."]
        assert availability_for(day=TOMORROW, party_size=5).slots != []

    def test_a_table_with_upcoming_bookings_stays_in_service_naming_them(self, plan):
        before = tables()

        response = manager_client().post(service_url(plan["booked"]), {"active": "false"}, follow=True)

        assert messages_of(response) == [
            f"Table M4 has upcoming booking(s) that would lose their table: #{plan['booking'].pk} Ana Lima, 4 at "
            "19:00 on 2026-06-01. Move or cancel them before you take it out of service."
        ]
        assert tables() == before

    def test_the_booking_history_is_kept(self, plan):
        plan["booking"].status = BookingStatus.COMPLETED
        plan["booking"].save()

        manager_client().post(service_url(plan["booked"]), {"active": "false"})

        assert Table.objects.get(pk=plan["booked"].pk).active is False
        assert Booking.objects.get().table_id == plan["booked"].pk
        html = manager_client().get(FLOOR).content.decode()  # today's floor still shows it, with the booking
        assert "M4 4 seats, out of service" in texts(html, css_class="timeline__label")

    @pytest.mark.parametrize("value", ["", "yes", "False"])
    def test_a_bad_value_changes_nothing(self, plan, value):
        before = tables()

        response = manager_client().post(service_url(plan["spare"]), {"active": value}, follow=True)

        assert messages_of(response) == ["Choose whether the table takes bookings."]
        assert tables() == before


class TestDelete:
    def test_a_table_never_booked_is_deleted(self, plan):
        response = manager_client().post(delete_url(plan["spare"]), follow=True)

        assert messages_of(response) == ["Table M6 deleted."]
        assert not Table.objects.filter(pk=plan["spare"].pk).exists()

    @pytest.mark.parametrize("status", [BookingStatus.CONFIRMED, BookingStatus.CANCELLED, BookingStatus.COMPLETED])
    def test_a_table_with_a_booking_on_record_is_refused(self, plan, status):
        plan["booking"].status = status
        plan["booking"].save()
        before = tables()

        response = manager_client().post(delete_url(plan["booked"]), follow=True)

        assert response.redirect_chain == [(edit_url(plan["booked"]), 302)]
        assert messages_of(response) == [
            "Table M4 has 1 booking(s) on record and is kept for their history: take it out of service instead "
            "(active: false)."
        ]
        assert tables() == before

    def test_a_member_of_a_combination_is_refused(self, plan):
        booking_services.combination_create(
            actor=user_with_role("manager"), name="M6+W2", tables=[plan["spare"], plan["window"]]
        )
        before = tables()

        response = manager_client().post(delete_url(plan["spare"]), follow=True)

        assert messages_of(response) == [
            "Table M6 is part of the combination(s) M6+W2: take it out of them before you delete it."
        ]
        assert tables() == before
