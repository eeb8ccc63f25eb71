"""`/live/stream/`: the signed-in user's server-sent events (an async view; needs an ASGI server).

What a stream sends (text/event-stream):

    retry: 2000                         first: how long the browser waits before reconnecting

    id: 42                              an order event the user may see (audience.may_see):
    event: orders                       the outbox event's id, and the order, the event's type
    data: {"order": 7, "type": "order.status_changed", "status": "accepted"}   and its status now

    : keep-alive                        every LIVE_KEEPALIVE_SECONDS without an event

    id: 42                              the page must re-fetch what it shows: the events since its
    event: refresh                      Last-Event-ID are gone (purged), too many, or the stream
    data: {}                            fell behind

The stream ends after LIVE_STREAM_MAX_SECONDS (or when the user is deactivated); the browser
reconnects by itself with `Last-Event-ID` (or `?last_event_id=`), and the stream first replays
the events the user may see after that id, then goes on live: it subscribes to the hub before
reading the replay, so nothing falls between the two (an event in both is sent once).

Anonymous: 403, no stream. Under a WSGI server (runserver, gunicorn's gthread) Django would buffer
the stream until it ends, so there the answer is a short one: `refresh`, and a `retry:` of
LIVE_POLL_SECONDS, which makes the page poll (and the deployment should say LIVE_MODE=poll).
"""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from littlelemon.events.models import OutboxEvent

from .audience import ORDER, Event, Viewer, may_see
from .hub import END, REFRESH, Subscription, events_of, hub, viewers_read

#: Milliseconds the browser waits before reconnecting a stream that ended or broke.
RETRY_MS = 2000
#: The most events a reconnecting stream replays; more and the page re-fetches whole instead.
REPLAY_LIMIT = 500
#: How far below Last-Event-ID the replay looks for events that committed late (see hub).
REPLAY_LOOKBACK_IDS = 1000

CONTENT_TYPE = "text/event-stream"


def message(event: Event) -> str:
    data = {"order": event.payload.get("order_id"), "type": event.type, "status": event.status}
    return f"id: {event.id}\nevent: orders\ndata: {json.dumps(data)}\n\n"


def refresh_message(last_id: int | None) -> str:
    head = f"id: {last_id}\n" if last_id else ""
    return f"{head}event: refresh\ndata: {{}}\n\n"


def last_event_id(request: HttpRequest) -> int | None:
    value = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def replay_read(after: int) -> list[Event] | None:
    """The order events after `after` (and those just below it that committed within the last
    LIVE_GAP_SECONDS: they may have committed after the client read `after`), at most
    REPLAY_LIMIT; None when the client must re-fetch instead: `after` is no longer in the outbox
    (purged), or there are too many."""
    if not OutboxEvent.objects.filter(pk=after).exists():
        return None
    recent = timezone.now() - timedelta(seconds=settings.LIVE_GAP_SECONDS)
    events = events_of(
        OutboxEvent.objects.filter(aggregate=ORDER, id__gt=after - REPLAY_LOOKBACK_IDS)
        .filter(Q(id__gt=after) | Q(created__gte=recent))
        .order_by("id")[: REPLAY_LIMIT + 1]
    )
    return None if len(events) > REPLAY_LIMIT else events


async def _events(subscription: Subscription, after: int | None, position: int) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + settings.LIVE_STREAM_MAX_SECONDS
    # The request's own thread opened a database connection (the session, the user, the
    # middleware); the stream reads nothing more there (the hub reads for it), so give it back
    # now rather than hold one connection per open stream for minutes (PostgreSQL has a few
    # hundred at most). Runs in that thread: the response is sent in the request's context.
    await sync_to_async(connections.close_all)()
    try:
        yield f"retry: {RETRY_MS}\n\n"
        sent: set[int] = set()
        if after is not None:
            replay = await hub.read(replay_read, after)
            if replay is None:
                yield refresh_message(position)
            else:
                for event in replay:
                    if event.id != after and may_see(subscription.viewer, event):
                        sent.add(event.id)
                        yield message(event)
        while (left := ends_at - loop.time()) > 0:
            try:
                item = await asyncio.wait_for(subscription.get(), min(settings.LIVE_KEEPALIVE_SECONDS, left))
            except TimeoutError:
                if ends_at - loop.time() > 0:
                    yield ": keep-alive\n\n"
                continue
            if item == END:
                break
            if item == REFRESH:
                yield refresh_message(hub.position)
            elif item.id not in sent:
                yield message(item)
    finally:
        hub.unsubscribe(subscription)


class _Stream:
    """The response's content: the messages, and `close()` (Django calls it from a thread when the
    response is done) frees the subscription even if the messages were never read."""

    def __init__(self, subscription: Subscription, after: int | None, position: int):
        self.subscription = subscription
        self.messages = _events(subscription, after, position)

    def __aiter__(self) -> AsyncIterator[str]:
        return self.messages

    def close(self) -> None:
        hub.unsubscribe_threadsafe(self.subscription)


def _stream_headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each message on at once
    return response


@require_GET
async def stream(request: HttpRequest) -> HttpResponseBase:
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Sign in to follow orders live.\n", status=403, content_type="text/plain; charset=utf-8")
    if "wsgi.version" in request.META:  # buffered until the end: poll instead (see the module)
        body = f"retry: {settings.LIVE_POLL_SECONDS * 1000}\n\n{refresh_message(None)}"
        return _stream_headers(HttpResponse(body, content_type=CONTENT_TYPE))
    # Give the request's connection back before waiting on the hub, whose reads need one too (with
    # a pool of connections, streams holding theirs while they wait would starve it).
    await sync_to_async(connections.close_all)()
    viewer = (await hub.read(viewers_read, [user.pk])).get(user.pk) or Viewer(user.pk, is_active=False)
    subscription = await hub.subscribe(viewer)
    response = StreamingHttpResponse(
        _Stream(subscription, last_event_id(request), hub.position), content_type=CONTENT_TYPE
    )
    return _stream_headers(response)
