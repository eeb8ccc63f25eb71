"""An order's page and its live status (the polled fragment), and "My orders"."""

import pytest
from django.urls import reverse

from littlelemon.api.tests.conditional import PRIVATE, WEAK
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.orders.placement import order_place
from littlelemon.orders.transitions import order_status_change

from .htmltext import text, texts

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def place(customer, *, dishes=1, **options) -> Order:
    for _ in range(dishes):
        CartLineFactory(user=customer, menuitem=MenuItemFactory())
    order, _created = order_place(
        customer=customer, fulfilment="delivery", delivery_address="12 Olive Street", **options
    )
    return order


def poll(client, order, since, **extra):
    return client.get(reverse("web:order_status", args=[order.pk]), {"since": since}, headers=HTMX, **extra)


class TestOrderPage:
    def test_shows_the_status_the_timeline_and_what_was_ordered(self, client, customer):
        order = place(customer, dishes=2, notes="Leave it with the <b>porter</b>")
        client.force_login(customer)

        html = client.get(reverse("web:order", args=[order.pk])).content.decode()

        assert text(html, tag="h1") == f"Order #{order.pk}"
        assert text(html, css_class="tracking__status") == "Placed"
        assert texts(html, css_class="timeline__label") == [
            "Order placed",
            "Accepted",
            "Being prepared",
            "Ready",
            "On its way",
            "Delivered",
        ]
        assert 'aria-current="step"' in html
        assert f'hx-get="/orders/{order.pk}/status/?since=' in html
        assert 'hx-trigger="sse:orders, live:refresh from:body"' in html  # LIVE_MODE=stream
        assert 'hx-sync="this:replace"' in html  # swapped whole: a new message replaces the fetch out
        assert 'hx-swap="outerHTML settle:0ms"' in html  # ... and the new element listens at once
        assert f'sse-connect="{reverse("live:stream")}"' in html
        assert len(texts(html, css_class="summary__dish")) == 2
        assert "Leave it with the &lt;b&gt;porter&lt;/b&gt;" in html

    def test_polls_every_few_seconds_with_live_mode_poll(self, client, customer, settings):
        settings.LIVE_MODE, settings.LIVE_POLL_SECONDS = "poll", 3
        order = place(customer)
        client.force_login(customer)

        html = client.get(reverse("web:order", args=[order.pk])).content.decode()

        assert 'hx-trigger="every 3s, live:refresh from:body"' in html
        assert "hx-sync" not in html and 'hx-swap="outerHTML settle:0ms"' in html
        assert "sse-connect" not in html and 'data-live="poll"' in html
        assert "/static/live/live.js" in html

    def test_another_customers_order_is_not_found(self, client, customer, other_customer):
        order = place(other_customer)
        client.force_login(customer)

        assert client.get(reverse("web:order", args=[order.pk])).status_code == 404
        assert poll(client, order, 0).status_code == 404

    def test_a_visitor_is_sent_to_log_in(self, client, customer):
        order = place(customer)

        response = client.get(reverse("web:order", args=[order.pk]))

        assert response.status_code == 302 and response.url.startswith("/account/login/?next=")


class TestLiveStatus:
    def test_the_poll_answers_no_content_until_something_happens_then_the_new_timeline(self, client, customer, manager):
        order = place(customer)
        client.force_login(customer)
        html = client.get(reverse("web:order", args=[order.pk])).content.decode()
        since = html.split("?since=", 1)[1].split('"', 1)[0]

        quiet = poll(client, order, since)
        assert quiet.status_code == 204 and quiet.content == b""

        order_status_change(order=order, actor=manager, status=OrderStatus.ACCEPTED)
        news = poll(client, order, since)

        fragment = news.content.decode()
        assert news.status_code == 200 and "<html" not in fragment
        assert text(fragment, css_class="tracking__status") == "Accepted"
        assert text(fragment, css_class="tracking__headline") == "The restaurant has accepted your order."
        assert "Status: Accepted." in text(fragment, id="order-announcement")
        assert f"?since={since}" not in fragment  # the next poll asks from the new event on

    def test_a_finished_order_stops_polling(self, client, customer, manager):
        order = place(customer)
        order_status_change(order=order, actor=customer, status=OrderStatus.CANCELLED)
        client.force_login(customer)

        fragment = poll(client, order, 0).content.decode()

        assert text(fragment, css_class="tracking__status") == "Cancelled"
        assert "hx-trigger" not in fragment and "hx-get" not in fragment
        assert "This page updates by itself." not in fragment
        page = client.get(reverse("web:order", args=[order.pk])).content.decode()
        assert "sse-connect" not in page and "data-live" not in page  # no stream for a finished order

    def test_the_customer_can_cancel_a_placed_order_with_a_post(self, client, customer):
        order = place(customer)
        client.force_login(customer)

        assert client.get(reverse("web:order_cancel", args=[order.pk])).status_code == 405
        response = client.post(reverse("web:order_cancel", args=[order.pk]))

        assert response.status_code == 302
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED

    def test_cancelling_asks_first_and_only_the_customer_is_offered_it(self, client, customer, manager):
        order = place(customer)
        client.force_login(customer)
        page = client.get(reverse("web:order", args=[order.pk])).content.decode()
        assert f"Yes, cancel order #{order.pk}" in page
        assert "Manage this order on the orders board" not in page

        client.force_login(manager)  # a manager may cancel, with a reason, on the board: not here
        page = client.get(reverse("web:order", args=[order.pk])).content.decode()
        assert "Cancel order" not in page
        assert f'href="/staff/orders/?q={order.pk}"' in page


class TestMyOrders:
    def test_lists_the_customers_own_orders_newest_first(self, client, customer, other_customer):
        first, second = place(customer), place(customer, dishes=2)
        place(other_customer)
        client.force_login(customer)

        html = client.get(reverse("web:orders")).content

        assert texts(html, css_class="order-card__title") == [f"Order #{second.pk}", f"Order #{first.pk}"]

    def test_none_yet(self, client, customer):
        client.force_login(customer)

        assert text(client.get(reverse("web:orders")).content, css_class="empty-state") == (
            "No orders yet See the menu"
        )


@pytest.mark.parametrize("size", [1, 8])
def test_order_pages_run_fixed_queries(client, customer, manager, size, django_assert_num_queries):
    orders = [place(customer, dishes=size) for _ in range(size)]
    for order in orders:
        order_status_change(order=order, actor=manager, status=OrderStatus.ACCEPTED)
    client.force_login(customer)
    order = orders[0]

    # session, user, roles, the order, its items, its events, its payments and refunds, settings,
    # the cart badge, hours, closures
    with django_assert_num_queries(12):
        client.get(reverse("web:order", args=[order.pk]))
    # session, user, roles, the stamps, the order, its events
    with django_assert_num_queries(6):
        polled = poll(client, order, 0)
    assert polled.status_code == 200
    # session, user, roles, the stamps: nothing changed, a 304
    with django_assert_num_queries(4):
        assert poll(client, order, 0, HTTP_IF_NONE_MATCH=polled["ETag"]).status_code == 304
    # session, user, roles, count, orders, their items, settings, the cart badge, hours, closures
    with django_assert_num_queries(10):
        response = client.get(reverse("web:orders"))
    assert len(texts(response.content, css_class="order-card__title")) == size


class TestStatusPollEtag:
    """The polled fragment carries a weak ETag (it holds a CSRF token) built from the user and
    their orders' stamps; a poll that sends it back is a 304 until the order moves."""

    def test_a_weak_private_etag_a_304_then_a_new_one_when_the_order_moves(self, client, customer, manager):
        order = place(customer)
        client.force_login(customer)
        first = poll(client, order, 0)
        nothing_new = poll(client, order, first.wsgi_request.GET["since"], HTTP_IF_NONE_MATCH=first["ETag"])

        assert first.status_code == 200 and WEAK.match(first["ETag"])
        assert first["Cache-Control"] == PRIVATE
        assert (nothing_new.status_code, nothing_new.content, nothing_new["ETag"]) == (304, b"", first["ETag"])

        since = order.events.order_by("-id").first().pk
        quiet = poll(client, order, since)
        assert quiet.status_code == 204 and WEAK.match(quiet["ETag"])
        assert poll(client, order, since, HTTP_IF_NONE_MATCH=quiet["ETag"]).status_code == 304

        order_status_change(order=order, actor=manager, status=OrderStatus.ACCEPTED)
        moved = poll(client, order, since, HTTP_IF_NONE_MATCH=quiet["ETag"])

        assert moved.status_code == 200
        assert moved["ETag"] != quiet["ETag"]
        assert "Accepted" in moved.content.decode()

    def test_another_user_never_gets_a_304_for_my_poll(self, client, customer, other_customer):
        order = place(customer)
        client.force_login(customer)
        mine = poll(client, order, 0)["ETag"]

        client.force_login(other_customer)

        assert poll(client, order, 0, HTTP_IF_NONE_MATCH=mine).status_code == 404


class TestAfterARecall:
    def test_the_page_shows_the_order_back_at_the_earlier_step_with_no_time_ahead(
        self, client, customer, manager, kitchen_user
    ):
        order = place(customer)
        for status in ("accepted", "preparing", "ready"):
            order_status_change(order=order, actor=manager if status == "accepted" else kitchen_user, status=status)
        order_status_change(order=order, actor=kitchen_user, status="preparing")  # the recall
        client.force_login(customer)

        html = client.get(reverse("web:order", args=[order.pk])).content.decode()

        assert text(html, css_class="tracking__status") == "Preparing"
        assert text(html, css_class="tracking__headline") == "The kitchen is preparing your order."
        # Placed, accepted and being prepared have times; ready (undone) and the rest do not.
        assert len(texts(html, css_class="timeline__time")) == 3
