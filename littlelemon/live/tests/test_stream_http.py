"""The stream over real HTTP, served by uvicorn (the `asgi_server` fixture) on the test database:
what a browser's EventSource gets. Transactional tests: the server sees only committed data."""

import time

import pytest
from django.db.models import Max

from littlelemon.accounts.enums import Role
from littlelemon.core.tests.servers import EventStream, session_cookie
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import transitions
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.tests.factories import OrderFactory

PATH = "/live/stream/"


def open_stream(server, user=None, **headers) -> EventStream:
    if user is not None:
        headers["Cookie"] = session_cookie(user)
    return EventStream(server.url, PATH, headers=headers)


def accept(order, manager):
    return transitions.order_status_change(
        order=order.pk, actor=manager, status=OrderStatus.ACCEPTED, estimated_minutes=20
    )


def test_an_accepted_order_reaches_its_customer_within_a_second(asgi_server, customer, manager):
    order = OrderFactory(customer=customer)
    stream = open_stream(asgi_server, customer)
    try:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-cache"
        assert stream.headers["x-accel-buffering"] == "no"
        first = stream.next(timeout=5)
        assert first.retry == 2000

        started = time.monotonic()
        accept(order, manager)
        message = stream.next_event(timeout=5)
        elapsed = time.monotonic() - started

        event = OutboxEvent.objects.get(type="order.status_changed", aggregate_id=str(order.pk))
        assert message.event == "orders"
        assert message.id == str(event.pk)
        assert message.json() == {"order": order.pk, "type": "order.status_changed", "status": "accepted"}
        # About a second (the hub reads every LIVE_TAIL_SECONDS); a test run loading every core
        # may add a little. `make bench` (live_fanout) measures the real figures.
        assert elapsed < 2
    finally:
        stream.close()


def test_anonymous_gets_no_stream(asgi_server):
    stream = open_stream(asgi_server)
    try:
        assert stream.status == 403
        assert not stream.headers["content-type"].startswith("text/event-stream")
    finally:
        stream.close()


def test_a_customer_never_hears_of_another_customers_order(asgi_server, customer, other_customer, manager):
    theirs, mine = OrderFactory(customer=other_customer), OrderFactory(customer=customer)
    stream = open_stream(asgi_server, customer)
    try:
        stream.next()
        accept(theirs, manager)
        accept(mine, manager)
        message = stream.next_event(timeout=5)
        assert message.json()["order"] == mine.pk  # theirs, committed first, never came
        with pytest.raises(TimeoutError):
            stream.next_event(timeout=1)
    finally:
        stream.close()


def test_keep_alive_comments_and_the_end_after_the_maximum_duration(asgi_server_factory, customer):
    server = asgi_server_factory(LIVE_KEEPALIVE_SECONDS="1", LIVE_STREAM_MAX_SECONDS="3")
    stream = open_stream(server, customer)
    try:
        started = time.monotonic()
        blocks = []
        while (block := stream.next(timeout=6)) is not None:
            blocks.append(block)
        elapsed = time.monotonic() - started
        assert blocks[0].retry == 2000
        comments = [b.comments for b in blocks[1:]]
        assert comments in ([["keep-alive"]] * 2, [["keep-alive"]] * 3)  # at 1 s, 2 s (and maybe just before 3 s)
        assert 2.5 < elapsed < 5
    finally:
        stream.close()


def test_a_reconnecting_stream_resumes_after_its_last_event_id(asgi_server, customer, manager):
    first, second = OrderFactory(customer=customer), OrderFactory(customer=customer)
    accept(first, manager)
    seen = OutboxEvent.objects.aggregate(top=Max("id"))["top"]
    accept(second, manager)  # while the client was away
    transitions.order_status_change(order=second.pk, actor=manager, status=OrderStatus.PREPARING)

    stream = open_stream(asgi_server, customer, **{"Last-Event-ID": str(seen)})
    try:
        replayed = [stream.next_event(timeout=5), stream.next_event(timeout=5)]
        assert [(m.json()["order"], m.json()["status"]) for m in replayed] == [
            (second.pk, "accepted"),
            (second.pk, "preparing"),
        ]
        assert int(replayed[0].id) > seen
        transitions.order_status_change(order=first.pk, actor=manager, status=OrderStatus.PREPARING)
        live = stream.next_event(timeout=5)
        assert (live.json()["order"], live.json()["status"]) == (first.pk, "preparing")
    finally:
        stream.close()


def test_the_query_parameter_stands_in_for_the_header(asgi_server, customer, manager):
    order = OrderFactory(customer=customer)
    accept(order, manager)
    seen = OutboxEvent.objects.aggregate(top=Max("id"))["top"]
    transitions.order_status_change(order=order.pk, actor=manager, status=OrderStatus.PREPARING)
    stream = EventStream(asgi_server.url, f"{PATH}?last_event_id={seen}", headers={"Cookie": session_cookie(customer)})
    try:
        assert stream.next_event(timeout=5).json()["status"] == "preparing"
    finally:
        stream.close()


def test_events_purged_since_the_last_event_id_make_the_page_refresh(asgi_server, customer, manager):
    order = OrderFactory(customer=customer)
    accept(order, manager)
    seen = OutboxEvent.objects.aggregate(top=Max("id"))["top"]
    OutboxEvent.objects.all().delete()  # events_purge took them (and the one the client saw)
    stream = open_stream(asgi_server, customer, **{"Last-Event-ID": str(seen)})
    try:
        message = stream.next_event(timeout=5)
        assert message.event == "refresh"
        assert message.json() == {}
    finally:
        stream.close()


def test_a_driver_whose_role_is_removed_mid_stream_hears_no_more(asgi_server, crew_user, manager):
    from littlelemon.orders.enums import Fulfilment

    order = OrderFactory(fulfilment=Fulfilment.DELIVERY, status=OrderStatus.PREPARING, delivery_crew=crew_user)
    stream = open_stream(asgi_server, crew_user)
    try:
        stream.next()
        transitions.order_status_change(order=order.pk, actor=manager, status=OrderStatus.READY)
        assert stream.next_event(timeout=5).json() == {
            "order": order.pk,
            "type": "order.status_changed",
            "status": "ready",
        }
        crew_user.groups.remove(crew_user.groups.get(name=Role.DELIVERY_CREW))
        transitions.order_status_change(order=order.pk, actor=manager, status=OrderStatus.OUT_FOR_DELIVERY)
        with pytest.raises(TimeoutError):
            stream.next_event(timeout=1.5)
    finally:
        stream.close()


def test_a_deactivated_users_stream_ends(asgi_server, kitchen_user, manager):
    order = OrderFactory()
    stream = open_stream(asgi_server, kitchen_user)
    try:
        stream.next()
        type(kitchen_user).objects.filter(pk=kitchen_user.pk).update(is_active=False)
        accept(order, manager)
        assert stream.next_event(timeout=5) is None
    finally:
        stream.close()


def test_kitchen_managers_and_admins_hear_of_every_order_another_driver_does_not(
    asgi_server, kitchen_user, manager, admin_user, crew_user
):
    from littlelemon.accounts.tests.factories import UserFactory

    other_driver = UserFactory(roles=[Role.DELIVERY_CREW])
    order = OrderFactory(status=OrderStatus.PREPARING, delivery_crew=other_driver)
    streams = {user.username: open_stream(asgi_server, user) for user in (kitchen_user, manager, admin_user, crew_user)}
    try:
        for stream in streams.values():
            stream.next()
        transitions.order_status_change(order=order.pk, actor=manager, status=OrderStatus.READY)
        for user in (kitchen_user, manager, admin_user):
            assert streams[user.username].next_event(timeout=5).json()["order"] == order.pk
        with pytest.raises(TimeoutError):
            streams[crew_user.username].next_event(timeout=1)  # another driver's order
    finally:
        for stream in streams.values():
            stream.close()


def _server_connections(connection) -> int:
    """The test database's connections held by other processes (the server's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgresql
def test_open_streams_hold_no_database_connection(asgi_server, customer, manager):
    """PostgreSQL allows a few hundred connections: a stream gives its request's back once it
    starts (the hub reads for every stream of the process), and no request's outlives it (no
    persistent connections under ASGI), so 20 open streams hold none of their own."""
    from django.db import connection

    order = OrderFactory(customer=customer)
    warm = open_stream(asgi_server, customer)  # the hub's own connection, opened for the first stream
    warm.next(timeout=5)
    accept(order, manager)
    warm.next_event(timeout=5)
    before = _server_connections(connection)

    streams = [open_stream(asgi_server, customer) for _ in range(20)]
    try:
        for stream in streams:
            assert stream.next(timeout=5).retry == 2000
        for _ in range(3):  # a few pages and API calls meanwhile: none keeps its connection
            assert asgi_server.get("/menu/").status == 200
        time.sleep(0.5)
        assert _server_connections(connection) <= before
    finally:
        for stream in [warm, *streams]:
            stream.close()
