"""The hub: one task per server process reads new outbox events for all the process's streams.

Every open stream subscribes here. While at least one is open, one asyncio task reads the events
written since its last read, every LIVE_TAIL_SECONDS or at once when woken (an event committed in
this process sends `events.signals.event_committed`; `wake()` is thread-safe), re-reads the users
of the open streams (one query, their current roles), and hands each stream the events its user
may see now (`audience.may_see`). The last stream to close stops the task. A batch costs the same
queries however many streams are open: the events, and the users when there are order events.

Ids are not committed in order on PostgreSQL: a transaction may take id 41, and commit after
another took 42 and committed, after the hub read 42. So the hub remembers the ids it skipped
below the highest one read (gaps) and asks for them again at every read, for LIVE_GAP_SECONDS;
after that it takes them for rolled back. At start, the ids missing among the last few are gaps
too (a transaction may be about to commit one).

The database is read in one thread of the hub's own, with the connection checks a request would
make (a connection gone stale is replaced).
"""

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection
from django.db.models import Max, Q

from littlelemon.events.models import OutboxEvent

from .audience import ORDER, Event, Viewer, may_see

logger = logging.getLogger(__name__)

#: Ids below the highest at start that may still commit (see the module).
START_LOOKBACK_IDS = 200
#: The most events one read takes (the next read follows at once).
BATCH_LIMIT = 1000
#: The most gaps remembered (a jump of the sequence, e.g. after a restore, is not a million gaps).
GAPS_LIMIT = 10_000
#: Events a stream may have waiting to be sent; past that it gets `refresh` instead.
QUEUE_LIMIT = 1000

END = "end"  # the stream's user was deactivated
REFRESH = "refresh"  # the stream fell behind: its page re-fetches everything


class Subscription:
    """One open stream: the events for it wait in `queue` (Event, or END / REFRESH)."""

    def __init__(self, viewer: Viewer):
        self.viewer = viewer
        self.queue: asyncio.Queue[Event | str] = asyncio.Queue()
        self.behind = False

    def put(self, item: Event | str) -> None:
        if self.behind and item != END:
            return
        if self.queue.qsize() >= QUEUE_LIMIT and item != END:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.behind = True
            item = REFRESH
        self.queue.put_nowait(item)

    async def get(self) -> Event | str:
        item = await self.queue.get()
        if item == REFRESH:
            self.behind = False
        return item


def _with_connection_checks(function, *args: Any) -> Any:
    """`function(*args)` with the connection checks of a request: a stale connection is replaced,
    and one that failed is closed (a restarted database, a lost connection: the next read opens
    a new one)."""
    close_old_connections()
    try:
        return function(*args)
    except Exception:
        connection.close()
        raise


def events_of(queryset) -> list[Event]:
    """The rows of an OutboxEvent queryset as the stream needs them."""
    return [Event(*row) for row in queryset.values_list("id", "aggregate", "type", "payload")]


def _start_read() -> tuple[int, list[int]]:
    """The highest event id now, and the ids missing just below it."""
    top = OutboxEvent.objects.aggregate(top=Max("id"))["top"] or 0
    low = max(top - START_LOOKBACK_IDS, 0)
    present = set(OutboxEvent.objects.filter(id__gt=low, id__lte=top).values_list("id", flat=True))
    return top, [number for number in range(low + 1, top) if number not in present]


def _events_read(position: int, gaps: list[int]) -> list[Event]:
    """The events after `position`, and those of `gaps` that committed since: one query."""
    new = Q(id__gt=position)
    if gaps:
        new |= Q(id__in=gaps)
    return events_of(OutboxEvent.objects.filter(new).order_by("id")[:BATCH_LIMIT])


def viewers_read(user_ids: Iterable[int]) -> dict[int, Viewer]:
    """The users as they are now, with their roles: one query for all of them."""
    found: dict[int, tuple[bool, bool, set[str]]] = {}
    rows = (
        get_user_model()
        .objects.filter(pk__in=list(user_ids))
        .values_list("pk", "is_active", "is_superuser", "groups__name")
    )
    for pk, is_active, is_superuser, role in rows:
        entry = found.setdefault(pk, (is_active, is_superuser, set()))
        if role:
            entry[2].add(role)
    return {
        pk: Viewer(user_id=pk, roles=frozenset(roles), is_superuser=is_superuser, is_active=is_active)
        for pk, (is_active, is_superuser, roles) in found.items()
    }


class Hub:
    """See the module. One per process (`hub`), bound to the event loop of its first stream."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._ready: asyncio.Future | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-hub")
        self.position = 0  # the highest event id read
        self._gaps: dict[int, float] = {}  # id -> when to stop asking for it (time.monotonic)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def streams(self) -> int:
        return len(self._subscriptions)

    async def read(self, function, *args: Any) -> Any:
        """`function(*args)` (database reads) in the hub's own thread, with the connection checks."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _with_connection_checks, function, *args)

    async def subscribe(self, viewer: Viewer) -> Subscription:
        """A new stream for `viewer`: it gets the events that commit from now on."""
        loop = asyncio.get_running_loop()
        if not self.running or self._loop is not loop:
            self._loop = loop
            self._wake = asyncio.Event()
            self._ready = loop.create_future()
            self._subscriptions = set()
            # A context of its own, not the first stream's request (its request id, its thread).
            self._task = loop.create_task(self._run(), name="live-hub", context=contextvars.Context())
        subscription = Subscription(viewer)
        self._subscriptions.add(subscription)
        try:
            await asyncio.shield(self._ready)
        except BaseException:
            self.unsubscribe(subscription)
            raise
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
        if not self._subscriptions and self._wake is not None:
            self._wake.set()  # the task sees nobody is left, and ends

    def unsubscribe_threadsafe(self, subscription: Subscription) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # closed meanwhile
            loop.call_soon_threadsafe(self.unsubscribe, subscription)

    def wake(self) -> None:
        """Read now (from any thread): an event committed in this process."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or not self.running:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed
            loop.call_soon_threadsafe(wake.set)

    async def _run(self) -> None:
        try:
            self.position, gaps = await self.read(_start_read)
        except BaseException as error:
            self._ready.set_exception(error)
            raise
        expiry = time.monotonic() + settings.LIVE_GAP_SECONDS
        self._gaps = dict.fromkeys(gaps, expiry)
        self._ready.set_result(None)
        while self._subscriptions:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), settings.LIVE_TAIL_SECONDS)
            self._wake.clear()
            if not self._subscriptions:
                break
            try:
                await self._tick()
            except Exception:
                logger.exception("live: could not read the outbox; trying again")
                await asyncio.sleep(min(1.0, settings.LIVE_TAIL_SECONDS * 4))

    async def _tick(self) -> None:
        events = await self.read(_events_read, self.position, list(self._gaps))
        self._advance(events)
        if len(events) == BATCH_LIMIT:
            self._wake.set()
        visible = [event for event in events if event.aggregate == ORDER]
        if not visible or not self._subscriptions:
            return
        viewers = await self.read(viewers_read, {s.viewer.user_id for s in self._subscriptions})
        self.deliver(visible, viewers)

    def _advance(self, events: list[Event]) -> None:
        """Move the position past `events` and keep the gaps: new ones, filled ones, expired ones."""
        now = time.monotonic()
        ids = [event.id for event in events]
        for number in ids:
            self._gaps.pop(number, None)
        new = [number for number in ids if number > self.position]
        if new:
            top, seen = max(new), set(new)
            expiry = now + settings.LIVE_GAP_SECONDS
            for number in range(max(self.position + 1, top - GAPS_LIMIT), top):
                if number not in seen:
                    self._gaps[number] = expiry
            self.position = top
        for number, until in list(self._gaps.items()):
            if until < now:
                del self._gaps[number]
        while len(self._gaps) > GAPS_LIMIT:
            del self._gaps[min(self._gaps)]

    def deliver(self, events: list[Event], viewers: dict[int, Viewer]) -> None:
        """Each stream gets the events its user (as just read) may see; a user gone or
        deactivated ends the stream."""
        for subscription in list(self._subscriptions):
            viewer = viewers.get(subscription.viewer.user_id)
            if viewer is None or not viewer.is_active:
                subscription.put(END)
                continue
            subscription.viewer = viewer
            for event in events:
                if may_see(viewer, event):
                    subscription.put(event)


hub = Hub()


def event_committed(**kwargs: Any) -> None:
    """`events.signals.event_committed` receiver (connected in LiveConfig.ready)."""
    hub.wake()
