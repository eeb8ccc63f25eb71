"""The stream through Django's ASGI handler in this process (the whole middleware stack): a
client that goes away frees its subscription, and an event committed in this process wakes the
hub at once (no waiting for its next tick)."""

import asyncio

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.db import connection, transaction

from littlelemon.core.tests.servers import session_cookie
from littlelemon.events.services import event_record
from littlelemon.live.audience import Viewer
from littlelemon.live.hub import hub

pytestmark = pytest.mark.django_db(transaction=True)


def _close():
    connection.close()


def scope(cookie: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/live/stream/",
        "raw_path": b"/live/stream/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


def test_a_client_that_goes_away_frees_its_subscription(customer):
    cookie = session_cookie(customer)

    async def scenario():
        gone, sent, asked = asyncio.Event(), [], []

        async def receive():
            if not asked:
                asked.append(True)
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        served = asyncio.create_task(ASGIHandler()(scope(cookie), receive, send))
        for _ in range(200):
            if any(message["type"] == "http.response.body" for message in sent):
                break
            await asyncio.sleep(0.05)
        assert sent[0]["status"] == 200
        assert (b"Content-Type", b"text/event-stream") in sent[0]["headers"]
        assert sent[1]["body"] == b"retry: 2000\n\n"
        assert hub.streams == 1

        gone.set()
        await asyncio.wait_for(served, 5)
        assert hub.streams == 0
        await hub.read(_close)

    asyncio.run(scenario())


def test_an_event_committed_in_this_process_wakes_the_hub(customer, settings):
    settings.LIVE_TAIL_SECONDS = 30  # only the signal can bring the event in time

    def commit():
        try:
            with transaction.atomic():
                return event_record(
                    type="order.placed",
                    aggregate="order",
                    aggregate_id=1,
                    payload={"order_id": 1, "customer_id": customer.pk, "status": "placed"},
                ).pk
        finally:
            connection.close()

    async def scenario():
        subscription = await hub.subscribe(Viewer(customer.pk))
        try:
            committed = await asyncio.get_running_loop().run_in_executor(None, commit)
            received = await asyncio.wait_for(subscription.get(), 3)
            assert received.id == committed
        finally:
            hub.unsubscribe(subscription)
            await hub.read(_close)

    asyncio.run(scenario())
