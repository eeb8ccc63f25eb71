"""`manage.py worker`: the batch mode ticks the scheduler once and runs the queue, the scheduler
enqueues a job once per interval whoever ticks, and the long-running worker is a real process
that runs what is enqueued and stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from littlelemon.core import periodic
from littlelemon.core.models import PeriodicJob
from littlelemon.core.periodic import periodic_register, periodic_tick
from littlelemon.core.tasks import task_results_purge
from littlelemon.events.models import OutboxEvent
from littlelemon.events.services import event_record

from .concurrency import race
from .servers import ROOT


@task()
def report_process(label: str) -> dict:
    """Says which process ran it (a test task, importable by the worker process too)."""
    return {"label": label, "pid": os.getpid()}


@task()
def count_runs() -> int:
    return 1


@pytest.fixture
def only_the_test_job(monkeypatch):
    """The scheduler with one job of the test's own (the apps' jobs set aside)."""
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic_register(count_runs, every=timedelta(minutes=5), name="count-runs")


def _results(task_obj) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_obj.module_path).order_by("enqueued_at"))


@pytest.mark.django_db(transaction=True)
def test_batch_ticks_the_periodic_jobs_once_runs_the_queue_and_exits():
    # Given a queued task and an event nobody has relayed yet
    queued = report_process.enqueue("queued before the run")
    with transaction.atomic():
        event = event_record(type="worker.test", aggregate="test", aggregate_id=1, payload={})

    # When the batch worker runs
    output = StringIO()
    call_command("worker", batch=True, verbosity=0, stdout=output)

    # Then every registered periodic job was enqueued once and every task ran, in this process
    jobs = {job.name for job in periodic.periodic_jobs()}
    assert {"littlelemon.events.tasks.relay_outbox", "littlelemon.events.tasks.outbox_purge"} <= jobs
    assert set(PeriodicJob.objects.values_list("name", flat=True)) == jobs
    assert DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count() == 0
    result = DBTaskResult.objects.get(pk=queued.id)
    assert result.return_value == {"label": "queued before the run", "pid": os.getpid()}
    # The relay ran (once after the event's commit, once as the periodic job) and the event is out.
    from littlelemon.events.tasks import relay_outbox

    assert len(_results(relay_outbox)) == 2
    event.refresh_from_db()
    assert event.routed_at is not None
    ran = 1 + 2 + len(jobs) - 1  # the queued task, the relay twice, the other periodic jobs
    assert output.getvalue() == (
        f"worker --batch: {len(jobs)} periodic job(s) enqueued, {ran} task(s) run ({ran} successful, 0 failed)\n"
    )

    # And a second batch right after enqueues no periodic job again: nothing is due.
    tasks_before = DBTaskResult.objects.count()
    call_command("worker", batch=True, verbosity=0)
    assert DBTaskResult.objects.count() == tasks_before


@pytest.mark.django_db(transaction=True)
def test_batch_with_max_seconds_takes_no_new_task_after_the_deadline(only_the_test_job):
    for number in range(3):
        report_process.enqueue(f"task {number}")

    call_command("worker", batch=True, max_seconds=0, verbosity=0)

    # The deadline had passed when the first task ended: one ran, the others wait for the next run.
    statuses = sorted(result.status for result in _results(report_process))
    assert statuses == [TaskResultStatus.READY, TaskResultStatus.READY, TaskResultStatus.SUCCESSFUL]


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_a_job_once_per_interval_whoever_ticks(only_the_test_job):
    start = timezone.now()

    first = periodic_tick(now=start)
    second_caller = periodic_tick(now=start)  # another worker, the same moment
    a_minute_later = periodic_tick(now=start + timedelta(minutes=1))
    due_again = periodic_tick(now=start + timedelta(minutes=5))
    twice_more = [periodic_tick(now=start + timedelta(minutes=5, seconds=s)) for s in (0, 30)]

    assert (first, second_caller, a_minute_later, due_again, twice_more) == (
        ["count-runs"],
        [],
        [],
        ["count-runs"],
        [[], []],
    )
    assert len(_results(count_runs)) == 2
    assert PeriodicJob.objects.get(name="count-runs").last_enqueued_at == start + timedelta(minutes=5)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_workers_ticking_at_once_enqueue_the_job_once(only_the_test_job):
    start = timezone.now()

    results = race([lambda: periodic_tick(now=start)] * 2)

    assert sorted(results, key=len) == [[], ["count-runs"]]
    assert len(_results(count_runs)) == 1


@pytest.mark.django_db(transaction=True)
def test_finished_task_results_are_purged_after_the_retention_ready_ones_never(settings, only_the_test_job):
    settings.TASK_RESULT_RETENTION_DAYS = 7
    now = timezone.now()
    old_success, old_failure, recent, waiting = (report_process.enqueue(f"task {n}") for n in range(4))
    DBTaskResult.objects.filter(pk__in=[old_success.id, recent.id]).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=8)
    )
    failed_long_ago = {"status": TaskResultStatus.FAILED, "finished_at": now - timedelta(days=30)}
    DBTaskResult.objects.filter(pk=old_failure.id).update(**failed_long_ago)
    DBTaskResult.objects.filter(pk=recent.id).update(finished_at=now - timedelta(days=6))
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=now - timedelta(days=30))  # never run

    purged = task_results_purge(now=now)
    again = task_results_purge(now=now)

    assert (purged, again) == (2, 0)
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {recent.id, waiting.id}


def test_the_purge_is_a_periodic_job():
    assert "littlelemon.core.tasks.finished_tasks_purge" in {job.name for job in periodic.periodic_jobs()}


# --- the long-running worker as a real process --------------------------------------------------


def _test_database_url() -> str:
    """The URL of the database this test uses (the test run's own SQLite file or PostgreSQL
    database), for a process started with config.settings.test."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def _wait_for(condition, process: subprocess.Popen, log: Path, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds  # a loaded machine, not an assertion on speed
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the worker exited with {process.returncode} before {what}:\n{log.read_text()}")
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds}s:\n{log.read_text()}")


@contextmanager
def _worker_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """`manage.py worker` (long-running) as a process of its own on this test's database, started
    (its first pass touched the heartbeat); killed at the end if the test did not stop it."""
    heartbeat = tmp_path / "heartbeat"
    env = {name: value for name, value in os.environ.items() if name not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": _test_database_url()}
    log = tmp_path / "worker.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2", "--heartbeat", str(heartbeat)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(heartbeat.exists, process, log, "heartbeat")
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_the_long_running_worker_runs_what_is_enqueued_and_stops_on_sigterm(tmp_path):
    with _worker_process(tmp_path) as (process, log):
        result = report_process.enqueue("from the test")

        _wait_for(lambda: _status(result) == TaskResultStatus.SUCCESSFUL, process, log, "finished task")
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=30)
        took = time.monotonic() - stopped_at

    assert DBTaskResult.objects.get(pk=result.id).return_value == {"label": "from the test", "pid": process.pid}
    assert returncode == 0, log.read_text()
    assert took < 10, f"took {took:.1f}s to stop"  # idle: at once; generous for a loaded machine
    output = log.read_text()
    assert "stopping after the task in hand" in output and "stopped" in output
    # The periodic jobs were enqueued by its first tick and run.
    assert set(PeriodicJob.objects.values_list("name", flat=True)) == {job.name for job in periodic.periodic_jobs()}
    assert not OutboxEvent.objects.filter(routed_at__isnull=True).exists()


@task()
def take_a_while(seconds: float) -> str:
    time.sleep(seconds)
    return "finished"


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_sigterm_during_a_task_lets_it_finish_then_the_worker_exits_0(tmp_path):
    with _worker_process(tmp_path) as (process, log):
        slow = take_a_while.enqueue(2.0)
        after = report_process.enqueue("queued behind the slow one")
        _wait_for(lambda: _status(slow) == TaskResultStatus.RUNNING, process, log, "the slow task started")

        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=60)

    assert returncode == 0, log.read_text()
    assert DBTaskResult.objects.get(pk=slow.id).return_value == "finished"
    assert _status(slow) == TaskResultStatus.SUCCESSFUL
    assert _status(after) == TaskResultStatus.READY  # no new task once asked to stop: the next worker's
