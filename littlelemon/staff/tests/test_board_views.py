"""The manager's order board as pages: who may open it, every action through its service (htmx
answers with the fresh columns, a plain POST redirects), refusals as messages, CSRF, escaping,
query counts and the columns' ETag."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import user_with_role
from littlelemon.orders.enums import EventKind, OrderStatus
from littlelemon.orders.models import OrderEvent
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant.selectors import restaurant_settings_get
from littlelemon.web.tests.htmltext import text, texts

pytestmark = pytest.mark.django_db

BOARD = reverse("staff:orders")
COLUMNS = reverse("staff:orders_columns")
HTMX = {"HTTP_HX_REQUEST": "true"}
XSS = "<script>alert(1)</script>"


def driver(first_name="Dana"):
    return user_with_role("delivery-crew", first_name=first_name, last_name="Driver")


@pytest.fixture
def board_client(client, manager):
    client.force_login(manager)
    return client


def column_titles(html) -> dict[str, list[str]]:
    """{column id: [card titles]} of the board's columns."""
    found = {}
    for key in ("placed", "scheduled", "accepted", "preparing", "ready", "out_for_delivery"):
        section = re.search(rf'<section class="board-column board-column--{key}".*?</section>', html, re.S)
        found[key] = texts(section.group(0), css_class="order-card__title") if section else []
    return found


class TestPermissions:
    URLS = [
        ("get", BOARD),
        ("get", COLUMNS),
        ("get", "/staff/orders/{order}/"),
        ("get", "/staff/orders/{order}/reject/"),
        ("post", "/staff/orders/{order}/accept/"),
        ("post", "/staff/orders/{order}/advance/"),
        ("post", "/staff/orders/{order}/reject/"),
        ("post", "/staff/orders/{order}/cancel/"),
        ("post", "/staff/orders/{order}/assign/"),
        ("post", reverse("staff:orders_pause")),
        ("post", reverse("staff:orders_extend")),
    ]

    @pytest.mark.parametrize(("method", "url"), URLS)
    def test_anonymous_visitors_are_sent_to_log_in(self, client, method, url):
        order = OrderFactory()
        response = getattr(client, method)(url.format(order=order.pk))
        assert response.status_code == 302 and "/login/" in response.url

    @pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew"])
    @pytest.mark.parametrize(("method", "url"), URLS)
    def test_other_roles_get_403_and_nothing_changes(self, client, role, method, url):
        user = user_with_role(role)
        order = OrderFactory(customer=user) if role == "customer" else OrderFactory()
        if role == "delivery-crew":
            order.delivery_crew = user
            order.save()
        client.force_login(user)

        data = {"estimated_minutes": "20", "reason": "no", "status": "cancelled", "minutes": "10", "least_busy": "1"}
        response = getattr(client, method)(url.format(order=order.pk), data if method == "post" else None)

        assert response.status_code == 403
        order.refresh_from_db()
        assert order.status == OrderStatus.PLACED
        assert not restaurant_settings_get().orders_paused

    @pytest.mark.parametrize("role", ["manager", "admin"])
    def test_managers_and_admins_open_it(self, client, role):
        order = OrderFactory(items=2)
        client.force_login(user_with_role(role))

        assert client.get(BOARD).status_code == 200
        assert client.get(COLUMNS).status_code == 200
        assert client.get(f"/staff/orders/{order.pk}/").status_code == 200

    def test_a_missing_order_is_404(self, board_client):
        assert board_client.get("/staff/orders/999999/").status_code == 404
        assert board_client.get("/staff/orders/999999/cancel/").status_code == 404


class TestColumns:
    def test_orders_in_columns_by_status_with_counts(self, board_client):
        placed = OrderFactory(items=2)
        accepted = OrderFactory(status=OrderStatus.ACCEPTED, estimated_ready_at=timezone.now())
        ready = OrderFactory(status=OrderStatus.READY, fulfilment="pickup")
        done = OrderFactory(status=OrderStatus.DELIVERED, finished_at=timezone.now())

        html = board_client.get(BOARD).content.decode()

        columns = column_titles(html)
        assert [t.split()[0] for t in columns["placed"]] == [f"#{placed.pk}"]
        assert [t.split()[0] for t in columns["accepted"]] == [f"#{accepted.pk}"]
        assert [t.split()[0] for t in columns["ready"]] == [f"#{ready.pk}"]
        assert text(html, id="column-placed").endswith("1")
        assert f"#{done.pk}" in text(html, css_class="board-finished")
        assert text(html, css_class="board-finished").startswith("Finished today 1")

    def test_a_card_shows_what_the_manager_needs(self, board_client):
        crew = driver("Dana")
        order = OrderFactory(
            status=OrderStatus.ACCEPTED,
            items=2,
            delivery_crew=crew,
            estimated_ready_at=timezone.now() + timedelta(minutes=20),
        )
        order.customer.first_name, order.customer.last_name = "Ada", "Lovelace"
        order.customer.save()

        card = text(board_client.get(BOARD).content, id=f"order-{order.pk}")

        assert f"#{order.pk} Ada Lovelace" in card
        assert "Delivery" in card
        assert "1 × " in card and "0, 1 × " in card  # the items summary
        assert "Total $27.50" in card
        assert "Age" in card and "Estimate" in card
        assert "Dana Driver" in card

    def test_pickup_orders_have_no_driver_controls(self, board_client):
        driver()
        pickup = OrderFactory(fulfilment="pickup", status=OrderStatus.ACCEPTED)
        delivery = OrderFactory(status=OrderStatus.ACCEPTED)

        html = board_client.get(BOARD).content.decode()

        assert f'action="/staff/orders/{pickup.pk}/assign/"' not in html
        assert f'action="/staff/orders/{delivery.pk}/assign/"' in html
        assert "Driver" not in text(html, id=f"order-{pickup.pk}")

    def test_the_drivers_list_shows_each_drivers_load(self, board_client):
        busy = driver("Busy")
        for _ in range(2):
            OrderFactory(status=OrderStatus.PREPARING, delivery_crew=busy)
        driver("Idle")
        order = OrderFactory()

        card = board_client.get(BOARD).content.decode()
        options = texts(card.split(f'id="driver-{order.pk}"')[1].split("</select>")[0], tag="option")

        assert options == ["Idle Driver (0 open)", "Busy Driver (2 open)"]

    def test_customer_written_fields_are_escaped(self, board_client):
        order = OrderFactory(notes=XSS, delivery_address=XSS, items=1)
        order.customer.first_name = XSS
        order.customer.phone = "+1 <b>555</b>"
        order.customer.save()

        for url in (BOARD, COLUMNS, f"/staff/orders/{order.pk}/", f"/staff/orders/{order.pk}/cancel/"):
            html = board_client.get(url).content.decode()
            assert XSS not in html, url
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        search = board_client.get(BOARD, {"q": "alert"}).content.decode()
        assert XSS not in search and "&lt;script&gt;" in search

    @pytest.mark.parametrize("size", [1, 6])
    def test_fixed_queries(self, board_client, size, django_assert_num_queries):
        crews = [driver(f"D{n}") for n in range(size)]
        for n in range(size):
            OrderFactory(items=2)
            OrderFactory(status=OrderStatus.PREPARING, delivery_crew=crews[n], items=1)
            OrderFactory(status=OrderStatus.COLLECTED, fulfilment="pickup", finished_at=timezone.now())
        order = OrderFactory(items=size)
        for n in range(size):
            OrderEvent.objects.create(order=order, kind=EventKind.ASSIGNED, to_status="placed", actor=crews[n])

        # session, user, roles, open orders, items, finished today, drivers, settings (pause, currency)
        with django_assert_num_queries(8):
            assert board_client.get(BOARD).status_code == 200
        # session, user, roles, stamps, open orders, items, finished today, drivers, settings (currency)
        with django_assert_num_queries(9):
            response = board_client.get(COLUMNS, **HTMX)
        assert len(texts(response.content, css_class="order-card__title")) == 2 * size + 1
        # session, user, roles, stamps: nothing changed, a 304
        with django_assert_num_queries(4):
            assert board_client.get(COLUMNS, HTTP_IF_NONE_MATCH=response["ETag"], **HTMX).status_code == 304
        # session, user, roles, the order with its people, items, events with actors, payments,
        # refunds, drivers, settings
        with django_assert_num_queries(10):
            assert board_client.get(f"/staff/orders/{order.pk}/").status_code == 200
        # session, user, roles, the orders found, settings (pause, currency), open orders, items,
        # finished today, drivers
        with django_assert_num_queries(9):
            assert board_client.get(BOARD, {"q": "D0"}).status_code == 200

    def test_the_columns_etag_is_weak_private_and_changes_with_an_order(self, board_client, manager):
        order = OrderFactory()
        first = board_client.get(COLUMNS, **HTMX)
        assert first["ETag"].startswith('W/"')
        assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
        assert board_client.get(COLUMNS, HTTP_IF_NONE_MATCH=first["ETag"], **HTMX).status_code == 304

        board_client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": "20"})

        again = board_client.get(COLUMNS, HTTP_IF_NONE_MATCH=first["ETag"], **HTMX)
        assert again.status_code == 200 and again["ETag"] != first["ETag"]


class TestActions:
    def test_accept_with_an_estimate_by_htmx_returns_the_columns(self, board_client, manager):
        order = OrderFactory()
        before = timezone.now()

        response = board_client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": "20"}, **HTMX)

        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="board-columns"')
        assert f"Order #{order.pk} accepted" in text(html, css_class="board-messages")
        assert f"#{order.pk}" in column_titles(html)["accepted"][0]
        order.refresh_from_db()
        assert order.status == OrderStatus.ACCEPTED
        assert before + timedelta(minutes=19) < order.estimated_ready_at < timezone.now() + timedelta(minutes=21)
        assert order.events.last().actor == manager

    def test_a_plain_post_redirects_and_the_board_shows_the_message(self, board_client):
        order = OrderFactory()

        response = board_client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": "25"}, follow=True)

        assert response.redirect_chain == [(BOARD, 302)]
        assert f"Order #{order.pk} accepted" in text(response.content, css_class="staff-messages")

    @pytest.mark.parametrize("minutes", ["", "abc", "0", "500"])
    def test_a_bad_estimate_is_a_message_not_a_change(self, board_client, minutes):
        order = OrderFactory()

        response = board_client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": minutes}, **HTMX)

        assert response.status_code == 200
        assert "message--error" in response.content.decode()
        order.refresh_from_db()
        assert order.status == OrderStatus.PLACED

    def test_a_service_refusal_is_a_message(self, board_client):
        order = OrderFactory(status=OrderStatus.DELIVERED)

        response = board_client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": "20"}, **HTMX)

        assert response.status_code == 200
        assert "cannot become accepted" in text(response.content, css_class="board-messages")

    @pytest.mark.parametrize(
        ("action", "data"),
        [
            ("accept", {"estimated_minutes": "20"}),
            ("advance", {"status": "preparing"}),
            ("assign", {"least_busy": "1"}),
            ("assign", {"delivery_crew": "PLACEHOLDER"}),
        ],
    )
    def test_a_missing_order_is_a_message_not_an_error_page(self, board_client, action, data):
        crew = driver()
        data = {key: (str(crew.pk) if value == "PLACEHOLDER" else value) for key, value in data.items()}

        response = board_client.post(f"/staff/orders/999999/{action}/", data, **HTMX)

        assert response.status_code == 200
        assert "No such order." in text(response.content, css_class="board-messages")

    def test_advance_moves_forward(self, board_client):
        order = OrderFactory(status=OrderStatus.READY, fulfilment="pickup")

        board_client.post(f"/staff/orders/{order.pk}/advance/", {"status": "collected"})

        order.refresh_from_db()
        assert order.status == OrderStatus.COLLECTED

    def test_advance_will_not_cancel_without_a_reason(self, board_client):
        order = OrderFactory(status=OrderStatus.ACCEPTED)

        board_client.post(f"/staff/orders/{order.pk}/advance/", {"status": "cancelled"})

        order.refresh_from_db()
        assert order.status == OrderStatus.ACCEPTED

    @pytest.mark.parametrize(("action", "status"), [("reject", "rejected"), ("cancel", "cancelled")])
    def test_reject_and_cancel_ask_for_a_reason_first(self, board_client, manager, action, status):
        order = OrderFactory()
        url = f"/staff/orders/{order.pk}/{action}/"

        page = board_client.get(url)
        assert page.status_code == 200
        assert f"{action.capitalize()} order #{order.pk}?" in text(page.content, tag="h1")

        refused = board_client.post(url, {"reason": "   "})
        assert refused.status_code == 400
        assert "Give the reason" in text(refused.content, id="reason-error")
        order.refresh_from_db()
        assert order.status == OrderStatus.PLACED

        done = board_client.post(url, {"reason": "Out of lamb"})
        assert done.status_code == 302 and done.url == BOARD
        order.refresh_from_db()
        assert order.status == status
        event = order.events.last()
        assert (event.note, event.actor) == ("Out of lamb", manager)

    def test_cancelling_a_delivered_order_is_refused_on_the_page(self, board_client):
        order = OrderFactory(status=OrderStatus.DELIVERED)

        response = board_client.post(f"/staff/orders/{order.pk}/cancel/", {"reason": "Oops"})

        assert response.status_code == 400
        assert "cannot become cancelled" in text(response.content, id="reason-error")

    def test_assign_a_driver_and_the_least_busy(self, board_client):
        busy, idle = driver("Busy"), driver("Idle")
        OrderFactory(status=OrderStatus.PREPARING, delivery_crew=busy)
        order = OrderFactory(status=OrderStatus.ACCEPTED)

        board_client.post(f"/staff/orders/{order.pk}/assign/", {"delivery_crew": busy.pk, "assign": "1"})
        order.refresh_from_db()
        assert order.delivery_crew == busy

        response = board_client.post(f"/staff/orders/{order.pk}/assign/", {"least_busy": "1"}, **HTMX)
        order.refresh_from_db()
        assert order.delivery_crew == idle
        assert "Idle Driver, the least busy driver" in text(response.content, css_class="board-messages")

    def test_assigning_a_non_driver_or_with_no_drivers_is_a_message(self, board_client):
        order = OrderFactory(status=OrderStatus.ACCEPTED)
        cook = user_with_role("kitchen")

        first = board_client.post(f"/staff/orders/{order.pk}/assign/", {"delivery_crew": cook.pk}, **HTMX)
        second = board_client.post(f"/staff/orders/{order.pk}/assign/", {"least_busy": "1"}, **HTMX)

        assert "choose a driver" in text(first.content, css_class="board-messages")
        assert "no active delivery crew" in text(second.content, css_class="board-messages")
        order.refresh_from_db()
        assert order.delivery_crew is None

    def test_pause_and_resume(self, board_client, client):
        response = board_client.post(
            reverse("staff:orders_pause"), {"action": "pause", "message": "Back at 8"}, follow=True
        )
        assert "Online orders are paused" in text(response.content, css_class="staff-messages")
        assert "Customers read: “Back at 8”" in response.content.decode()
        settings = restaurant_settings_get()
        assert (settings.orders_paused, settings.orders_paused_message) == (True, "Back at 8")

        board_client.post(reverse("staff:orders_pause"), {"action": "resume"})
        assert not restaurant_settings_get().orders_paused

    def test_extend_estimates(self, board_client):
        moment = timezone.now().replace(microsecond=0)
        order = OrderFactory(status=OrderStatus.PREPARING, estimated_ready_at=moment)

        response = board_client.post(reverse("staff:orders_extend"), {"minutes": "15"}, follow=True)

        assert "Estimates extended by 15 minutes (1 order)." in text(response.content, css_class="staff-messages")
        order.refresh_from_db()
        assert order.estimated_ready_at == moment + timedelta(minutes=15)

        bad = board_client.post(reverse("staff:orders_extend"), {"minutes": "500"}, follow=True)
        assert "1 to 120 minutes" in text(bad.content, css_class="staff-messages")

    def test_next_keeps_the_manager_on_the_orders_page(self, board_client):
        order = OrderFactory()
        detail = f"/staff/orders/{order.pk}/"

        response = board_client.post(f"{detail}accept/", {"estimated_minutes": "20", "next": detail})
        assert response.url == detail
        evil = board_client.post(f"{detail}advance/", {"status": "preparing", "next": "https://evil.example/"})
        assert evil.url == BOARD


class TestCsrf:
    FORMS = [
        "/staff/orders/{order}/accept/",
        "/staff/orders/{order}/advance/",
        "/staff/orders/{order}/reject/",
        "/staff/orders/{order}/cancel/",
        "/staff/orders/{order}/assign/",
        reverse("staff:orders_pause"),
        reverse("staff:orders_extend"),
    ]

    @pytest.mark.parametrize("url", FORMS)
    def test_every_form_needs_the_token(self, manager, url):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        order = OrderFactory(status=OrderStatus.PLACED)
        data = {"estimated_minutes": "20", "reason": "x", "status": "preparing", "least_busy": "1", "minutes": "5"}

        assert client.post(url.format(order=order.pk), data).status_code == 403

        order.refresh_from_db()
        assert order.status == OrderStatus.PLACED
        assert not restaurant_settings_get().orders_paused

    def test_the_pages_carry_the_token(self, manager):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        order = OrderFactory()
        for url in (BOARD, f"/staff/orders/{order.pk}/", f"/staff/orders/{order.pk}/reject/"):
            html = client.get(url).content.decode()
            forms = html.count('method="post"')
            assert forms and html.count('name="csrfmiddlewaretoken"') >= forms, url

    def test_with_the_token_it_works(self, manager):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)
        order = OrderFactory()
        html = client.get(BOARD).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

        client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": "20", "csrfmiddlewaretoken": token})

        order.refresh_from_db()
        assert order.status == OrderStatus.ACCEPTED


class TestSearchAndDetail:
    def test_search_by_number_name_and_phone(self, board_client):
        order = OrderFactory()
        order.customer.first_name, order.customer.last_name, order.customer.phone = "Grace", "Hopper", "+1 312 555 0199"
        order.customer.save()
        other = OrderFactory()

        for query in (f"#{order.pk}", "grace hop", "555 0199"):
            html = board_client.get(BOARD, {"q": query}).content.decode()
            found = text(html, css_class="board-results")
            assert f"#{order.pk}" in found, query
            assert f"#{other.pk} " not in found, query
        assert "No order matches" in text(board_client.get(BOARD, {"q": "nobody"}).content, css_class="board-results")

    def test_the_detail_shows_contact_items_notes_and_timeline(self, board_client, manager):
        order = OrderFactory(items=2, notes="No onions", delivery_address="1 Lemon Street\nFlat 2")
        order.customer.phone = "+1 (312) 555-0100"
        order.customer.save()
        board_client.post(f"/staff/orders/{order.pk}/accept/", {"estimated_minutes": "20"})

        html = board_client.get(f"/staff/orders/{order.pk}/").content.decode()

        assert 'href="tel:+13125550100"' in html
        assert "1 Lemon Street<br>Flat 2" in html
        assert "No onions" in html
        assert len(texts(html, css_class="summary__line")) == 2
        timeline = texts(html, css_class="order-timeline__event")
        assert len(timeline) == 2
        assert "Accepted" in timeline[1]
        assert (manager.get_full_name() or manager.username) in timeline[1]
        assert "Proof of delivery" not in html  # none yet

    def test_the_detail_shows_the_proof_of_delivery_in_the_same_queries(
        self, board_client, crew_user, django_assert_num_queries
    ):
        from littlelemon.orders.delivery import order_deliver
        from littlelemon.orders.tests.test_delivery import photo_upload

        order = OrderFactory(status="out_for_delivery", delivery_crew=crew_user, items=2)
        order_deliver(order=order, actor=crew_user, recipient_name="Ana <b>Door</b>", photo=photo_upload())

        with django_assert_num_queries(10):  # as for any order's detail (test_fixed_queries)
            html = board_client.get(f"/staff/orders/{order.pk}/").content.decode()

        proof = text(html, css_class="delivery-proof")
        assert "Taken by Ana <b>Door</b>" in proof  # the driver typed it: shown as text
        assert f'src="/staff/deliveries/{order.pk}/photo/"' in html
