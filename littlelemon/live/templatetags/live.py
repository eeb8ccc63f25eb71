"""`{% load live %}`: how a page element stays current, in the deployment's LIVE_MODE.

- `{% live_connect %}` on the page's `<body>`: with LIVE_MODE=stream, htmx's SSE extension opens
  one stream for the page (`/live/stream/`); with poll, nothing is opened.
- `{% live_trigger "orders" %}` on an element with `hx-get`: re-fetch it when the stream says
  `orders` changed (stream), or every LIVE_POLL_SECONDS (poll, with If-None-Match, so a fragment
  that did not change is a 304); in both modes also on `live:refresh` (the stream reconnected
  or its events were purged: everything is fetched whole).
  `swap_whole=True` for an element the answer replaces: the tag writes its hx-swap too. htmx drops
  a request queued on an element that has left the page, and sets up the new element's triggers as
  the swap settles (20 ms later by default). With the stream, a message in either window would be
  lost: one that came while the element's request was out would queue a fetch behind an answer read
  before its change, and one that came before the new element listened would reach nobody. So a new
  trigger replaces the request in flight (hx-sync, stream only: polling needs no such care, and on
  a slow network a replaced poll might never finish), and the swap settles at once (settle:0ms).
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
        html = format_html('hx-trigger="sse:{}, live:refresh from:body"', topic)
        whole = ' hx-swap="outerHTML settle:0ms" hx-sync="this:replace"'
    else:
        html = format_html('hx-trigger="every {}s, live:refresh from:body"', settings.LIVE_POLL_SECONDS)
        whole = ' hx-swap="outerHTML settle:0ms"'
    return html + mark_safe(whole) if swap_whole else html
