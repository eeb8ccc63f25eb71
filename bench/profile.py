"""Profile one scenario in-process: its request sent N times with Django's test client under
pyinstrument, against a seeded benchmark database, with the server's settings.

    DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 TRUSTED_PROXIES=1 \\
    DATABASE_URL=sqlite:///var/bench-scale1.sqlite3 python -m bench.profile orders_manager -n 300

(bench.nocache_settings for `menu_list_nocache`; each request comes from an address of its own,
so the production throttles stay on without stopping it; a pool's first user sends them all:
past the user rate, 100 a minute by default, set THROTTLE_USER_RATE=off to profile further.)

(`make bench` leaves var/bench-scale*.sqlite3 behind.) Writes go to that database: profile
reads, or re-seed after. Prints the call tree; --html writes pyinstrument's page instead.

`--cpu` measures instead of profiling: for each scenario named (comma-separated; `health` is
GET /health, the middleware stack alone), the CPU time (time.process_time) and the queries a request takes,
sent N times in rounds through the scenario's pool of users (as wrk rotates them, so that no
user meets its rate), after a warm-up; the smallest of the rounds' per-request figures (on a
shared machine the other processes only ever add to it); and the Python function calls a
request makes (counted by cProfile: a figure a busy machine does not blur). The log
lines go to stderr as on a server: send it to /dev/null.

    python -m bench.profile orders_customer,orders_manager,cart --cpu -n 300 2>/dev/null
"""

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario")
    parser.add_argument("-n", type=int, default=200, help="Requests (default 200).")
    parser.add_argument("--html", type=Path)
    parser.add_argument("--cpu", action="store_true", help="Measure CPU ms and queries a request, no profiler.")
    parser.add_argument("--rounds", type=int, default=10, help="With --cpu: rounds of N/rounds requests.")
    args = parser.parse_args(argv)
    if args.cpu:
        return measure(args.scenario, args.n, args.rounds)

    import django

    django.setup()
    from pyinstrument import Profiler

    from bench.probe import Context
    from bench.scenarios import all_scenarios

    scenario = next(s for s in all_scenarios() if s.name == args.scenario)
    ctx = Context("127.0.0.1")
    request = scenario.prepare(ctx)
    variant = request.variants[0] if request.variants else None  # the first user of a pool
    first = ctx.send(request, variant)
    print(f"{request.method} {request.path}: {first.status_code}, {len(first.content)} bytes")
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.n):
            ctx.send(request, variant)
    elapsed = time.perf_counter() - started
    print(f"{args.n} requests in {elapsed:.2f} s: {1000 * elapsed / args.n:.2f} ms each (profiled)")
    if args.html:
        args.html.write_text(profiler.output_html())
    else:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


def measure(names: str, n: int, rounds: int) -> int:
    import django

    django.setup()
    from bench.probe import Context
    from bench.scenarios import Request, all_scenarios

    scenarios = {s.name: s for s in all_scenarios()}
    print(f"{'scenario':<22} {'status':>6} {'bytes':>7} {'queries':>7} {'cpu ms':>7} {'wall ms':>7} {'calls':>7}")
    for name in [name for name in names.split(",") if name]:
        ctx = Context("127.0.0.1")
        if name == "health":  # the fixed cost: the whole middleware stack, no view work
            request, expect = Request("/health"), 200
        else:
            request, expect = scenarios[name].prepare(ctx), scenarios[name].expect
        status, size, count, cpu, wall = _measure_one(ctx, request, n, rounds)
        assert status == expect, f"{name}: {status}, not {expect}"
        calls = _calls(ctx, request)
        print(f"{name:<22} {status:>6} {size:>7} {count:>7} {cpu:>7.2f} {wall:>7.2f} {calls:>7.0f}", flush=True)
    return 0


def _calls(ctx, request, n: int = 20) -> float:
    """Python function calls a request makes (cProfile's count): unlike time, the same on a busy
    machine as on a quiet one, so a change's effect shows whatever else runs."""
    import cProfile
    import pstats

    variants = list(request.variants) or [None]
    profiler = cProfile.Profile()
    with profiler:
        for sent in range(n):
            ctx.send(request, variants[sent % len(variants)])
    return pstats.Stats(profiler).total_calls / n


def _measure_one(ctx, request, n: int, rounds: int) -> tuple[int, int, int, float, float]:
    """(status, bytes, queries, CPU ms, wall ms) of `request` sent n times through its variants."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    variants = list(request.variants) or [None]
    for sent in range(min(20, n)):  # warm-up: connections, caches, imports
        ctx.send(request, variants[sent % len(variants)])
    with CaptureQueriesContext(connection) as queries:
        response = ctx.send(request, variants[0])
    count = len(queries)  # now: the next request empties the connection's log
    cpu, wall = [], []
    per_round = max(1, n // rounds)
    for _ in range(rounds):
        started_cpu, started = time.process_time(), time.perf_counter()
        for sent in range(per_round):
            ctx.send(request, variants[sent % len(variants)])
        cpu.append((time.process_time() - started_cpu) * 1000 / per_round)
        wall.append((time.perf_counter() - started) * 1000 / per_round)
    return response.status_code, len(response.content), count, min(cpu), min(wall)


if __name__ == "__main__":
    sys.exit(main())
