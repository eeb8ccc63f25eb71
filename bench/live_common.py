"""What the live benchmarks (bench/fanout.py, bench/rush.py) share: their data, the servers'
CPU from /proc, the screens' fragments as a browser with htmx finds them, and how a page
follows its fragments (polling with If-None-Match, or re-fetching on a stream's events).
"""

import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.aio import HttpError, Pool, Stream

ROOT = Path(__file__).resolve().parent.parent
ASGI_APP = "config.asgi:application"
ASGI_WORKER = "uvicorn_worker.UvicornWorker"
# The staff screens a rush keeps open (two kitchen displays and a manager's board), and a
# driver's app for the fanout's polling baseline.
SCREENS = {"kitchen": "/staff/kitchen/", "board": "/staff/orders/", "deliveries": "/staff/deliveries/"}
_TAG = re.compile(r"<[a-zA-Z][^>]*\bhx-get=\"([^\"]+)\"[^>]*>")
_TRIGGER = re.compile(r"\bhx-trigger=\"([^\"]*)\"")


def asgi_available() -> bool:
    """The ASGI server production uses for the streams: gunicorn with uvicorn's worker."""
    found = subprocess.run(
        [sys.executable, "-c", "import uvicorn_worker, uvicorn"], capture_output=True, cwd=ROOT
    ).returncode
    return found == 0


def asgi_env(env: dict[str, str], workers: int = 2) -> dict[str, str]:
    """A server's settings as gunicorn with uvicorn workers (one per core: an event loop each)."""
    return env | {"GUNICORN_WORKER_CLASS": ASGI_WORKER, "WEB_CONCURRENCY": str(workers), "LIVE_MODE": "stream"}


def make_data(env: dict[str, str], what: str, out: Path, *extra: str) -> dict:
    subprocess.run(
        [sys.executable, "-m", "bench.live_data", what, "--out", str(out), *extra], cwd=ROOT, env=env, check=True
    )
    return json.loads(out.read_text())


# --- CPU -------------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def tree_pids(pid: int) -> list[int]:
    """A server's master and every process below it (its workers)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (/proc/<pid>/stat fields 14 and 15), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / _TICKS


class CpuMeter:
    """The CPU a server's processes used between start() and stop(), as % of one core."""

    def __init__(self, pid: int):
        self.pids = tree_pids(pid)

    def start(self) -> None:
        self.t0, self.c0 = time.monotonic(), cpu_seconds(self.pids)
        self.self0 = sum(os.times()[:2])

    def stop(self) -> dict:
        wall = time.monotonic() - self.t0
        used = cpu_seconds(self.pids) - self.c0
        driver = sum(os.times()[:2]) - self.self0
        return {
            "seconds": round(wall, 1),
            "server_cpu_pct": round(100 * used / wall, 1),
            "driver_cpu_pct": round(100 * driver / wall, 1),
            "processes": len(self.pids),
            # The machine's 1-minute load average at the end: > cores means something else ran too.
            "load_1m": round(os.getloadavg()[0], 1),
        }


# --- pages, as htmx follows them ------------------------------------------------------------


def live_fragments(html: str) -> list[tuple[str, str]]:
    """The (path, hx-trigger) of every element a page keeps current (`{% live_trigger %}`:
    `sse:orders` on a stream, `every Ns` when polling)."""
    found = []
    for match in _TAG.finditer(html):
        trigger = _TRIGGER.search(match.group(0))
        if trigger and ("sse:" in trigger.group(1) or "every " in trigger.group(1)):
            found.append((match.group(1).replace("&amp;", "&"), trigger.group(1)))
    return found


async def screen_fragments(pool: Pool, path: str, headers: dict[str, str]) -> list[str]:
    """What a screen re-fetches: its live fragments, or (a page with none) the page itself."""
    page = await pool.request("GET", path, headers)
    if page.status != 200:
        raise RuntimeError(f"GET {path} answered {page.status}: is the user allowed on that screen?")
    return [fragment for fragment, _ in live_fragments(page.body.decode())] or [path]


class Fetcher:
    """One fragment of a page, fetched as htmx does: one request at a time, the next with the
    ETag the last answer carried (If-None-Match: 304 when nothing changed); a trigger while a
    request is on its way asks for one more after it (htmx's `queue last`)."""

    def __init__(self, pool: Pool, path: str, headers: dict[str, str], kind: str, record):
        self.pool, self.path, self.headers, self.kind, self.record = pool, path, headers, kind, record
        self.etag = ""
        self.busy = False
        self.again = False

    async def fetch(self, intended: float | None = None) -> None:
        if self.busy:
            self.again = True
            return
        self.busy = True
        try:
            while True:
                self.again = False
                started = intended or time.monotonic()
                intended = None
                headers = self.headers | ({"If-None-Match": self.etag} if self.etag else {})
                try:
                    answer = await self.pool.request("GET", self.path, headers)
                    status = answer.status
                    if status == 200 and answer.headers.get("etag"):
                        self.etag = answer.headers["etag"]
                except HttpError:
                    status = 0
                self.record(self.kind, status, started, time.monotonic(), status in (200, 304))
                if not self.again:
                    return
        finally:
            self.busy = False


async def follow_stream(
    base_url: str, headers: dict[str, str], on_event, until: float, record=None, kind: str = "stream_open"
) -> int:
    """Hold a session's stream open until `until` (monotonic), as EventSource does: reconnect
    from the last event's id (Last-Event-ID) when the server ends it (its maximum duration),
    and call on_event(event) for each event. `record(kind, status, started, ended, ok)` gets each
    opening (the time to the answer's head). Returns how many times it (re)connected."""
    last_id, opened_count = "", 0
    while time.monotonic() < until:
        stream = Stream(base_url, "/live/stream/", headers | ({"Last-Event-ID": last_id} if last_id else {}))
        started = time.monotonic()
        opened_count += 1

        async def run(stream=stream):
            nonlocal last_id
            async for event in stream.open():
                if event.id:
                    last_id = event.id
                on_event(event)

        task = asyncio.ensure_future(run())
        try:
            await asyncio.wait_for(stream.answered.wait(), max(0.001, until - time.monotonic()))
            ok = stream.status == 200 and stream.response_headers.get("content-type", "").startswith(
                "text/event-stream"
            )
            if record:
                record(kind, stream.status, started, time.monotonic(), ok)
            if not ok:
                return opened_count
            await asyncio.wait_for(asyncio.shield(task), max(0.001, until - time.monotonic()))
        except TimeoutError:
            pass
        except (OSError, HttpError, asyncio.IncompleteReadError, ValueError):
            if record:
                record(kind, 0, started, time.monotonic(), False)
            await asyncio.sleep(0.5)
        finally:
            stream.close()
            task.cancel()
            with contextlib.suppress(BaseException):  # cancelled, or the error recorded above
                await task
    return opened_count
