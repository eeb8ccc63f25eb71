"""The live benchmarks' own pieces that decide what they measure (bench/aio.py, bench/fanout.py,
bench/live_common.py, bench/rush.py): how a server-sent event stream is read, which streams a
change must reach, which fragments a page keeps current. No server: bytes in, answers out."""

import asyncio

from bench.aio import _events, _lines, percentiles
from bench.fanout import Listener, entitled
from bench.live_common import live_fragments
from bench.rush import Recorder, _results


def _read(body: bytes, chunked: bool) -> list:
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(body)
        reader.feed_eof()
        return [event async for event in _events(_lines(reader, chunked))]

    return asyncio.run(go())


STREAM = (
    b": keep-alive\n\n"
    b'event: orders\nid: 41\ndata: {"order": 7, "type": "order.placed", "status": "placed"}\n\n'
    b"retry: 1000\n\n"
    b'event: orders\r\nid: 42\r\ndata: {"order": 7,\r\ndata: "status": "ready"}\r\n\r\n'
)


def test_events_are_read_as_eventsource_reads_them_comments_skipped():
    events = _read(STREAM, chunked=False)
    assert [(e.name, e.id) for e in events] == [("orders", "41"), ("orders", "42")]
    assert events[0].data == '{"order": 7, "type": "order.placed", "status": "placed"}'
    assert events[1].data == '{"order": 7,\n"status": "ready"}'  # data lines joined by newlines


def test_a_chunked_stream_split_mid_line_gives_the_same_events():
    pieces = [STREAM[:30], STREAM[30:95], STREAM[95:]]
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    assert [(e.name, e.id, e.data) for e in _read(body, chunked=True)] == [
        (e.name, e.id, e.data) for e in _read(STREAM, chunked=False)
    ]


def test_percentiles_are_nearest_rank():
    assert percentiles(list(range(1, 101))) == {"p50_ms": 50, "p95_ms": 95, "p99_ms": 99}
    assert percentiles([]) == {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}


def test_who_a_change_must_reach_follows_the_live_contract():
    order = {"id": 5, "customer": 100}
    people = {
        "own customer": Listener("customers", {"id": 100}),
        "other customer": Listener("customers", {"id": 101}),
        "kitchen": Listener("kitchen", {"id": 200}),
        "manager": Listener("managers", {"id": 300}),
        "its driver": Listener("drivers", {"id": 400}),
        "other driver": Listener("drivers", {"id": 401}),
    }

    def reached(step, driver, pool):
        return {name for name, who in people.items() if entitled(who, order, step, driver, pool)}

    staff = {"own customer", "kitchen", "manager"}
    assert reached("preparing", None, False) == staff
    assert reached("ready", None, True) == staff | {"its driver", "other driver"}  # into the drivers' pool
    assert reached("out_for_delivery", 400, False) == staff | {"its driver"}


def test_a_page_keeps_current_the_fragments_its_live_triggers_name():
    page = (
        '<body data-live="poll"><div id="cards" hx-get="/staff/kitchen/cards/?station=2&amp;x=1" '
        'hx-trigger="every 3s, live:refresh from:body"></div>'
        '<a hx-get="/staff/other/" hx-trigger="click">no</a>'
        '<section hx-trigger="sse:orders, live:refresh from:body" hx-get="/orders/9/status/"></section></body>'
    )
    assert [path for path, _ in live_fragments(page)] == ["/staff/kitchen/cards/?station=2&x=1", "/orders/9/status/"]


def test_a_rush_step_is_ok_only_under_300_ms_at_p99_with_no_error():
    recorder = Recorder([0.0, 10.0, 20.0, 30.0])  # warm-up, two steps, the drain
    for n in range(100):
        recorder("menu_api", 200, 10.0 + n * 0.05, 10.0 + n * 0.05 + 0.05, True)  # 50 ms
        recorder("menu_api", 200, 20.0 + n * 0.05, 20.0 + n * 0.05 + (0.5 if n == 99 else 0.05), True)
    recorder("place", 429, 21.0, 21.01, False)
    meters = [{"server_cpu_pct": 1.0}] * 2
    result = _results(recorder, (5, 10), 10, meters)
    assert [step["ok"] for step in result["steps"]] == [True, False]
    assert result["steps"][1]["kinds"]["place"]["errors"] == {"429": 1}
    assert result["best_rate"] == 5
