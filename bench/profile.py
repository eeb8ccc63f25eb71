"""Profile one scenario in-process: its request sent N times with Django's test client under
pyinstrument, against a seeded benchmark database, with the server's settings.

    DJANGO_SETTINGS_MODULE=config.settings.prod SECRET_KEY=... ALLOWED_HOSTS=127.0.0.1 TRUSTED_PROXIES=1 \\
    DATABASE_URL=sqlite:///var/bench-scale1.sqlite3 python -m bench.profile orders_manager -n 300

(bench.nocache_settings for `menu_list_nocache`; each request comes from an address of its own,
so the production throttles stay on without stopping it; a pool's first user sends them all:
past the user rate, 100 a minute by default, set THROTTLE_USER_RATE=off to profile further.)

(`make bench` leaves var/bench-scale*.sqlite3 behind.) Writes go to that database: profile
reads, or re-seed after. Prints the call tree; --html writes pyinstrument's page instead.
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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    sys.exit(main())
