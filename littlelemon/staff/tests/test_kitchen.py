"""The kitchen display and its stations screen: who may open them, what they show, bumps and
recalls through the lifecycle service, CSRF, escaping, query counts and conditional GETs."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import user_with_role
from littlelemon.audit.models import AuditEntry
from littlelemon.kitchen.models import Station
from littlelemon.kitchen.tests.factories import (
    CategoryFactory,
    MenuItemFactory,
    OrderFactory,
    combo_item,
    order_with,
    station_with,
)
from littlelemon.menu.tests.factories import combo_with_slots
from littlelemon.orders.models import OrderEvent
from littlelemon.staff.views.kitchen import STATION_COOKIE
from littlelemon.web.tests.htmltext import text, texts

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
KITCHEN = reverse("staff:kitchen")
BOARD = reverse("staff:kitchen_board")
STATIONS = reverse("staff:kitchen_stations")
KITCHEN_ROLES = {"kitchen", "manager", "admin"}
ROLES = ("anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin")


def signed_in(role: str) -> tuple[Client, object]:
    user = user_with_role(role)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client, user


def status_url(order) -> str:
    return reverse("staff:kitchen_order_status", args=[order.pk])


def expected(role: str, allowed: set[str], success: int = 200) -> int:
    if role == "anonymous":
        return 302
    return success if role in allowed else 403


class TestWhoMay:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("path", [KITCHEN, BOARD])
    def test_the_display(self, role, path):
        client, _ = signed_in(role)

        response = client.get(path)

        assert response.status_code == expected(role, KITCHEN_ROLES)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("web:login"))

    @pytest.mark.parametrize("role", ROLES)
    def test_a_bump(self, role):
        order = OrderFactory(status="accepted")
        client, _ = signed_in(role)

        response = client.post(status_url(order), {"status": "preparing"})

        assert response.status_code == expected(role, KITCHEN_ROLES, success=302)
        order.refresh_from_db()
        assert order.status == ("preparing" if role in KITCHEN_ROLES else "accepted")

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize(
        "path", [STATIONS, "/staff/kitchen/stations/{pk}/", "/staff/kitchen/stations/{pk}/delete/"]
    )
    def test_the_stations_screens(self, role, path):
        station = station_with("Grill", CategoryFactory())
        client, _ = signed_in(role)

        response = client.get(path.format(pk=station.pk))

        assert response.status_code == expected(role, {"manager", "admin"})

    @pytest.mark.parametrize("role", ["kitchen", "delivery-crew", "customer"])
    def test_only_managers_change_stations(self, role):
        station = station_with("Grill", CategoryFactory())
        category = CategoryFactory()
        client, _ = signed_in(role)

        client.post(STATIONS, {"name": "Cold", "categories": [category.pk], "position": 0})
        client.post(f"/staff/kitchen/stations/{station.pk}/", {"name": "X", "categories": [category.pk], "position": 0})
        client.post(f"/staff/kitchen/stations/{station.pk}/delete/")

        assert list(Station.objects.values_list("name", flat=True)) == ["Grill"]


class TestDisplay:
    def test_a_combo_shows_its_components_and_their_allergens(self, kitchen_user):
        burger = MenuItemFactory(title="Burger", allergens=["gluten", "milk"])
        fries = MenuItemFactory(title="Fries", allergens=["celery"])
        deal = combo_with_slots(slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0")])])
        order = order_with(MenuItemFactory(title="Lemonade"), status="accepted")
        combo_item(order, deal, burger, fries)
        client = Client()
        client.force_login(kitchen_user)

        html = client.get(KITCHEN).content.decode()

        assert texts(html, css_class="ticket__dish") == ["Lemonade", "Lunch Deal"]
        assert texts(html, css_class="line-options__slot") == ["A main: Burger", "A side: Fries"]
        assert texts(html, css_class="ticket__allergen") == ["Cereals containing gluten", "Milk", "Celery"]
        assert text(html, css_class="ticket__allergens") == "Allergens: Cereals containing gluten, Milk, Celery"

    def test_a_card_shows_what_to_make(self, kitchen_user):
        dish = MenuItemFactory(title="Pasta", allergens=["gluten"], vegan=True)
        order = order_with(dish, quantity=3, status="accepted", fulfilment="pickup", notes="No onions")
        client = Client()
        client.force_login(kitchen_user)

        html = client.get(KITCHEN).content.decode()

        assert text(html, id=f"ticket-{order.pk}") == f"#{order.pk}"
        assert text(html, css_class="ticket__kind") == "Pickup"
        assert text(html, css_class="ticket__qty") == "3×"
        assert text(html, css_class="ticket__dish") == "Pasta"
        assert text(html, css_class="ticket__allergen") == "Cereals containing gluten"
        assert text(html, css_class="ticket__tag") == "Vegan"
        assert text(html, css_class="ticket__notes") == "Note: No onions"
        assert texts(html, css_class="button--bump") == ["Start"]
        assert f'data-since="{order.created.isoformat()}"' in html
        assert 'data-age-warning="10"' in html and 'data-age-late="20"' in html

    def test_customer_writing_is_escaped(self, kitchen_user):
        customer = user_with_role("customer", first_name="<b>Eve</b>")
        order_with(MenuItemFactory(), status="accepted", customer=customer, notes="<script>alert(1)</script>")
        client = Client()
        client.force_login(kitchen_user)

        html = client.get(BOARD, headers=HTMX).content.decode()

        assert "<script>alert(1)</script>" not in html and "<b>Eve</b>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;b&gt;Eve&lt;/b&gt;" in html

    def test_the_kitchen_may_not_accept_a_placed_order(self, settings, kitchen_user, manager):
        settings.KITCHEN_SHOWS_PLACED = True
        order_with(MenuItemFactory(), status="placed")
        kitchen, boss = Client(), Client()
        kitchen.force_login(kitchen_user)
        boss.force_login(manager)

        assert texts(kitchen.get(BOARD).content, css_class="button--bump") == []
        assert text(kitchen.get(BOARD).content, css_class="ticket__waiting") == "Waiting for a manager to accept"
        assert texts(boss.get(BOARD).content, css_class="button--bump") == ["Accept"]

    def test_recall_buttons_only_within_the_window(self, settings, freeze, kitchen_user):
        settings.KITCHEN_RECALL_MINUTES = 3
        now = timezone.now()
        preparing = order_with(MenuItemFactory(), status="preparing", status_changed_at=now)
        ready = order_with(MenuItemFactory(), status="ready", status_changed_at=now)
        client = Client()
        client.force_login(kitchen_user)

        html = client.get(BOARD).content.decode()
        assert texts(html, css_class="button--bump") == ["Ready"]
        assert html.count("data-recall") == 2
        assert f'data-recent data-order-id="{ready.pk}"' in html

        freeze(now + timedelta(minutes=3, seconds=1))
        html = client.get(BOARD).content.decode()
        assert "data-recall" not in html
        assert f'data-order-id="{ready.pk}"' not in html  # off the list with its window
        assert f'data-order-id="{preparing.pk}"' in html

    def test_the_station_picker_remembers_the_screens_choice(self, kitchen_user):
        grill, cold = CategoryFactory(), CategoryFactory()
        steak, salad = MenuItemFactory(title="Steak", category=grill), MenuItemFactory(title="Salad", category=cold)
        both = order_with(steak, salad, status="accepted")
        salad_only = order_with(salad, status="accepted")
        station = station_with("Grill", grill)
        client = Client()
        client.force_login(kitchen_user)

        response = client.post(reverse("staff:kitchen_station"), {"station": station.pk})
        assert response.status_code == 302 and response["Location"] == KITCHEN
        assert client.cookies[STATION_COOKIE].value == str(station.pk)
        html = client.get(KITCHEN).content.decode()
        assert texts(html, css_class="ticket__dish") == ["Steak"]
        assert f'data-order-id="{salad_only.pk}"' not in html and f'data-order-id="{both.pk}"' in html
        assert text(html, css_class="kitchen-bar__title") == "Kitchen · Grill"

        station.delete()  # a deleted station: every dish again
        assert texts(client.get(BOARD).content, css_class="ticket__dish") == ["Steak", "Salad", "Salad"]

        client.post(reverse("staff:kitchen_station"), {"station": ""})
        assert client.cookies[STATION_COOKIE].value == ""

    def test_query_counts_are_fixed(self, kitchen_user, django_assert_num_queries):
        client = Client()
        client.force_login(kitchen_user)
        station = station_with("Grill", CategoryFactory())
        client.cookies[STATION_COOKIE] = str(station.pk)
        client.get(KITCHEN)  # the restaurant's settings are cached from then on
        for size in (1, 5):
            for _ in range(size):
                order_with(MenuItemFactory(), MenuItemFactory(), status="accepted")
            # session, user, roles, the station, the stamps, orders, items
            with django_assert_num_queries(7):
                assert client.get(BOARD).status_code == 200
            # the same and the stations for the picker
            with django_assert_num_queries(8):
                assert client.get(KITCHEN).status_code == 200

    def test_query_counts_with_combos_are_fixed(self, kitchen_user, django_assert_num_queries):
        client = Client()
        client.force_login(kitchen_user)
        client.get(KITCHEN)  # the restaurant's settings are cached from then on
        total = 0
        for size in (1, 5):
            total += size
            for _ in range(size):
                burger, fries = MenuItemFactory(allergens=["gluten"]), MenuItemFactory(allergens=["celery"])
                deal = combo_with_slots(slots=[("A main", [(burger, "0")]), ("A side", [(fries, "0")])])
                combo_item(order_with(MenuItemFactory(), status="accepted"), deal, burger, fries)
            # session, user, roles, the stamps, orders, items, the components' allergens
            with django_assert_num_queries(7):
                html = client.get(BOARD).content.decode()
            assert html.count("<strong>Allergens:</strong> Cereals containing gluten, Celery<") == total


class TestConditional:
    def test_an_unchanged_board_is_a_304_and_a_change_is_not(self, kitchen_user):
        order = order_with(MenuItemFactory(), status="accepted")
        client = Client()
        client.force_login(kitchen_user)

        first = client.get(BOARD)
        etag = first["ETag"]
        assert etag.startswith('W/"')
        assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]

        again = client.get(BOARD, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again["ETag"] == etag

        OrderFactory(status="accepted")
        changed = client.get(BOARD, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed["ETag"] != etag
        assert f'data-order-id="{order.pk}"' in changed.content.decode()


class TestBumpAndRecall:
    def test_a_bump_by_htmx_answers_the_fresh_board(self, kitchen_user):
        order = order_with(MenuItemFactory(), status="accepted")
        client = Client()
        client.force_login(kitchen_user)

        response = client.post(status_url(order), {"status": "preparing"}, headers=HTMX)

        html = response.content.decode()
        assert response.status_code == 200 and "<html" not in html
        assert texts(html, css_class="button--bump") == ["Ready"]
        order.refresh_from_db()
        assert order.status == "preparing"

    def test_two_bumps_then_a_recall(self, kitchen_user):
        order = order_with(MenuItemFactory(), status="accepted")
        client = Client()
        client.force_login(kitchen_user)

        client.post(status_url(order), {"status": "preparing"})
        client.post(status_url(order), {"status": "ready"})
        html = client.post(status_url(order), {"status": "preparing"}, headers=HTMX).content.decode()

        order.refresh_from_db()
        assert order.status == "preparing"
        assert OrderEvent.objects.latest("id").note == "Recalled by the kitchen."
        assert texts(html, css_class="button--bump") == ["Ready"]

    def test_someone_elses_move_is_a_message_not_an_error(self, kitchen_user, manager):
        order = order_with(MenuItemFactory(), status="accepted")
        client = Client()
        client.force_login(kitchen_user)
        from littlelemon.orders.transitions import order_status_change

        order_status_change(order=order, actor=manager, status="cancelled")
        htmx = client.post(status_url(order), {"status": "preparing"}, headers=HTMX)
        plain = client.post(status_url(order), {"status": "preparing"}, follow=True)

        assert htmx.status_code == 200
        assert text(htmx.content, css_class="kitchen-error").startswith(f"Order #{order.pk} is cancelled")
        # Out of band, into the page's message area: the board's next refresh does not wipe it.
        assert '<div id="kitchen-messages" hx-swap-oob="innerHTML">' in htmx.content.decode()
        assert "kitchen-messages" not in client.get(BOARD).content.decode()
        assert plain.status_code == 200
        assert f"Order #{order.pk} is cancelled" in plain.content.decode()

    def test_a_late_recall_says_why(self, settings, freeze, kitchen_user):
        settings.KITCHEN_RECALL_MINUTES = 3
        order = order_with(MenuItemFactory(), status="ready", status_changed_at=timezone.now())
        freeze(timezone.now() + timedelta(minutes=5))
        client = Client()
        client.force_login(kitchen_user)

        response = client.post(status_url(order), {"status": "preparing"}, headers=HTMX)

        assert "a recall is allowed only within 3 minutes of the bump" in text(
            response.content, css_class="kitchen-error"
        )
        order.refresh_from_db()
        assert order.status == "ready"

    def test_an_unknown_order_or_status_is_a_message(self, kitchen_user):
        client = Client()
        client.force_login(kitchen_user)
        order = order_with(MenuItemFactory(), status="accepted")

        assert text(
            client.post(status_url(order), {"status": "shipped"}, headers=HTMX).content, css_class="kitchen-error"
        )
        missing = client.post(reverse("staff:kitchen_order_status", args=[999999]), {"status": "ready"}, headers=HTMX)
        assert missing.status_code == 200 and text(missing.content, css_class="kitchen-error") == "No such order."


class TestCsrf:
    @pytest.mark.parametrize("form", ["bump", "station", "station_add", "station_edit", "station_delete"])
    def test_every_form_needs_the_token(self, form, manager):
        station = station_with("Grill", CategoryFactory())
        order = order_with(MenuItemFactory(), status="accepted")
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        path, data = {
            "bump": (status_url(order), {"status": "preparing"}),
            "station": (reverse("staff:kitchen_station"), {"station": station.pk}),
            "station_add": (STATIONS, {"name": "Cold", "categories": [CategoryFactory().pk], "position": 0}),
            "station_edit": (f"/staff/kitchen/stations/{station.pk}/", {"name": "X", "position": 0}),
            "station_delete": (f"/staff/kitchen/stations/{station.pk}/delete/", {}),
        }[form]

        response = client.post(path, data)

        assert response.status_code == 403
        order.refresh_from_db()
        assert order.status == "accepted"
        assert list(Station.objects.values_list("name", flat=True)) == ["Grill"]
        assert STATION_COOKIE not in client.cookies

    def test_the_display_carries_the_token_in_its_forms(self, kitchen_user):
        order_with(MenuItemFactory(), status="accepted")
        client = Client(enforce_csrf_checks=True)
        client.force_login(kitchen_user)

        html = client.get(KITCHEN).content.decode()

        assert html.count('name="csrfmiddlewaretoken"') >= 3  # log out, station, bump


class TestStations:
    def test_a_manager_adds_edits_and_deletes_a_station(self, manager):
        grill, cold = CategoryFactory(title="Grill"), CategoryFactory(title="Cold")
        client = Client()
        client.force_login(manager)

        added = client.post(STATIONS, {"name": "Hot line", "categories": [grill.pk], "position": 1}, follow=True)
        station = Station.objects.get()
        assert text(added.content, css_class="message--success") == "Station “Hot line” added."
        assert (station.name, list(station.categories.all())) == ("Hot line", [grill])

        client.post(
            f"/staff/kitchen/stations/{station.pk}/", {"name": "Cold line", "categories": [cold.pk], "position": 2}
        )
        station.refresh_from_db()
        assert (station.name, station.position, list(station.categories.all())) == ("Cold line", 2, [cold])

        confirm = client.get(f"/staff/kitchen/stations/{station.pk}/delete/")
        assert "Delete station Cold line?" in confirm.content.decode()
        client.post(f"/staff/kitchen/stations/{station.pk}/delete/")
        assert not Station.objects.exists()
        assert list(
            AuditEntry.objects.filter(action__startswith="station.").order_by("id").values_list("action", flat=True)
        ) == [
            "station.create",
            "station.update",
            "station.delete",
        ]

    def test_errors_are_shown_and_nothing_is_written(self, manager):
        grill = CategoryFactory()
        station_with("Grill", grill)
        client = Client()
        client.force_login(manager)

        taken = client.post(STATIONS, {"name": "grill", "categories": [grill.pk], "position": 0})
        empty = client.post(STATIONS, {"name": "Cold", "position": 0})

        assert taken.status_code == 200
        assert "There is already a station called" in taken.content.decode()
        assert "Choose at least one menu category for the station." in empty.content.decode()
        assert Station.objects.count() == 1

    def test_names_are_escaped(self, manager):
        station_with("<i>Grill</i>", CategoryFactory())
        client = Client()
        client.force_login(manager)

        html = client.get(STATIONS).content.decode()

        assert "<i>Grill</i>" not in html and "&lt;i&gt;Grill&lt;/i&gt;" in html
