"""`{% load live %}`: how a page element stays current, in the deployment's LIVE_MODE.

- `{% live_connect %}` on the page's `<body>`: with LIVE_MODE=stream, htmx's SSE extension opens
  one stream for the page (`/live/stream/`); with poll, nothing is opened.
- `{% live_trigger "orders" %}` on an element with `hx-get`: re-fetch it when the stream says
  `orders` changed (stream), or every LIVE_POLL_SECONDS (poll, with If-None-Match, so a fragment
  that did not change is a 304); in both modes also on `live:refresh` (the stream reconnected
  or its events were purged: everything is fetched whole).
  `swap_whole=True` for an element the answer replaces (hx-swap="outerHTML"): htmx drops a request
  queued on an element that has left the page, so with the stream a message that comes while the
  element's request is out would be lost when that request's answer (read before the message's
  change) replaced it. There a new trigger replaces the request in flight instead (hx-sync). Not
  when polling (the next poll comes anyway; on a slow network a replaced poll might never finish).
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def live_streaming() -> bool:
    return settings.LIVE_MODE == "stream"


@register.simple_tag
def live_connect() -> str:
    if live_streaming():
        return format_html('data-live="stream" hx-ext="sse" sse-connect="{}"', reverse("live:stream"))
    return format_html('data-live="poll" data-live-poll-seconds="{}"', settings.LIVE_POLL_SECONDS)


@register.simple_tag
def live_trigger(topic: str, swap_whole: bool = False) -> str:
    if live_streaming():
        if swap_whole:
            return format_html('hx-trigger="sse:{}, live:refresh from:body" hx-sync="this:replace"', topic)
        return format_html('hx-trigger="sse:{}, live:refresh from:body"', topic)
    return format_html('hx-trigger="every {}s, live:refresh from:body"', settings.LIVE_POLL_SECONDS)
