"""The customer's order page served by uvicorn (ASGI: the live stream, LIVE_MODE=stream) follows
the order as a manager moves it on, without a reload, and goes on doing so after the server was
stopped and started again (a change made while it was down shows up too)."""

import re

from django.conf import settings
from playwright.sync_api import Page, expect

from littlelemon.core.tests.servers import session_cookie
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.orders.transitions import order_status_change

STREAM = re.compile(r"/live/stream/")
TRACKING = re.compile(r"/orders/\d+/status/")


def signed_in_page(new_page, server, user) -> Page:
    page = new_page(base_url=server.url)
    name, value = session_cookie(user).split("=", 1)
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return page


def test_the_order_page_follows_the_order_live_and_across_a_server_restart(new_page, asgi_server, customer, manager):
    order = OrderFactory(customer=customer)
    page = signed_in_page(new_page, asgi_server, customer)
    with page.expect_response(STREAM) as opened:
        page.goto(f"/orders/{order.pk}/")
    assert opened.value.status == 200
    assert opened.value.headers["content-type"].startswith("text/event-stream")
    status = page.locator(".tracking__status")
    expect(status).to_have_text("Placed")
    expect(page.locator("[data-live]")).to_have_attribute("data-live", "stream")
    page.evaluate("window.stillTheSamePage = true")

    order_status_change(order=order.pk, actor=manager, status=OrderStatus.ACCEPTED, estimated_minutes=20)
    expect(status).to_have_text("Accepted")  # no poll in stream mode: the stream said so
    expect(page.locator(".tracking__estimate")).to_contain_text("around")

    asgi_server.stop()
    order_status_change(order=order.pk, actor=manager, status=OrderStatus.PREPARING)  # while it is down
    with page.expect_response(STREAM, timeout=20_000):
        asgi_server.start()  # the browser reconnects by itself
    expect(status).to_have_text("Preparing")  # re-fetched whole after the reconnection

    order_status_change(order=order.pk, actor=manager, status=OrderStatus.READY)
    expect(status).to_have_text("Ready")
    assert page.evaluate("window.stillTheSamePage") is True
    assert settings.LIVE_MODE == "poll"  # this process's (the WSGI live_server's); uvicorn streams


def test_the_staff_header_says_offline_while_the_server_is_down(new_page, asgi_server, kitchen_user):
    page = signed_in_page(new_page, asgi_server, kitchen_user)
    with page.expect_response(STREAM):
        page.goto("/staff/kitchen/")
    indicator = page.locator("[data-live-status]")
    expect(indicator).to_have_text("Live")
    expect(indicator).not_to_have_attribute("data-state", "offline")

    asgi_server.stop()
    expect(indicator).to_have_text("Offline")
    expect(indicator).to_have_attribute("data-state", "offline")

    asgi_server.start()
    expect(indicator).to_have_text("Live", timeout=20_000)
    expect(indicator).to_have_attribute("data-state", "live")


def test_a_change_streamed_while_the_fragment_was_being_fetched_is_not_lost(new_page, asgi_server, customer, manager):
    """The tracking fragment is swapped whole (outerHTML), and htmx drops a request queued on an
    element that left the page: a message that comes while the fragment's request is out, whose
    answer (read before the message's change) then replaces it, must still be shown (live.js)."""
    order = OrderFactory(customer=customer)
    page = signed_in_page(new_page, asgi_server, customer)
    with page.expect_response(STREAM), page.expect_response(TRACKING):  # fetched as the stream opens
        page.goto(f"/orders/{order.pk}/")
    status = page.locator(".tracking__status")
    page.evaluate("window.messages = 0; document.addEventListener('htmx:sseMessage', () => window.messages++)")
    held = []
    # The next fetch waits, unanswered; those after it go through.
    page.route(TRACKING, lambda route: route.fallback() if held else held.append(route))

    order_status_change(order=order.pk, actor=manager, status=OrderStatus.ACCEPTED, estimated_minutes=20)
    page.wait_for_function("() => window.messages === 1")
    for _ in range(200):  # the route's handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(25)
    answer = held[0].fetch()  # what the server says now: accepted
    assert "Accepted" in answer.text()
    order_status_change(order=order.pk, actor=manager, status=OrderStatus.PREPARING)
    page.wait_for_function("() => window.messages === 2")  # its fetch is queued behind the one held
    held[0].fulfill(response=answer)  # the older answer replaces the fragment

    expect(status).to_have_text("Preparing")
