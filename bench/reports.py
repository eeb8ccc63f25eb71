"""The `reports` benchmark in `python -m bench` (`--only reports`): each report of
/staff/reports/ over a year of the large scale's dataset (scale 10 by default: 200,000 orders),
timed in-process with production settings, against a baseline measured in the same run.

The driver (`run_reports`) migrates and seeds the large scale's database as the wrk targets do
(`seed_bench`; `--no-seed` reuses it), then runs this module inside Django
(`python -m bench.reports --out FILE`), which:

1. gives the finished orders their timelines when the database has none (the orders part of
   the dataset makes no OrderEvent rows; the reports' preparation and delivery times read
   them): accepted, preparing, ready (10 to 30 minutes later), out for delivery and delivered,
   or collected, ending at the order's `finished_at`, derived from the order's id (the same
   rows every run);
   Likewise the finished paid orders get their ledger rows (`_ledger`: a payment captured when
   the order finished), where the reports' money comes from.
2. signs in `bench-manager` with Django's test client and GETs each report's page and its CSV
   for the dataset's last year (`Dataset.epoch` - 365 days to the epoch) (their queries are
   pinned by the tests):
   - cold: with no day stored (the daily roll-up, littlelemon/reports/rollup.py, emptied
     first), the first render of each page: the live queries over the year, and storing what
     one INSERT holds;
   - the roll-up's build: `report_days_build` over the year, as `manage.py reports_rollup` or
     the periodic job over time leave it;
   - warm: every day stored, `runs` times each page and CSV after a warm-up, the median;
3. times the baseline the same way: `Order.objects.filter(created in the year).count()`, the
   cheapest question about the same rows, and prints each report's ratio to it.

The goal (issue 17): each report renders in under 500 ms. Missing it never fails the run: the
figures are printed and written to results.json (`reports`).
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("reports",)
GOAL_MS = 500
SLUGS = ("sales", "dishes", "hours", "times", "bookings")


def run_reports(options) -> tuple[dict, list[str]]:
    """Prepares the large scale's database and measures there; returns (results, problems)."""
    from bench.run import PYTHON, create_postgresql_database, database_url, manage, server_env

    scale = options.scales[1]
    options.out.mkdir(parents=True, exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    env = server_env(database_url(options, scale), secrets.token_urlsafe(50))
    print(f"\n== reports: scale {scale}, {env['DATABASE_URL'].split('@')[-1]}", flush=True)
    if env["DATABASE_URL"].startswith("postgres"):
        create_postgresql_database(options.database_url, env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    if options.seed:
        manage(env, "seed_bench", "--scale", str(scale))
    manage(env, "collectstatic", "--noinput", "-v", "0")  # the pages link the hashed static files
    out = options.out / "reports.json"
    runs = 2 if options.duration <= 1 else 5
    subprocess.run(
        [PYTHON, "-m", "bench.reports", "--out", str(out), "--runs", str(runs)], cwd=ROOT, env=env, check=True
    )
    result = json.loads(out.read_text()) | {"scale": scale}
    problems = [
        f"reports: GET {path} answered {status}"
        for path, status in result.pop("bad_statuses", {}).items()  # the instrument broke
    ]
    return {"reports": result}, problems


def table(results: dict) -> str:
    result = results["reports"]
    baseline = result["baseline_ms"]
    lines = [
        f"reports (scale {result['scale']}, {result['database']}, {result['range']}, {result['orders']} paid orders, "
        f"median of {result['runs']}; baseline Order count over the year: {baseline:.1f} ms; goal {GOAL_MS} ms)",
        f"{'report':<10} {'page ms':>9} {'csv ms':>9} {'x baseline':>11} {'goal':>6} {'cold ms':>9}",
    ]
    for slug, row in result["reports"].items():
        lines.append(
            f"{slug:<10} {row['page_ms']:>9.1f} {row['csv_ms']:>9.1f} "
            f"{row['page_ms'] / baseline:>11.1f} {'met' if row['page_ms'] < GOAL_MS else 'MISSED':>6} "
            f"{row.get('cold_ms', 0):>9.1f}"
        )
    if "build_s" in result:
        lines.append(f"roll-up build over the year (every report, from nothing): {result['build_s']:.1f} s")
    return "\n".join(lines)


# --- inside Django ---------------------------------------------------------------------------


def _timelines() -> int:
    """Adds the finished orders' timelines when there are none; returns how many events it made."""
    from datetime import timedelta

    from django.db import transaction

    from littlelemon.orders.enums import EventKind, OrderStatus
    from littlelemon.orders.models import Order, OrderEvent

    if OrderEvent.objects.filter(kind=EventKind.STATUS_CHANGED).exists():
        return 0
    made = 0
    finished = (
        Order.objects.filter(status__in=(OrderStatus.DELIVERED, OrderStatus.COLLECTED))
        .order_by("pk")
        .values_list("pk", "created", "finished_at", "status")
    )
    with transaction.atomic():
        batch = []
        for pk, created, finished_at, status in finished.iterator(chunk_size=5000):
            accepted = created + timedelta(minutes=2 + pk % 3)
            ready = accepted + timedelta(minutes=10 + pk % 21)
            steps = [(OrderStatus.ACCEPTED, accepted), (OrderStatus.PREPARING, accepted + timedelta(minutes=1))]
            steps.append((OrderStatus.READY, ready))
            if status == OrderStatus.DELIVERED:
                steps.append((OrderStatus.OUT_FOR_DELIVERY, ready + timedelta(minutes=1)))
            steps.append((status, max(finished_at, ready + timedelta(minutes=2))))
            previous = OrderStatus.PLACED
            for to_status, at in steps:
                batch.append(
                    OrderEvent(
                        order_id=pk, kind=EventKind.STATUS_CHANGED, from_status=previous, to_status=to_status, at=at
                    )
                )
                previous = to_status
            if len(batch) >= 10_000:
                OrderEvent.objects.bulk_create(batch)
                made += len(batch)
                batch = []
        OrderEvent.objects.bulk_create(batch)
    return made + len(batch)


def _ledger() -> int:
    """Gives the finished paid orders their ledger rows when the database has none (the orders
    part of the dataset makes no Payment rows; the reports' money comes from the ledger): a
    payment captured when the order finished, as the driver's or the counter's hand-over
    records it. Returns how many it made."""
    from django.db import transaction

    from littlelemon.orders.enums import OrderStatus, PaymentMethod
    from littlelemon.orders.enums import PaymentStatus as OrderPaymentStatus
    from littlelemon.orders.models import Order
    from littlelemon.payments.enums import PaymentStatus, Provider
    from littlelemon.payments.models import Payment
    from littlelemon.restaurant.selectors import restaurant_settings_get

    if Payment.objects.exists():
        return 0
    currency = restaurant_settings_get().currency
    finished = (
        Order.objects.filter(
            status__in=(OrderStatus.DELIVERED, OrderStatus.COLLECTED),
            payment_status=OrderPaymentStatus.PAID,
            finished_at__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "payment_method", "total", "finished_at")
    )
    made = 0
    with transaction.atomic():
        batch = []
        for pk, method, total, finished_at in finished.iterator(chunk_size=5000):
            online = method == PaymentMethod.ONLINE
            batch.append(
                Payment(
                    order_id=pk,
                    attempt=1,
                    method=method,
                    provider=Provider.STRIPE if online else Provider.IN_PERSON,
                    provider_id=f"pi_bench_{pk}" if online else "",
                    amount=total,
                    currency=currency,
                    status=PaymentStatus.SUCCEEDED,
                    captured_at=finished_at,
                )
            )
            if len(batch) >= 10_000:
                Payment.objects.bulk_create(batch)
                made += len(batch)
                batch = []
        Payment.objects.bulk_create(batch)
    return made + len(batch)


def _median_ms(call, runs: int) -> float:
    call()  # warm-up: connections, templates, the layout's cached fragments
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reports")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection
    from django.test import Client

    from bench.datasets import EPOCH
    from littlelemon.accounts.models import User
    from littlelemon.orders.models import Order
    from littlelemon.reports import selectors
    from littlelemon.reports.models import ReportDay
    from littlelemon.reports.rollup import report_days_build
    from littlelemon.restaurant.selectors import restaurant_tz

    started = time.monotonic()
    made = _timelines()
    if made:
        print(f"  timelines: {made} order events ({time.monotonic() - started:.1f}s)", flush=True)
    started = time.monotonic()
    made = _ledger()
    if made:
        print(f"  ledger: {made} payments ({time.monotonic() - started:.1f}s)", flush=True)
    end = EPOCH.astimezone(restaurant_tz()).date()
    period = selectors.report_range(start=end - timedelta(days=365), end=end)
    query = f"?start={period.start.isoformat()}&end={period.end.isoformat()}"
    client = Client(HTTP_HOST=os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(",")[0])
    client.force_login(User.objects.get(username="bench-manager"))
    first, after = period.bounds()

    def baseline() -> int:
        return Order.objects.filter(created__gte=first, created__lt=after).count()

    bad: dict[str, int] = {}
    reports = {}
    ReportDay.objects.all().delete()
    client.get(f"/staff/reports/bookings/{query}")  # warms the connection, templates and layout
    for slug in SLUGS:  # cold: nothing stored
        page = f"/staff/reports/{slug}/{query}"
        started = time.perf_counter()
        status = client.get(page).status_code
        reports[slug] = {"cold_ms": (time.perf_counter() - started) * 1000}
        if status != 200:
            bad[page] = status
        print(f"  {slug:<10} cold page {reports[slug]['cold_ms']:.1f} ms", flush=True)
    ReportDay.objects.all().delete()
    started = time.perf_counter()
    report_days_build(since=period.start, until=period.end)
    build_s = time.perf_counter() - started
    print(f"  roll-up build over the year: {build_s:.1f} s", flush=True)
    for slug in SLUGS:
        page, csv = f"/staff/reports/{slug}/{query}", f"/staff/reports/{slug}/csv/{query}"
        for path in (page, csv):
            status = client.get(path).status_code
            if status != 200:
                bad[path] = status
        reports[slug] |= {
            "page_ms": _median_ms(lambda page=page: client.get(page), args.runs),
            "csv_ms": _median_ms(lambda csv=csv: client.get(csv), args.runs),
        }
        print(f"  {slug:<10} page {reports[slug]['page_ms']:.1f} ms, csv {reports[slug]['csv_ms']:.1f} ms", flush=True)
    result = {
        "database": connection.vendor,
        "range": f"{period.start} to {period.end}",
        "orders": selectors.paid_orders(period).count(),
        "runs": args.runs,
        "baseline_ms": _median_ms(baseline, args.runs),
        "goal_ms": GOAL_MS,
        "reports": reports,
        "build_s": build_s,
        "bad_statuses": bad,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(measure())
