"""`rush`: a Friday night's mix of requests, driven open-loop at rising placement rates.

Open-loop: customers arrive at the step's rate whatever the server's speed (wrk waits for each
answer before it sends the next, so a slow server would slow its own load down; here a slow
server meets the same arrivals and its queue grows, as a real one's does). Each request's
latency runs from when it was meant to be sent, so time spent waiting in the driver counts too.

Per placement (one new customer each, signed in: a JWT for the API, a session for the pages):
- 20 anonymous menu and dish reads by 4 visitors, each of its own address, 5 reads each, one
  every 0.25 s: two browse the web menu (a category, dishes' pages; they keep the CSRF cookie
  the first page sets, as a browser does), two read the JSON API as the app does;
- 4 cart changes by the customer (`POST /api/v1/cart/items/`, one a second: three dishes, then
  one of them again), then the placement (`POST /api/v1/orders/`, pickup, an Idempotency-Key);
- the customer's order page following the order for 30 s: `poll`, its status fragment
  (`/orders/<id>/status/`) every LIVE_POLL_SECONDS (3 s: 10 reads) with If-None-Match;
  `stream`, the fragment once and one open stream (`/live/stream/`), the fragment re-fetched on
  each event about the order;
- every 10th customer also books a table (`POST /api/v1/bookings/`, a party of two, a start of
  its own so no booking meets another's);
and, for the whole rush, two kitchen displays and a manager's board open: their live
fragments (found in the pages as htmx finds them) polled every 3 s with If-None-Match
(`poll`), or re-fetched on each of their stream's events, one request at a time (`stream`).

Production settings, throttling on at its default rates; every client has its own address
(X-Forwarded-For, trusted from one proxy: TRUSTED_PROXIES=1), so the per-address limits count
each visitor alone, and every customer is a different user (as a rush has many customers),
so neither the user rate nor the order rate (THROTTLE_ORDER_RATE, per user) is reached.

A step's figures are those of the requests meant to be sent during it (the last steps' order
pages go on into the next step, as they would). A step is `ok` when every kind of request has
p99 < 300 ms and there is no error; the result is the highest rate up to which every step was ok.
The driver stops rising after a step whose p99 passed 2 s or whose errors passed 5%.
"""

import asyncio
import bisect
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bench.aio import HttpError, Pool
from bench.live_common import SCREENS, CpuMeter, Fetcher, follow_stream, screen_fragments

RATES = (1, 2, 5, 10, 20, 30, 40, 60)
STEP_SECONDS = 30
QUICK_RATES = (2, 10)
QUICK_STEP_SECONDS = 6
WARMUP_SECONDS = 10  # at the first rate, not reported: every worker's first requests, the caches
QUICK_WARMUP_SECONDS = 3
P99_GOAL_MS = 300
GOAL_RATE = 30
POLL_SECONDS = 3  # LIVE_POLL_SECONDS' default: the order page's and the screens' poll
FOLLOW_SECONDS = 30  # how long a customer keeps the order page open (10 polls)
CART_GAP = 1.0
READS_PER_PLACEMENT, READS_PER_VISITOR, READ_GAP = 20, 5, 0.25
BOOKING_EVERY = 10
DRAIN_SECONDS = 4 * CART_GAP + 1
KINDS = ("menu_api", "menu_page", "cart_add", "place", "booking", "status_read", "stream_open", "screen_fragment")


def _address(space: int, number: int) -> str:
    return f"10.{space + (number >> 16)}.{(number >> 8) & 255}.{number & 255}"


def _visits(dishes: list[tuple[int, str]]) -> list[list[str]]:
    """The four visitors of a placement, five reads each: two browse the web menu (a category,
    dishes' pages: HTML, which sets the CSRF cookie their forms need, so their later reads carry
    it and, as deploy/nginx decides, bypass its cache), two read the JSON API as the app does (no
    cookie: the API's public answers may be cached, by Django and by nginx, for their max-age)."""
    categories = ("mains", "starters", "desserts", "drinks", "salads", "grill", "seafood", "mezze")
    visits = []
    for visitor in range(READS_PER_PLACEMENT // READS_PER_VISITOR):
        dish = [dishes[(visitor * 5 + n) * 7 % len(dishes)] for n in range(3)]
        category = categories[visitor % len(categories)]
        if visitor % 2 == 0:
            visits.append(
                [
                    f"/menu/?category={category}",
                    f"/menu/{dish[0][1]}/",
                    f"/menu/{dish[1][1]}/",
                    f"/menu/?category={categories[(visitor + 3) % len(categories)]}",
                    f"/menu/{dish[2][1]}/",
                ]
            )
        else:
            visits.append(
                [
                    "/api/v1/menu-items/?page_size=20",
                    f"/api/v1/menu-items/?category={category}",
                    f"/api/v1/menu-items/{dish[0][0]}/",
                    f"/api/v1/menu-items/{dish[1][0]}/",
                    f"/api/v1/menu-items/{dish[2][0]}/",
                ]
            )
    return visits


@dataclass
class Recorder:
    bounds: list[float]  # when each step starts (step 0: the warm-up)
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(Counter))
    lag: dict = field(default_factory=lambda: defaultdict(list))
    placed: Counter = field(default_factory=Counter)

    def step_of(self, at: float) -> int:
        return max(0, bisect.bisect_right(self.bounds, at) - 1)

    def __call__(self, kind: str, status: int, started: float, ended: float, ok: bool) -> None:
        step = self.step_of(started)
        self.latencies[(step, kind)].append((ended - started) * 1000)
        if not ok:
            self.errors[(step, kind)][str(status)] += 1


class Rush:
    def __init__(self, variant: str, base_url: str, address_header: str, data: dict, recorder: Recorder, end: float):
        self.variant, self.data, self.record, self.end = variant, data, recorder, end
        self.app = Pool(base_url, limit=2000, timeout=15)
        self.live_url = base_url
        self.address_header = address_header
        self.visits = _visits(data["dish_pages"])
        self.tasks: set[asyncio.Task] = set()
        self.bookings = 0

    def spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def until(self, at: float) -> bool:
        """Sleep until `at`; False when that is past the rush's end (nothing more is sent)."""
        if at >= self.end:
            return False
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return True

    async def send(self, kind, method, path, headers, body=None, expect=(200,), intended=None):
        intended = intended or time.monotonic()
        self.record.lag[self.record.step_of(intended)].append((time.monotonic() - intended) * 1000)
        try:
            answer = await self.app.request(method, path, headers, body)
        except HttpError:
            self.record(kind, 0, intended, time.monotonic(), False)
            return None
        except asyncio.CancelledError:
            self.record(kind, -1, intended, time.monotonic(), False)  # still unanswered when the rush ended
            raise
        self.record(kind, answer.status, intended, time.monotonic(), answer.status in expect)
        return answer

    async def visit(self, visitor: int, reads: list[str], at: float) -> None:
        """One visitor's reads, one every READ_GAP s (or when the last is answered, if later),
        keeping the cookies it is given, as a browser does."""
        headers = {self.address_header: _address(128, visitor)}
        for number, path in enumerate(reads):
            at = max(at, time.monotonic()) if number else at
            if not await self.until(at):
                return
            kind = "menu_api" if path.startswith("/api/") else "menu_page"
            answer = await self.send(kind, "GET", path, headers, intended=at)
            cookie = answer.headers.get("set-cookie", "") if answer else ""
            if cookie:
                headers["Cookie"] = cookie.split(";", 1)[0]
            at += READ_GAP

    async def placement(self, number: int, at: float) -> None:
        customer = self.data["customers"][number]
        dishes = self.data["dishes"]
        api = {
            "Authorization": customer["token"],
            self.address_header: _address(1, number),
            "Content-Type": "application/json",
        }
        chosen = [dishes[(number * 3 + i * 11) % len(dishes)] for i in range(3)]
        t = at
        for dish in [*chosen, chosen[0]]:
            if not await self.until(t):
                return
            body = json.dumps({"menuitem": dish, "quantity": 1}).encode()
            answer = await self.send("cart_add", "POST", "/api/v1/cart/items/", api, body, (200, 201), t)
            if answer is None or answer.status not in (200, 201):
                return
            t = max(t + CART_GAP, time.monotonic())
        if not await self.until(t):
            return
        headers = api | {"Idempotency-Key": f"rush-{self.data['tag']}-{number}"}
        body = json.dumps({"fulfilment": "pickup"}).encode()
        answer = await self.send("place", "POST", "/api/v1/orders/", headers, body, (201,), t)
        if answer is None or answer.status != 201:
            return
        self.record.placed[self.record.step_of(at)] += 1
        order = answer.json()["id"]
        if number % BOOKING_EVERY == 0:
            self.spawn(self.booking(number, api, time.monotonic() + 0.5))
        page = {"Cookie": customer["cookie"], self.address_header: _address(1, number)}
        status = Fetcher(self.app, f"/orders/{order}/status/", page, "status_read", self.record)
        follow_from = time.monotonic()
        if self.variant == "poll":
            for poll in range(FOLLOW_SECONDS // POLL_SECONDS):
                at = follow_from + poll * POLL_SECONDS
                if not await self.until(at):
                    return
                await status.fetch(at)
        else:
            await status.fetch(follow_from)

            def on_event(event) -> None:
                if event.name == "orders" and json.loads(event.data or "{}").get("order") == order:
                    self.spawn(status.fetch())

            await follow_stream(self.live_url, page, on_event, min(self.end, follow_from + FOLLOW_SECONDS), self.record)

    async def booking(self, number: int, api: dict, at: float) -> None:
        if not await self.until(at):
            return
        starts = self.data["booking_starts"]
        start = starts[self.bookings % len(starts)]
        self.bookings += 1
        body = json.dumps({"start": start, "party_size": 2}).encode()
        await self.send("booking", "POST", "/api/v1/bookings/", api, body, (201,), at)

    async def screen(self, person: dict, path: str, number: int) -> None:
        headers = {"Cookie": person["cookie"], self.address_header: _address(200, number)}
        started = time.monotonic()
        try:
            fragments = await screen_fragments(self.app, path, headers)
        except HttpError:  # the screen's page itself unanswered (a saturated server): an error, no screen
            self.record("screen_fragment", 0, started, time.monotonic(), False)
            return
        fetchers = [Fetcher(self.app, fragment, headers, "screen_fragment", self.record) for fragment in fragments]
        if self.variant == "poll":
            at = time.monotonic()
            while await self.until(at):
                for fetcher in fetchers:
                    self.spawn(fetcher.fetch(at))
                at += POLL_SECONDS
        else:
            for fetcher in fetchers:
                self.spawn(fetcher.fetch())

            def on_event(event) -> None:
                if event.name == "orders":
                    for fetcher in fetchers:
                        self.spawn(fetcher.fetch())

            await follow_stream(self.live_url, headers, on_event, self.end, self.record)


async def drive(
    variant: str, base_url: str, address_header: str, data: dict, rates, seconds, warmup: float, server_pid: int
):
    """The warm-up (the first rate, not reported: every worker's first requests, the caches),
    then each rate for `seconds`."""
    steps = [(rates[0], warmup), *((rate, seconds) for rate in rates)]
    start = time.monotonic() + 1.0
    bounds = [start + warmup + index * seconds for index in range(-1, len(rates))]
    bounds[0] = start
    end = bounds[-1] + seconds
    # After the last step, the customers who arrived in it finish placing their orders (their
    # requests count in the `drain`, not in any step) and then nothing more is sent.
    recorder = Recorder([*bounds, end])
    rush = Rush(variant, base_url, address_header, data, recorder, end + DRAIN_SECONDS)
    screens = [(p, SCREENS["kitchen"]) for p in data["kitchen"]] + [(p, SCREENS["board"]) for p in data["managers"]]
    for number, (person, path) in enumerate(screens):
        rush.spawn(rush.screen(person, path, number))
    meters, steps_run = [], 0
    number = 0
    for index, (rate, length) in enumerate(steps):
        step_start = bounds[index]
        meter = CpuMeter(server_pid)
        await rush.until(step_start)
        meter.start()
        for k in range(int(rate * length)):
            at = step_start + k / rate
            if not await rush.until(at):
                break
            if number >= len(data["customers"]):
                raise RuntimeError("rush: more placements than customers were made for it")
            rush.spawn(rush.placement(number, at))
            for visitor, reads in enumerate(rush.visits):
                rush.spawn(rush.visit(number * len(rush.visits) + visitor, reads, at + visitor * READ_GAP / 4))
            number += 1
        await rush.until(step_start + length - 0.001)
        meters.append(meter.stop())
        steps_run += 1
        if index and _saturated(recorder, index):
            recorder.bounds = [*bounds[: index + 1], time.monotonic()]
            break
    rush.end = min(rush.end, time.monotonic() + DRAIN_SECONDS)
    await rush.until(rush.end - 0.001)
    # What was sent before the end gets a few seconds to be answered; then it counts as unanswered.
    pending = [t for t in rush.tasks if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=5)
    for task in list(rush.tasks):
        task.cancel()
    await asyncio.gather(*rush.tasks, return_exceptions=True)
    await rush.app.close()
    return _results(recorder, rates[: steps_run - 1], seconds, meters[1:])


def _saturated(recorder: Recorder, step: int) -> bool:
    total = sum(len(v) for (s, _), v in recorder.latencies.items() if s == step)
    errors = sum(sum(c.values()) for (s, _), c in recorder.errors.items() if s == step)
    p99 = max((_pct(v, 99) for (s, _), v in recorder.latencies.items() if s == step and v), default=0)
    return p99 > 2000 or (total and errors / total > 0.05)


def _pct(values: list[float], point: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-point * len(ordered) // 100) - 1)]


def _results(recorder: Recorder, rates, seconds, meters) -> dict:
    steps = []
    for number, rate in enumerate(rates):
        index = number + 1  # step 0 is the warm-up
        kinds = {}
        for kind in KINDS:
            values = recorder.latencies.get((index, kind), [])
            if not values:
                continue
            kinds[kind] = {
                "count": len(values),
                "p50_ms": round(_pct(values, 50), 1),
                "p95_ms": round(_pct(values, 95), 1),
                "p99_ms": round(_pct(values, 99), 1),
                "errors": dict(recorder.errors.get((index, kind), {})),
            }
        errors = sum(sum(k["errors"].values()) for k in kinds.values())
        worst = max((k["p99_ms"] for k in kinds.values()), default=0.0)
        lag = recorder.lag.get(index, [])
        steps.append(
            {
                "rate": rate,
                "placed_per_s": round(recorder.placed[index] / seconds, 1),
                "requests_per_s": round(sum(k["count"] for k in kinds.values()) / seconds, 1),
                "p99_ms": worst,
                "errors": errors,
                "ok": errors == 0 and worst < P99_GOAL_MS,
                "kinds": kinds,
                "driver_lag_p99_ms": round(_pct(lag, 99), 1) if lag else 0.0,
                **meters[number],
            }
        )
    best = 0
    for step in steps:
        if not step["ok"]:
            break
        best = step["rate"]
    return {"steps": steps, "best_rate": best, "step_seconds": seconds, "variant_note": ""}


def run(
    variant: str, base_url: str, address_header: str, data: dict, rates, seconds, warmup: float, server_pid: int
) -> dict:
    return asyncio.run(drive(variant, base_url, address_header, data, rates, seconds, warmup, server_pid))


def customers_needed(rates, seconds, warmup) -> int:
    return int(rates[0] * warmup) + sum(int(rate * seconds) for rate in rates) + 10


def table(results: dict) -> str:
    rows = []
    if results.get("_stream_skipped"):
        rows.append(f"rush (stream): skipped: {results['_stream_skipped']}")
    for variant, result in results.items():
        if variant.startswith("_"):
            continue
        verdict = "met" if result["best_rate"] >= GOAL_RATE else "MISSED"
        rows.append(
            f"rush ({variant}): highest placement rate with p99 < {P99_GOAL_MS} ms and 0 errors: "
            f"{result['best_rate']}/s (goal >= {GOAL_RATE}: {verdict}); "
            f"{result.get('server', '')}"
        )
        rows.append(
            f"  {'rate':>4} {'placed/s':>8} {'req/s':>7} {'p99 ms':>7} {'errors':>6} {'server CPU':>10} "
            f"{'driver CPU':>10} {'lag p99':>7}  per kind: p50/p99 ms (count)"
        )
        for step in result["steps"]:
            per_kind = "; ".join(
                f"{kind} {k['p50_ms']:.0f}/{k['p99_ms']:.0f} ({k['count']})"
                + (f" errors {k['errors']}" if k["errors"] else "")
                for kind, k in step["kinds"].items()
            )
            rows.append(
                f"  {step['rate']:>4} {step['placed_per_s']:>8.1f} {step['requests_per_s']:>7.1f} "
                f"{step['p99_ms']:>7.0f} {step['errors']:>6} {step['server_cpu_pct']:>9.0f}% "
                f"{step['driver_cpu_pct']:>9.0f}% {step['driver_lag_p99_ms']:>7.0f}  {per_kind}"
            )
    return "\n".join(rows)
