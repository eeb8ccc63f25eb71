"""Under gunicorn with several workers, /metrics adds every worker's numbers up (prometheus_client's
multiprocess mode, set up by config/gunicorn.conf.py), whichever worker answers the scrape, and a
worker that dies leaves its counts but not its live gauges (the child_exit hook)."""

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from littlelemon.core.tests.servers import Server, environment, gunicorn, manage

pytestmark = pytest.mark.server

TOKEN = "metrics-token-for-the-gunicorn-test-0123456789"
REQUESTS = "django_http_requests_before_middlewares_total"

SETUP = """
from decimal import Decimal
from littlelemon.accounts.models import User
from littlelemon.menu.models import Category, MenuItem
User.objects.create_user("tilly", password="a-long-password-1234")
MenuItem.objects.create(
    title="Hummus", slug="hummus", price=Decimal("6.50"),
    category=Category.objects.create(title="Mezze", slug="mezze", position=1), position=1,
)
"""


def scrape(server: Server) -> dict[tuple[str, tuple], float]:
    reply = server.get("/metrics", Authorization=f"Bearer {TOKEN}")
    assert reply.status == 200, reply.body
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(reply.body.decode())
        for sample in family.samples
    }


def workers_of(master: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            if int(fields[1]) == master and fields[0] != "Z":
                children.add(int(entry.name))
    return children


def requests_counted_by_process(directory: Path) -> dict[int, float]:
    """{pid: requests it counted} from the processes' own metric files."""
    counted = {}
    for path in directory.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for key, value, _timestamp, _position in MmapedDict.read_all_values_from_file(str(path)):
            if json.loads(key)[1] == REQUESTS:
                counted[pid] = counted.get(pid, 0) + value
    return counted


def test_counters_add_up_across_two_workers_and_survive_a_dead_one(tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale")  # a previous run's: emptied at start-up
    env = environment(
        tmp_path,
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        GUNICORN_THREADS="1",
        LOG_LEVEL="INFO",
        LOG_FORMAT="json",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", SETUP)

    with gunicorn(env, tmp_path, workers=2, deployed=True) as server:
        workers = workers_of(server.pid)
        assert len(workers) == 2
        assert scrape(server)[("littlelemon_server_processes", ())] == 2

        token = server.login("tilly", "a-long-password-1234")
        for _ in range(3):
            added = server.post("/api/v1/cart/items/", {"menuitem": 1, "quantity": 2}, token=token)
            assert added.status == 201, added.body
            placed = server.post("/api/v1/orders/", {"fulfilment": "pickup"}, token=token)
            assert placed.status == 201, placed.body
        # Each request on a new connection, eight at once (one thread a worker: a worker busy with
        # one leaves the next to the other; one after another, a single worker may win them all):
        # go on until both workers have served some.
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in range(60):
                if set(requests_counted_by_process(metrics_dir)) >= workers:
                    break
                statuses = list(pool.map(lambda _: server.get("/health").status, range(8)))
                assert statuses == [200] * 8
        counted = requests_counted_by_process(metrics_dir)
        assert all(counted[pid] > 0 for pid in workers)

        metrics = scrape(server)

        # The scrape, answered by one worker, counts what both served (itself included).
        assert metrics[(REQUESTS, ())] == sum(requests_counted_by_process(metrics_dir).values())
        assert metrics[("littlelemon_order_placement_seconds_count", (("channel", "api"),))] == 3
        assert metrics[("littlelemon_orders", (("status", "placed"),))] == 3

        # A worker dies (a crash, an out-of-memory kill): gunicorn starts another.
        dead = min(workers)
        os.kill(dead, signal.SIGKILL)
        replaced: dict = {}
        for _ in range(600):
            alive = workers_of(server.pid)
            if len(alive) == 2 and dead not in alive:
                replaced = scrape(server)
                if replaced[("littlelemon_server_processes", ())] == 2:
                    break
            time.sleep(0.1)
        assert dead not in workers_of(server.pid)
        assert not (metrics_dir / f"gauge_livesum_{dead}.db").exists()  # child_exit: mark_process_dead
        assert replaced[("littlelemon_server_processes", ())] == 2  # not 3: the dead one is not counted
        # Its counts stay in the totals.
        assert replaced[("littlelemon_order_placement_seconds_count", (("channel", "api"),))] == 3
        assert replaced[(REQUESTS, ())] > metrics[(REQUESTS, ())]

    assert not (metrics_dir / "counter_1.db").exists()
    # The workers' request lines, as JSON.
    [log] = tmp_path.glob("gunicorn-*.log")
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    placements = [line for line in lines if line["event"] == "request" and line["path"] == "/api/v1/orders/"]
    assert [(line["method"], line["status"], line["user_id"]) for line in placements] == [("POST", 201, 1)] * 3
    assert len({line["request_id"] for line in placements}) == 3
