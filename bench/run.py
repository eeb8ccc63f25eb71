"""The benchmark driver: dataset, servers, wrk, results. `python -m bench --help`.

For each scale (1 and 10; QUICK: 1 and 2) it builds the dataset (`manage.py seed_bench`) in
a database of its own and probes every scenario in-process (query counts, expected status; see
probe.py). Then it starts the product as deployed and the bare baseline beside it, every
gunicorn with the same settings (config/gunicorn.conf.py) and production settings, throttling
on at its default rates (TRUSTED_PROXIES=1: each request's client address is the one the
load generator sets, so clients are spread over many addresses):

- `app`: the product on each scale's database, sent to directly (the render paths), and the
  same server behind the repo's nginx configuration (deploy/nginx/, rendered from its template;
  bench/nginx.py says what the bench's variant changes: only where the client address comes
  from);
- `nocache`: the product with no cache of any kind (bench/nocache_settings.py);
- `nothrottle` (small scale only): the product with every throttle off, to say what the
  throttle store costs a request;
- `bare` (bench/bare/) on the small database, sent to directly and behind an identical nginx.

wrk drives every target (the baselines, every scenario on the small dataset, the read
scenarios on the large one): a warm-up each, then the measured duration in one-second rounds,
interleaved, so that a machine that gets busier or quieter during the run (other processes,
CPU frequency) affects every target alike; each target's figures are its median round's. The
ratios are taken between numbers measured side by side in this one run. After the load, a
write scenario's `check` reads the database (order_place: no duplicate order, none lost) and
its verdict goes into results.json.

Exit status: non-zero when the instrument breaks (a server does not start, a request gets
the wrong status or the wrong size, wrk fails, a target has errors or a check fails). Ratios
below their targets never fail the run: they are printed.
"""

import argparse
import json
import os
import platform
import runpy
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bench import live as bench_live
from bench import nginx as bench_nginx
from bench import reports as bench_reports
from bench.scenarios import BASELINES, all_scenarios
from bench.wrk import read_lua, run_wrk

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
PYTHON = sys.executable


@dataclass(frozen=True)
class Options:
    duration: int
    warmup: int
    threads: int
    connections: int
    scales: tuple[int, int]
    database_url: str
    out: Path
    only: tuple[str, ...]
    round_seconds: int
    seed: bool
    live_errors: str = "fail"


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="Seconds measured per scenario (default 10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up before each (default 2).")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2).")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32).")
    parser.add_argument("--scales", default="1,10", help="Small and large dataset scales (default 1,10).")
    parser.add_argument("--quick", action="store_true", help="1 s per scenario, scales 1 and 2: keeps it working.")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="Benchmark this database (its tables are emptied and refilled!). Default: var/bench-scaleN.sqlite3.",
    )
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated scenario names, and/or live_fanout, rush and reports (default: all).",
    )
    parser.add_argument(
        "--round", type=int, default=1, help="Seconds per round: the duration is measured in interleaved rounds."
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="Reuse the previous run's databases (working on the bench: earlier writes stay in them).",
    )
    parser.add_argument(
        "--live-errors",
        choices=("fail", "report"),
        default=os.environ.get("BENCH_LIVE_ERRORS", "fail"),
        help="live_fanout's refused streams and failed changes: fail the run (default) or only report them.",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    small, large = (int(n) for n in ("1,2" if args.quick else args.scales).split(","))
    return Options(
        duration=1 if args.quick else args.duration,
        warmup=1 if args.quick else args.warmup,
        threads=args.threads,
        connections=args.connections,
        scales=(small, large),
        database_url=args.database_url,
        out=args.out,
        only=tuple(name for name in args.only.split(",") if name),
        round_seconds=max(1, args.round),
        seed=not args.no_seed,
        live_errors=args.live_errors,
    )


# --- environment -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(options: Options, scale: int) -> str:
    """A database of its own per scale, beside the one DATABASE_URL names (never that one)."""
    if not options.database_url:
        return f"sqlite:///{ROOT / 'var' / f'bench-scale{scale}.sqlite3'}"
    if options.database_url.startswith("sqlite:///"):
        path = Path(options.database_url.removeprefix("sqlite:///"))
        return f"sqlite:///{path.with_name(f'{path.stem}-bench-scale{scale}.sqlite3')}"
    url = urllib.parse.urlsplit(options.database_url)
    name = url.path.lstrip("/") or "postgres"
    return urllib.parse.urlunsplit(url._replace(path=f"/{name}_bench_scale{scale}"))


def create_postgresql_database(server_url: str, db_url: str) -> None:
    import psycopg

    name = urllib.parse.urlsplit(db_url).path.lstrip("/")
    with psycopg.connect(server_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


THROTTLE_SCOPES = ("ANON", "USER", "LOGIN", "SIGNUP", "ORDER")
ENV_KINDS = ("app", "nocache", "nothrottle")


def server_env(db_url: str, secret_key: str, kind: str = "app") -> dict[str, str]:
    """Production settings on plain HTTP on loopback behind one trusted proxy (nginx, or wrk
    posing as it), throttling on at its default rates, a fresh secret per run. `kind`:
    `nocache` has no cache of any kind, `nothrottle` every throttle off."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("THROTTLE_") or not k.endswith("_RATE")}
    env = inherited | {
        "DJANGO_SETTINGS_MODULE": "bench.nocache_settings" if kind == "nocache" else "config.settings.prod",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "TRUSTED_PROXIES": "1",
        "DATABASE_URL": db_url,
        "JWT_ACCESS_MINUTES": "240",
    }
    if kind == "nothrottle":
        env |= {f"THROTTLE_{scope}_RATE": "off" for scope in THROTTLE_SCOPES}
    return env


def gunicorn_settings(env: dict[str, str]) -> dict:
    saved = os.environ.copy()
    try:
        os.environ.update(env)
        with tempfile.TemporaryDirectory() as metrics:  # the file empties its metrics' directory
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics
            conf = runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {key: conf[key] for key in ("workers", "threads", "worker_class", "keepalive", "preload_app")}


def git_revision() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    sha = git("rev-parse", "HEAD") or "unknown"
    return sha + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line), ""
        )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "cores": cores,
        "cpu": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version.split(" [")[0],
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


# --- servers ---------------------------------------------------------------------------------


class ServerUrl(str):
    """A server's base URL that also knows its master process (the live benchmarks read the CPU
    of it and its workers)."""

    pid: int = 0


@contextmanager
def gunicorn(name: str, app: str, port: int, env: dict[str, str], ready_path: str, log_dir: Path):
    log = (log_dir / f"gunicorn-{name}.log").open("w")
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(log_dir / f"prometheus-{name}")}  # one per server
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} server exited ({process.returncode}); see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} server did not answer {ready_path} within 60 s; see {log.name}")
            time.sleep(0.2)
        url = ServerUrl(f"http://127.0.0.1:{port}")
        url.pid = process.pid
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


ADDRESS_HEADERS = {"direct": "X-Forwarded-For", "nginx": bench_nginx.CLIENT_ADDRESS_HEADER}


def check_status(base_url: str, name: str, request: dict, expect: int, address_header: str) -> tuple[int, dict]:
    """One request against the live server before the load (as the first user of a pool, from
    an address of its own): it must get the expected status. Returns the body's size and the
    response's headers."""
    check_status.sent = getattr(check_status, "sent", 0) + 1
    headers = request["headers"] | (request["variants"][0] if request.get("variants") else {})
    path = headers.pop(":path", request["path"])
    headers["Host"] = "127.0.0.1"  # as wrk sends it (bench/wrk.py)
    headers[address_header] = f"10.254.{check_status.sent // 256 % 256}.{check_status.sent % 256}"
    sent = urllib.request.Request(
        base_url + path,
        method=request["method"],
        headers=headers,
        data=request["body"].encode() if request["body"] else None,
    )
    try:
        with urllib.request.urlopen(sent, timeout=10) as response:
            status, size, answered = response.status, len(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, size, answered = error.code, len(error.read()), dict(error.headers)
    if status != expect:
        raise RuntimeError(f"{name}: the server answered {status}, not {expect}, to {request['method']} {path}")
    return size, answered


@dataclass
class Target:
    """One thing wrk drives: a baseline or a scenario at one scale, on one server."""

    name: str
    scale: int
    base_url: str
    request: dict
    rounds: list[dict]
    rate_counter: str | None = None
    offset: int = 0  # requests sent to it so far (bound): each wrk run's `bench_offset`
    counters: dict[str, int] | None = None  # the Lua counters summed over all its wrk runs
    address_header: str = "X-Forwarded-For"

    def drive(self, seconds: int, options: "Options", log: Path | None, *, warmup: bool = False) -> dict:
        """One wrk run. A warm-up may complete no request (the first answers of a cold server on a
        busy machine can take longer than a QUICK second); a measured round must complete some."""
        result = run_wrk(
            self.base_url,
            self.request,
            seconds,
            options.threads,
            options.connections,
            log,
            self.offset,
            allow_empty=warmup,
        )
        counters = result["counters"]
        self.offset += counters.get("max_span") or result["raw"]["requests"] + options.connections
        self.counters = self.counters or {}
        for name, value in counters.items():
            self.counters[name] = (
                max(self.counters.get(name, 0), value)
                if name.startswith("max_")
                else (self.counters.get(name, 0) + value)
            )
        if self.rate_counter and counters:  # e.g. placements per second, not requests per second
            result["rps"] = round(counters[self.rate_counter] / (result["raw"]["duration_us"] / 1e6), 1)
        return result


def aggregate(rounds: list[dict]) -> dict:
    """The rounds of one target: the median round's rate and latencies, the sum of the errors.

    The median, not the mean: a round during which something else on the machine woke up
    is an outlier to ignore, not a sample to average in."""

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    return {
        "rps": round(median([r["rps"] for r in rounds]), 1),
        "p50_ms": round(median([r["p50_ms"] for r in rounds]), 2),
        "p99_ms": round(median([r["p99_ms"] for r in rounds]), 2),
        "errors": sum(r["errors"] for r in rounds),
    }


def prepare_scale(options: Options, scale: int, envs: dict[str, dict[str, str]], kinds: dict, first: bool) -> dict:
    """Migrate and seed the scale's database, then probe its scenarios, each with the settings
    of the server it is sent to (`kinds`: env kind -> scenario names)."""
    env = envs["app"]
    db_url = env["DATABASE_URL"]
    print(f"\n== scale {scale}: {db_url.split('@')[-1]}", flush=True)
    if db_url.startswith("postgres"):
        create_postgresql_database(options.database_url, db_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")  # a database cache (the throttles', say) needs its table
    if options.seed:
        manage(env, "seed_bench", "--scale", str(scale))
    if first:
        manage(env, "collectstatic", "--noinput", "-v", "0")  # as a deployment does
    probed: dict = {"scenarios": {}}
    for kind, names in kinds.items():
        probe_file = options.out / f"probe-{kind}-scale{scale}.json"
        probe_args = ["--host", "127.0.0.1", "--out", str(probe_file), "--only", ",".join(names)]
        if first and kind == "app":
            probe_args += ["--const-file", str(options.out / "bare_const.json")]
        subprocess.run([PYTHON, "-m", "bench.probe", *probe_args], cwd=ROOT, env=envs[kind], check=True)
        result = json.loads(probe_file.read_text())
        probed["scenarios"] |= result["scenarios"]
        if "bare_const_bytes" in result:
            probed["bare_const_bytes"] = result["bare_const_bytes"]
    return probed


def env_kind(via: str) -> str:
    """The settings a server of this kind runs with (nginx fronts the `app` server)."""
    return "app" if via == "nginx" else via


def run(options: Options) -> tuple[dict, dict, list[str]]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: `apt-get install -y wrk` (make bench does it).")
    if not bench_nginx.available():
        raise RuntimeError("nginx is not installed: `make nginx` (make bench does it).")
    options.out.mkdir(parents=True, exist_ok=True)
    for old in options.out.glob("wrk-*.txt"):
        old.unlink()
    (ROOT / "var").mkdir(exist_ok=True)
    revision = git_revision()  # now: the code this run loads, not whatever is checked out by its end
    scenarios = [s for s in all_scenarios() if not options.only or s.name in options.only]
    if not scenarios:
        raise RuntimeError(f"no scenario is named {', '.join(options.only)}")
    secret_key = secrets.token_urlsafe(50)
    small, large = options.scales
    # Which servers each scale needs: (kind, scale) -> the scenarios sent to it.
    wanted: dict[tuple[str, int], list[str]] = {}
    for scenario in scenarios:
        for scale in (small, large) if scenario.read and scenario.via != "nothrottle" else (small,):
            wanted.setdefault((env_kind(scenario.via), scale), []).append(scenario.name)
    wanted.setdefault(("app", small), [])  # the bare_const body is the product's menu page
    envs = {
        scale: {kind: server_env(database_url(options, scale), secret_key, kind) for kind in ENV_KINDS}
        for scale in (small, large)
    }
    probes = {
        scale: prepare_scale(
            options,
            scale,
            envs[scale],
            {kind: names for (kind, at), names in wanted.items() if at == scale and names},
            scale == small,
        )
        for scale in (small, large)
    }

    bare_env = envs[small]["app"] | {
        "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
        "BARE_CONST_FILE": str(options.out / "bare_const.json"),
    }
    through_nginx = any(s.via == "nginx" for s in scenarios)
    with ExitStack() as servers:
        bare_port = free_port()
        bare = servers.enter_context(
            gunicorn("bare", "bench.bare.wsgi:application", bare_port, bare_env, "/bare_const", options.out)
        )
        ports = {key: free_port() for key in wanted}
        direct = {
            (kind, scale): servers.enter_context(
                gunicorn(
                    f"{kind}-scale{scale}",
                    "config.wsgi:application",
                    ports[(kind, scale)],
                    envs[scale][kind],
                    "/health",
                    options.out,
                )
            )
            for (kind, scale) in wanted
        }
        fronts = {}
        if through_nginx:
            fronts["bare"] = servers.enter_context(
                bench_nginx.nginx("bare", f"127.0.0.1:{bare_port}", free_port(), bare_env, options.out)
            )
            for scale in (small, large):
                if ("app", scale) in wanted:
                    fronts[scale] = servers.enter_context(
                        bench_nginx.nginx(
                            f"app-scale{scale}",
                            f"127.0.0.1:{ports[('app', scale)]}",
                            free_port(),
                            envs[scale]["app"],
                            options.out,
                        )
                    )

        def baseline(name: str) -> Target:
            path = "/" + name.removesuffix("_nginx")
            via_nginx = name.endswith("_nginx")
            request = {"method": "GET", "path": path, "headers": {}, "body": None, "variants": []}
            return Target(
                name,
                small,
                fronts["bare"] if via_nginx else bare,
                request,
                [],
                address_header=ADDRESS_HEADERS["nginx" if via_nginx else "direct"],
            )

        targets = [baseline(name) for name in BASELINES if through_nginx or not name.endswith("_nginx")]
        for scale in (small, large):
            for s in scenarios:
                if (env_kind(s.via), scale) not in wanted or s.name not in wanted[(env_kind(s.via), scale)]:
                    continue
                base_url = fronts[scale] if s.via == "nginx" else direct[(env_kind(s.via), scale)]
                targets.append(
                    Target(
                        s.name,
                        scale,
                        base_url,
                        probes[scale]["scenarios"][s.name],
                        [],
                        s.rate_counter,
                        address_header=ADDRESS_HEADERS["nginx" if s.via == "nginx" else "direct"],
                    )
                )
        expected = {s.name: s.expect for s in scenarios} | dict.fromkeys(BASELINES, 200)
        readable = {s.name for s in scenarios if s.read} | set(BASELINES)
        exact = {s.name for s in scenarios if s.exact_size}
        cache_status = {}
        for number, target in enumerate(targets):
            if target.request.get("lua"):
                continue  # a write: its own script
            # Every read: its own addresses (10.<prefix + thread>.x.y), none shared with another target.
            target.request = target.request | {
                "lua": read_lua(
                    target.request.get("variants") or [], target.address_header, (number * options.threads) % 250
                )
            }
            if target.name not in readable:
                continue
            size, answered = check_status(
                target.base_url, target.name, target.request, expected[target.name], target.address_header
            )
            if target.address_header != ADDRESS_HEADERS["direct"]:
                _, again = check_status(
                    target.base_url, target.name, target.request, expected[target.name], target.address_header
                )
                cache_status[f"{target.name}@{target.scale}"] = again.get("X-Cache-Status", "")
            if target.name in exact and "bytes" in target.request:
                low, high = target.request["bytes"], target.request.get("bytes_max", target.request["bytes"])
                if not low <= size <= high:
                    raise RuntimeError(
                        f"{target.name} at scale {target.scale}: the server sent {size} bytes, "
                        f"the probe got {low} to {high}: they do not answer the same"
                    )

        rounds = max(1, options.duration // options.round_seconds)
        seconds = options.duration // rounds
        print(
            f"\n{len(targets)} targets: {options.warmup} s warm-up each, then {rounds} rounds of {seconds} s "
            "(interleaved, so a busy machine slows every target alike)",
            flush=True,
        )
        for target in targets:
            if options.warmup:
                target.drive(options.warmup, options, None, warmup=True)
        for number in range(rounds):
            # Start each round at a different target, so none is always measured first or last.
            for target in targets[number % len(targets) :] + targets[: number % len(targets)]:
                log = options.out / f"wrk-{target.name}-scale{target.scale}.txt"
                target.rounds.append(target.drive(seconds, options, log))
            print(f"  round {number + 1}/{rounds} done", flush=True)

    measured = {(t.name, t.scale): aggregate(t.rounds) for t in targets}
    problems = [
        f"{name} at scale {scale}: {result['errors']} errors"
        for (name, scale), result in measured.items()
        if result["errors"]
    ]
    for target in targets:
        if "bytes" in target.request and target.name in readable and target.name in exact:
            # Every answer under load must be one the probe got (say, a 304 and not a 200): the
            # body plus headers, which are well under 1.5 kB.
            low, high = target.request["bytes"], target.request.get("bytes_max", target.request["bytes"])
            average = sum(r["raw"]["bytes"] for r in target.rounds) / sum(r["raw"]["requests"] for r in target.rounds)
            if not low <= average <= high + 1500:
                problems.append(
                    f"{target.name} at scale {target.scale}: {average:.0f} bytes a response under load, "
                    f"but the probed answers have {low} to {high} bytes of body"
                )
    for scenario in scenarios:
        if not scenario.read or scenario.name not in probes[large]["scenarios"]:
            continue
        counts = {scale: probes[scale]["scenarios"][scenario.name]["queries_cold"] for scale in (small, large)}
        if counts[small] != counts[large]:
            print(
                f"bench: warning: {scenario.name}: {counts[small]} queries at scale {small}, {counts[large]} at {large}"
            )
    checks = {}
    for scenario in scenarios:
        if scenario.check is None:
            continue
        target = next(t for t in targets if t.name == scenario.name and t.scale == small)
        checks[scenario.name] = run_check(options, envs[small]["app"], scenario.name, target.counters or {})
        verdict = "ok" if checks[scenario.name]["ok"] else "FAILED"
        print(f"\ncheck after the load, {scenario.name}: {verdict} {json.dumps(checks[scenario.name])}", flush=True)
        if not checks[scenario.name]["ok"]:
            problems.append(f"{scenario.name}: the check after the load failed: {checks[scenario.name]}")
    settings = gunicorn_settings(envs[small]["app"])
    cores = machine()["cores"]
    results = {
        "baselines": {t.name: _timing(measured[(t.name, small)]) for t in targets if t.name in BASELINES},
        "scenarios": {},
        "scale": {},
        "settings": {
            "workers": settings["workers"],
            "threads": settings["threads"],
            "database": "postgresql" if envs[small]["app"]["DATABASE_URL"].startswith("postgres") else "sqlite",
            "git": revision,
            "worker_class": settings["worker_class"],
            "keepalive": settings["keepalive"],
            "preload_app": settings["preload_app"],
            "gunicorn_conf": str(GUNICORN_CONF.relative_to(ROOT)),
            "nginx": subprocess.run([bench_nginx.NGINX, "-v"], capture_output=True, text=True).stderr.strip(),
            "throttling": "on, default rates; TRUSTED_PROXIES=1, clients spread over many addresses",
            "scales": [small, large],
            "wrk": {
                "duration_s": options.duration,
                "rounds": rounds,
                "warmup_s": options.warmup,
                "threads": options.threads,
                "connections": options.connections,
            },
            "bare_const_bytes": probes[small].get("bare_const_bytes"),
            "machine": machine(),
        },
    }
    by_name = {s.name: s for s in scenarios}
    for scenario in scenarios:
        result = measured[(scenario.name, small)]
        baseline = measured[(scenario.vs, small)]["rps"] if (scenario.vs, small) in measured else 0.0
        results["scenarios"][scenario.name] = _timing(result) | {
            "errors": result["errors"],
            "queries": probes[small]["scenarios"][scenario.name]["queries"],
            "via": scenario.via,
            "vs": scenario.vs,
            "ratio": round(result["rps"] / baseline, 2) if baseline else 0.0,
        }
        if scenario.rate_counter:
            results["scenarios"][scenario.name]["rps_counts"] = scenario.rate_counter
        if scenario.name in checks:
            results["scenarios"][scenario.name]["duplicates"] = checks[scenario.name].get("duplicates")
            results["scenarios"][scenario.name]["lost"] = checks[scenario.name].get("lost")
            results["scenarios"][scenario.name]["check"] = checks[scenario.name]
        if scenario.read and (scenario.name, large) in measured:
            rps_small, rps_large = result["rps"], measured[(scenario.name, large)]["rps"]
            results["scale"][scenario.name] = {
                "rps_small": rps_small,
                "rps_large": rps_large,
                "ratio": round(rps_large / rps_small, 2) if rps_small else 0.0,
            }
    if "menu_list" in by_name and "menu_list_nothrottle" in by_name:
        on, off = measured[("menu_list", small)]["rps"], measured[("menu_list_nothrottle", small)]["rps"]
        results["throttle"] = {
            "scenario": "menu_list",
            "rps_on": on,
            "rps_off": off,
            # The machine's CPU time a request costs is cores / rps when the load keeps it busy.
            "cost_us": round((cores / on - cores / off) * 1e6) if on and off else None,
        }
    details = {
        "rounds_rps": {f"{t.name}@{t.scale}": [r["rps"] for r in t.rounds] for t in targets},
        "queries_cold": {s.name: probes[small]["scenarios"][s.name]["queries_cold"] for s in scenarios},
        "requests": {s.name: _without_lua(probes[small]["scenarios"][s.name]) for s in scenarios},
        "counters": {f"{t.name}@{t.scale}": t.counters for t in targets if t.counters},
        "nginx_cache_status": cache_status,
    }
    return results, details, problems


def run_check(options: Options, env: dict[str, str], name: str, counters: dict[str, int]) -> dict:
    """A scenario's check after the load, in Django against the small dataset (see probe.py)."""
    out = options.out / f"check-{name}.json"
    subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.probe",
            "--host",
            "127.0.0.1",
            "--out",
            str(out),
            "--check",
            name,
            "--counters",
            json.dumps(counters),
            *(["--quick"] if options.duration <= 1 else []),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


def _without_lua(request: dict) -> dict:
    """A request as details.json keeps it: its Lua (thousands of tokens) and its pool by size only."""
    kept = {key: value for key, value in request.items() if key not in ("lua", "variants")}
    return kept | {"lua_bytes": len(request["lua"] or ""), "variants": len(request.get("variants") or [])}


def _timing(result: dict) -> dict:
    return {"rps": result["rps"], "p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"]}


def table(results: dict, details: dict) -> str:
    """The results as text: queries are warm (as under load) / cold (nothing cached)."""
    scenarios = {s.name: s for s in all_scenarios()}
    header = (
        f"{'':<21} {'via':<10} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'queries':>7}  "
        f"{'vs':<16} {'ratio':>5}  target"
    )
    rows = [header]
    for name, result in results["baselines"].items():
        via = "nginx" if name.endswith("_nginx") else "app"
        rows.append(f"{name:<21} {via:<10} {result['rps']:>9.1f} {result['p50_ms']:>7.2f} {result['p99_ms']:>7.2f}")
    for name, result in results["scenarios"].items():
        scenario = scenarios[name]
        if scenario.target is None:
            goal = f"({scenario.note or 'no target'})"
        else:
            goal = f">= {scenario.target} " + ("met" if result["ratio"] >= scenario.target else "MISSED")
        if "rps_counts" in result:
            goal += f"; rps = {result['rps_counts']}/s"
        if "duplicates" in result:
            goal += f"; {result['duplicates']} duplicates, {result['lost']} lost"
        rows.append(
            f"{name:<21} {result['via']:<10} {result['rps']:>9.1f} {result['p50_ms']:>7.2f} {result['p99_ms']:>7.2f} "
            f"{result['errors']:>6} {str(result['queries']) + '/' + str(details['queries_cold'][name]):>7}  "
            f"{result['vs']:<16} {result['ratio']:>5.2f}  {goal}"
        )
    small, large = results["settings"]["scales"]
    rows.append("")
    rows.append(f"{'scale ' + str(large) + ' vs ' + str(small):<32} {'small':>9} {'large':>9} {'ratio':>5}  target")
    for name, result in results["scale"].items():
        verdict = "met" if result["ratio"] >= 0.8 else "MISSED"
        rows.append(
            f"{name:<32} {result['rps_small']:>9.1f} {result['rps_large']:>9.1f} {result['ratio']:>5.2f}"
            f"  >= 0.8 {verdict}"
        )
    s = results["settings"]
    m = s["machine"]
    if "throttle" in results:
        t = results["throttle"]
        rows.append("")
        rows.append(
            f"throttle store: {t['scenario']} {t['rps_on']:.1f} req/s with the throttles on, {t['rps_off']:.1f} off: "
            f"about {t['cost_us']} µs of the machine's CPU a request ({m['cores']} cores / req/s)"
        )
    rows.append("")
    rows.append(
        f"{s['database']}, gunicorn {s['worker_class']} {s['workers']} workers x {s['threads']} threads "
        f"(keep-alive {s['keepalive']} s, preload {s['preload_app']}), {s['nginx']}; throttling {s['throttling']}; "
        f"wrk {s['wrk']['threads']} threads, {s['wrk']['connections']} connections, {s['wrk']['duration_s']} s; "
        f"{m['cores']} cores {m['cpu']}; Python {m['python']}; git {s['git'][:12]}"
    )
    return "\n".join(rows)


def run_live_only(options: Options) -> tuple[dict, dict, list[str]]:
    """Only live benchmarks named in --only: the small scale's database, no wrk target."""
    options.out.mkdir(parents=True, exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    small = options.scales[0]
    env = server_env(database_url(options, small), secrets.token_urlsafe(50))
    print(f"\n== scale {small}: {env['DATABASE_URL'].split('@')[-1]}", flush=True)
    if env["DATABASE_URL"].startswith("postgres"):
        create_postgresql_database(options.database_url, env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    if options.seed:
        manage(env, "seed_bench", "--scale", str(small))
    manage(env, "collectstatic", "--noinput", "-v", "0")
    settings = {"database": "postgresql" if env["DATABASE_URL"].startswith("postgres") else "sqlite"}
    return {"settings": settings | {"git": git_revision(), "machine": machine()}}, {}, []


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    live_names = tuple(name for name in bench_live.NAMES if not options.only or name in options.only)
    wrk_only = tuple(name for name in options.only if name not in bench_live.NAMES + bench_reports.NAMES)
    reports = not options.only or "reports" in options.only
    try:
        if options.only and not wrk_only:
            results, details, problems = run_live_only(options) if live_names else ({}, {}, [])
        else:
            results, details, problems = run(replace(options, only=wrk_only))
        if reports:  # bench/reports.py: the reports over a year of the large scale
            reports_results, reports_problems = bench_reports.run_reports(options)
            results |= reports_results
            problems += reports_problems
        if live_names:
            small = options.scales[0]
            env = server_env(database_url(options, small), secrets.token_urlsafe(50))
            live_results, live_problems = bench_live.run_live(options, env, live_names)
            results |= live_results
            for problem in live_problems:
                # A stream carrying what its user may not see always fails the run.
                if options.live_errors == "fail" or "other customers'" in problem:
                    problems.append(problem)
                else:
                    print(f"bench: warning (--live-errors report): {problem}", file=sys.stderr)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"\nbench: {error}", file=sys.stderr)
        return 1
    (options.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (options.out / "details.json").write_text(json.dumps(details, indent=2) + "\n")
    if "baselines" in results:
        print("\n" + table(results, details))
    if live_names:
        print("\n" + bench_live.table(results))
    if "reports" in results:
        print("\n" + bench_reports.table(results))
    print(f"\nwrote {options.out / 'results.json'}")
    for problem in problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if problems else 0
