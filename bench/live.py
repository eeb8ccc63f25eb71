"""The live benchmarks in `python -m bench`: `live_fanout` (bench/fanout.py) and `rush`
(bench/rush.py), run after the wrk targets (whose servers are stopped by then, so nothing else of
the benchmark's competes for the two cores), on the small scale's database, each with servers
of its own, production settings, throttling on at its default rates.

- `live_fanout`: the ASGI server (gunicorn + uvicorn workers) with 200 streams; its poll
  baseline on the WSGI server (config/gunicorn.conf.py, LIVE_MODE=poll).
- `rush`, `poll` variant: the WSGI server (config/gunicorn.conf.py: gthread) with
  LIVE_MODE=poll: the pages poll. `stream` variant: the ASGI server (the same file with
  GUNICORN_WORKER_CLASS=uvicorn_worker.UvicornWorker, as the image runs it) with
  LIVE_MODE=stream: the pages hold streams, re-fetching on events. One server serves the pages
  and /live/, as deploy/nginx routes both to one upstream. Sent to directly, as the `app`
  targets are (X-Forwarded-For from each client's own address, TRUSTED_PROXIES=1): nginx's cache
  would answer some anonymous API reads, but its cache lock also queues concurrent first visits
  to the same HTML page in 500 ms steps (bench/NOTES-live.md), which would hide the app's figures.

Both need the real stream: when `/live/stream/` is not an event stream (or uvicorn's worker is
not installed) the stream parts are skipped, and the output says why.
"""

import json
import sys
from contextlib import ExitStack
from pathlib import Path

from bench import fanout, rush
from bench.aio import Stream
from bench.live_common import ASGI_APP, asgi_available, asgi_env, make_data

NAMES = ("live_fanout", "rush")


def _stream_ready(base_url: str, cookie: str) -> str:
    """'' when /live/stream/ answers a signed-in user with an event stream, else why not."""
    import asyncio

    async def probe() -> str:
        stream = Stream(base_url, "/live/stream/", {"Cookie": cookie})
        events = stream.open()
        task = asyncio.ensure_future(events.__anext__())
        try:
            await asyncio.wait_for(stream.answered.wait(), 10)
        except TimeoutError:
            return "/live/stream/ did not answer within 10 s"
        finally:
            stream.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        kind = stream.response_headers.get("content-type", "")
        if stream.status != 200 or not kind.startswith("text/event-stream"):
            return f"/live/stream/ answered {stream.status} {kind or '(no content type)'}, not an event stream"
        return ""

    return asyncio.run(probe())


def _workers(env: dict[str, str]) -> int:
    from bench.run import gunicorn_settings

    return gunicorn_settings(env)["workers"]


def run_live(options, env: dict[str, str], names: tuple[str, ...]) -> tuple[dict, list[str]]:
    """Returns the results (`live_fanout`, `rush`) and the problems (the instrument broke)."""
    from bench.run import free_port, gunicorn

    out: Path = options.out
    quick = options.duration <= 1
    results: dict = {}
    problems: list[str] = []
    asgi = asgi_available()
    poll_env = env | {"LIVE_MODE": "poll"}

    if "live_fanout" in names:
        print("\n== live_fanout", flush=True)
        data = make_data(env, "fanout", out / "fanout-data.json", *(["--quick"] if quick else []))
        result: dict = {}
        if not asgi:
            result["skipped"] = "uvicorn's gunicorn worker (uvicorn-worker) is not installed"
        else:
            live_env = asgi_env(env, workers=_workers(env))
            with gunicorn("live-fanout", ASGI_APP, free_port(), live_env, "/health", out) as url:
                why = _stream_ready(url, data["customers"][0]["cookie"])
                if why:
                    result["skipped"] = why
                else:
                    result["streams"] = fanout.run_streams(url, data, url.pid, quick)
                    result["streams"]["server"] = (
                        f"gunicorn + uvicorn_worker.UvicornWorker, {_workers(env)} workers (ASGI)"
                    )
        with gunicorn("live-fanout-poll", "config.wsgi:application", free_port(), poll_env, "/health", out) as url:
            result["polls"] = fanout.run_polls(url, data, url.pid, quick)
            result["polls"]["server"] = f"gunicorn gthread, {_workers(poll_env)} workers (WSGI), LIVE_MODE=poll"
        results["live_fanout"] = result
        streams = result.get("streams", {})
        if streams.get("streams_refused"):
            problems.append(f"live_fanout: streams refused: {streams['streams_refused']}")
        if streams.get("change_errors"):
            problems.append(f"live_fanout: order changes failed: {streams['change_errors']}")
        if streams.get("not_entitled", {}).get("customers"):
            problems.append(f"live_fanout: customers got other customers' events: {streams['not_entitled']}")
        print(fanout.table(result), flush=True)

    if "rush" in names:
        rates = rush.QUICK_RATES if quick else rush.RATES
        seconds = rush.QUICK_STEP_SECONDS if quick else rush.STEP_SECONDS
        warmup = rush.QUICK_WARMUP_SECONDS if quick else rush.WARMUP_SECONDS
        results["rush"] = {}
        for variant in ("poll", "stream"):
            print(f"\n== rush ({variant})", flush=True)
            if variant == "stream" and not asgi:
                results["rush"]["_stream_skipped"] = "uvicorn's gunicorn worker (uvicorn-worker) is not installed"
                continue
            data = make_data(
                env,
                "rush",
                out / f"rush-{variant}-data.json",
                "--customers",
                str(rush.customers_needed(rates, seconds, warmup)),
            )
            if variant == "poll":
                server_env, app, workers = poll_env, "config.wsgi:application", _workers(poll_env)
                server = f"gunicorn gthread, {workers} workers (WSGI), LIVE_MODE=poll"
            else:
                workers = _workers(env)
                server_env, app = asgi_env(env, workers=workers), ASGI_APP
                server = f"gunicorn uvicorn_worker.UvicornWorker, {workers} workers (ASGI), LIVE_MODE=stream"
            with ExitStack() as servers:
                port = free_port()
                url = servers.enter_context(gunicorn(f"rush-{variant}", app, port, server_env, "/health", out))
                if variant == "stream":
                    why = _stream_ready(url, data["customers"][-1]["cookie"])
                    if why:
                        results["rush"]["_stream_skipped"] = why
                        continue
                measured = rush.run(variant, url, "X-Forwarded-For", data, rates, seconds, warmup, url.pid)
            measured["server"] = server
            results["rush"][variant] = measured
        print(rush.table(results["rush"]), flush=True)
    return results, problems


def table(results: dict) -> str:
    rows = []
    if "live_fanout" in results:
        rows.append(fanout.table(results["live_fanout"]))
    if "rush" in results:
        rows.append(rush.table(results["rush"]))
    return "\n".join(rows)


if __name__ == "__main__":  # python -m bench.live RESULTS.json: the tables again
    print(table(json.loads(Path(sys.argv[1]).read_text())))
