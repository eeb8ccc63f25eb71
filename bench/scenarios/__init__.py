"""What the benchmark measures. One module per app; each lists its `SCENARIOS`.

A scenario names the baseline it is compared with, the server it is sent to (`via`) and a
`prepare(ctx)` function. `prepare` runs inside Django against the seeded dataset (in
bench/probe.py, with that server's settings) and returns the `Request` wrk sends: look up what
the request needs (an id, a user) by the deterministic names the dataset parts give
(`bench-customer-00001`, category `mains`), and mint a real JWT with `ctx.bearer(user)`.

The servers (`via`), each with production settings and throttling on at its default rates:
- `app`: gunicorn, sent to directly (no proxy): the render paths;
- `nginx`: the same gunicorn behind the repo's nginx configuration (deploy/nginx/);
- `nocache`: gunicorn with no cache of any kind (bench/nocache_settings.py: Django's caches
  are dummies), sent to directly;
- `nothrottle`: gunicorn with every throttle rate off: what the throttle store costs.
The baselines: `bare_const` and `bare_sql` (bench/bare/, sent to directly) and
`bare_const_nginx` (the same `bare_const` behind an identical nginx, which does not cache it).

Throttling stays on, so load is spread the way real clients spread it: every request of a
read carries its own client address (wrk's script sets `X-Forwarded-For`, which the app
trusts from one proxy, or, through nginx, `X-Client-Address`, which the bench's nginx takes as
the client's address), and a signed-in read rotates through a pool of users
(`Request.variants`: the headers, or the path, that differ from one user to the next), so that
no client goes over its rate. The probe checks some variants answer the expected status (every
20th and the last), and the driver that every answer under load is the size of a probed one.

Adding a scenario: append a `Scenario` to the app's module (or add a module and name it in
MODULES). The probe sends the prepared request with Django's test client, twice for a read
(cold, then warm: the warm count is `queries`), once for a write (`read=False`), and checks the
status is `expect`; so a write's `prepare` must leave the data ready for that one request (say,
fill the probe customer's cart). Under load, a write gives `Request.lua`: wrk Lua
(`init()`, `request()`, `response()`, with `wrk.format(...)`) that builds each request, e.g.
cycling through several customers' tokens; the driver prepends the method, headers and body
and appends the result reporting (a `done()` hook; see bench/wrk.py for the globals a script
gets and the counters it can report). A write scenario may name the counter its rate is
counted in (`rate_counter`) and a `check` to run on the database after the load (no duplicate
orders, say). Reads are also measured on the large dataset and checked on the live server
(status, byte count) first.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MODULES = ("menu", "orders", "bookings")
BASELINES = ("bare_const", "bare_sql", "bare_const_nginx")
SERVERS = ("app", "nginx", "nocache", "nothrottle")
# A signed-in read's pool of users: more than enough that none reaches THROTTLE_USER_RATE
# (100/min by default) during a full run.
USER_POOL = 200


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    lua: str | None = None
    # Reads: what differs from one request to the next, rotated by wrk (a user's
    # Authorization and If-None-Match, say); a variant's ":path" replaces the path.
    variants: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    vs: str  # the baseline the ratio is taken against (BASELINES)
    prepare: Callable[[Any], Request]
    target: float | None  # the target for rps / rps(vs); printed, never enforced here
    via: str = "app"  # the server it is sent to (SERVERS)
    read: bool = True  # reads are also measured on the large dataset (the `scale` block)
    expect: int = 200  # the status one request must get before the load starts
    # Under load every answer must be the size of a probed one; not when a write scenario
    # in the same run changes what it shows (the newest orders, say).
    exact_size: bool = True
    # The Lua counter (see bench/wrk.py) whose rate is the scenario's rps, instead of wrk's
    # request rate: e.g. placements, each of which takes several requests.
    rate_counter: str | None = None
    # Run after the load, inside Django on the small dataset, with the summed Lua counters
    # (and quick=True in a quick run): returns a dict recorded in results.json; its "ok"
    # false fails the run.
    check: Callable[..., dict] | None = None
    note: str = ""  # printed beside the target

    def __post_init__(self) -> None:
        assert self.vs in BASELINES, f"{self.name}: vs must be one of {BASELINES}"
        assert self.via in SERVERS, f"{self.name}: via must be one of {SERVERS}"


def all_scenarios() -> list[Scenario]:
    scenarios = [s for module in MODULES for s in importlib.import_module(f"{__name__}.{module}").SCENARIOS]
    names = [scenario.name for scenario in scenarios]
    assert len(names) == len(set(names)), f"duplicate scenario names: {names}"
    return scenarios
