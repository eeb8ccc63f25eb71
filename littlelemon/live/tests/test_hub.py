"""The hub: gap tracking, start and stop with the streams, one query per batch for all streams,
and, on PostgreSQL, an event whose transaction commits after a higher id was read."""

import asyncio
import threading
import time

import pytest
from django.db import connection, transaction

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.events.services import event_record
from littlelemon.live import hub as hub_module
from littlelemon.live.audience import Event, Viewer
from littlelemon.live.hub import END, Hub, viewers_read


def event(number, customer=1):
    return Event(number, "order", "order.placed", {"order_id": 5, "customer_id": customer, "status": "placed"})


class TestGaps:
    def test_ids_skipped_below_the_highest_read_are_asked_for_again_until_they_come(self, settings):
        settings.LIVE_GAP_SECONDS = 30
        hub = Hub()
        hub.position = 10
        hub._advance([event(12), event(14)])
        assert hub.position == 14 and set(hub._gaps) == {11, 13}
        hub._advance([event(13), event(15)])
        assert hub.position == 15 and set(hub._gaps) == {11}

    def test_then_taken_for_rolled_back(self, settings):
        settings.LIVE_GAP_SECONDS = 0.05
        hub = Hub()
        hub._advance([event(1), event(3)])
        assert set(hub._gaps) == {2}
        time.sleep(0.1)
        hub._advance([])
        assert hub._gaps == {}

    def test_a_jump_of_the_sequence_is_not_a_million_gaps(self):
        hub = Hub()
        hub._advance([event(5_000_000)])
        assert len(hub._gaps) == hub_module.GAPS_LIMIT


def test_delivery_follows_the_users_roles_as_just_read():
    hub = Hub()
    loop = asyncio.new_event_loop()
    try:
        customer = hub_module.Subscription(Viewer(1))
        driver = hub_module.Subscription(Viewer(2, frozenset({"delivery-crew"})))
        gone = hub_module.Subscription(Viewer(3))
        hub._subscriptions = {customer, driver, gone}
        viewers = {1: Viewer(1), 2: Viewer(2)}  # 2 lost the role; 3 was deactivated or deleted

        hub.deliver([event(1, customer=1), event(2, customer=9)], viewers)

        assert [customer.queue.get_nowait().id] == [1] and customer.queue.empty()
        assert driver.queue.empty()
        assert gone.queue.get_nowait() == END
    finally:
        loop.close()


@pytest.mark.django_db
def test_the_users_of_every_stream_are_read_in_one_query(django_assert_num_queries):
    few = [UserFactory(roles=["kitchen"]), UserFactory()]
    many = [*few, *(UserFactory(roles=["delivery-crew", "kitchen"]) for _ in range(5))]
    for users in (few, many):
        with django_assert_num_queries(1):
            viewers = viewers_read([user.pk for user in users])
        assert set(viewers) == {user.pk for user in users}
    assert viewers[many[-1].pk].roles == frozenset({"delivery-crew", "kitchen"})
    assert viewers[few[1].pk] == Viewer(few[1].pk, frozenset(), is_superuser=False, is_active=True)


def record(customer_id):
    return event_record(
        type="order.placed",
        aggregate="order",
        aggregate_id=1,
        payload={"order_id": 1, "customer_id": customer_id, "status": "placed"},
    )


@pytest.mark.django_db(transaction=True)
def test_the_hub_starts_with_the_first_stream_and_stops_with_the_last(customer):
    hub = Hub()

    async def scenario():
        first = await hub.subscribe(Viewer(customer.pk))
        second = await hub.subscribe(Viewer(customer.pk))
        assert hub.running and hub.streams == 2
        await asyncio.get_running_loop().run_in_executor(None, _commit_event, customer.pk)
        assert (await asyncio.wait_for(first.get(), 5)).payload["customer_id"] == customer.pk
        assert (await asyncio.wait_for(second.get(), 5)).payload["customer_id"] == customer.pk
        hub.unsubscribe(first)
        await asyncio.sleep(0.3)
        assert hub.running
        hub.unsubscribe(second)
        await asyncio.sleep(0.3)
        assert not hub.running and hub.streams == 0
        await hub.read(_close)

    asyncio.run(scenario())


def _close():
    connection.close()  # the hub thread's connection: a test database is dropped at the end


def _commit_event(customer_id):
    try:
        with transaction.atomic():
            return record(customer_id).pk
    finally:
        connection.close()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_higher_id_was_read_is_still_delivered(customer, settings):
    """PostgreSQL: T1 takes an id and holds its transaction; T2 takes the next id and commits; the
    hub reads T2's event; T1 commits: the hub delivers T1's too (the gap it remembered)."""
    settings.LIVE_GAP_SECONDS = 30
    hub = Hub()
    inserted, release = threading.Event(), threading.Event()
    ids = {}

    def late():
        try:
            with transaction.atomic():
                ids["late"] = record(customer.pk).pk
                inserted.set()
                assert release.wait(20)
        finally:
            connection.close()

    async def scenario():
        loop = asyncio.get_running_loop()
        subscription = await hub.subscribe(Viewer(customer.pk))
        holder = threading.Thread(target=late)
        holder.start()
        await loop.run_in_executor(None, inserted.wait, 10)
        early = await loop.run_in_executor(None, _commit_event, customer.pk)

        first = await asyncio.wait_for(subscription.get(), 5)
        assert first.id == early and ids["late"] < early
        assert hub.position >= early and ids["late"] in hub._gaps

        release.set()
        await loop.run_in_executor(None, holder.join, 10)
        second = await asyncio.wait_for(subscription.get(), 5)
        assert second.id == ids["late"]
        assert ids["late"] not in hub._gaps
        hub.unsubscribe(subscription)
        await hub.read(_close)

    asyncio.run(scenario())
