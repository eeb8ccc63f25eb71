"""The recommendations' nightly job on the benchmark dataset: `python -m bench.recommendations`.

Builds the dataset (`manage.py seed_bench --scale 10`: 200,000 orders over a year) in a database
of its own (a temporary SQLite file, or `--database-url`), then times, in this one run:

- the baseline: reading the order history the job reads (`services.baskets_from_orders`, one
  streamed query), which no recomputation can avoid;
- the job: `services.recommendations_recompute()` (read, score, replace the tables).

Prints both, the job's time as a multiple of the read, and the goal (under 60 s). Each is run
`--rounds` times; the median is reported.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="seed_bench's scale (10: 200,000 orders).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="", help="Default: a temporary SQLite file.")
    args = parser.parse_args(argv)
    scratch = tempfile.TemporaryDirectory(prefix="bench-recommendations-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{scratch.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from littlelemon.orders.models import Order
    from littlelemon.recommendations.services import baskets_from_orders, recommendations_recompute

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_bench", scale=args.scale, force=bool(args.database_url), verbosity=0)
    built = time.perf_counter() - started
    print(f"dataset: scale {args.scale}, {Order.objects.count():,} orders ({built:.0f} s to build)")

    reads, jobs = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        orders = sum(1 for _ in baskets_from_orders())
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        state = recommendations_recompute()
        jobs.append(time.perf_counter() - started)
    read, job = statistics.median(reads), statistics.median(jobs)
    print(f"{'':<34}{'median s':>10}")
    print(f"{'read the history (baseline)':<34}{read:>10.2f}")
    print(f"{'recompute (read, score, write)':<34}{job:>10.2f}")
    print(f"recompute / read: {job / read:.2f}×; {orders:,} orders, {state.orders_seen:,} scored")
    verdict = "met" if job < GOAL_SECONDS else "MISSED"
    print(f"goal: recompute over {orders:,} orders under {GOAL_SECONDS:.0f} s: {job:.1f} s {verdict}")
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
