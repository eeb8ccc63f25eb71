"""The benchmark driver: dataset, servers, wrk, results. `python -m bench --help`.

For each scale (1 and 10; QUICK: 1 and 2) it builds the dataset (`manage.py seed_bench`) in
a database of its own, probes every scenario in-process (query counts, expected status; see
probe.py), then starts three servers on loopback with the same gunicorn settings
(config/gunicorn.conf.py): the bare baseline (bench/bare/) and the product, under production
settings, on each scale's database. wrk drives every target (the baselines, every scenario on
the small dataset, the read scenarios on the large one): a warm-up each, then the measured
duration in one-second rounds, interleaved, so that a machine that gets busier or quieter
during the run (other processes, CPU frequency) affects every target alike; each target's
figures are its median round's. The ratios are taken between numbers measured side by side
in this one run. After the load, a write scenario's `check` reads the database (order_place:
no duplicate order, none lost) and its verdict goes into results.json.

Exit status: non-zero when the instrument breaks (a server does not start, a request gets
the wrong status or the wrong size, wrk fails, a target has errors or a check fails). Ratios below their
targets never fail the run: they are printed.
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
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import all_scenarios
from bench.wrk import run_wrk

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
    parser.add_argument("--only", default="", help="Comma-separated scenario names (default: all).")
    parser.add_argument(
        "--round", type=int, default=1, help="Seconds per round: the duration is measured in interleaved rounds."
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


def server_env(db_url: str, secret_key: str) -> dict[str, str]:
    """Production settings on plain HTTP on loopback, throttling off, a fresh secret per run."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": db_url,
        "JWT_ACCESS_MINUTES": "240",
        **{f"THROTTLE_{scope}_RATE": "off" for scope in ("ANON", "USER", "LOGIN", "SIGNUP", "ORDER")},
    }


def gunicorn_settings(env: dict[str, str]) -> dict:
    saved = os.environ.copy()
    try:
        os.environ.update(env)
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


@contextmanager
def gunicorn(name: str, app: str, port: int, env: dict[str, str], ready_path: str, log_dir: Path):
    log = (log_dir / f"gunicorn-{name}.log").open("w")
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
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def check_status(base_url: str, name: str, request: dict, expect: int) -> int:
    """One request against the live server before the load: it must get the expected status.
    Returns the body's size."""
    sent = urllib.request.Request(
        base_url + request["path"],
        method=request["method"],
        headers=request["headers"],
        data=request["body"].encode() if request["body"] else None,
    )
    try:
        with urllib.request.urlopen(sent, timeout=10) as response:
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as error:
        status, size = error.code, len(error.read())
    if status != expect:
        raise RuntimeError(
            f"{name}: the server answered {status}, not {expect}, to {request['method']} {request['path']}"
        )
    return size


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

    def drive(self, seconds: int, options: "Options", log: Path | None) -> dict:
        result = run_wrk(self.base_url, self.request, seconds, options.threads, options.connections, log, self.offset)
        counters = result["counters"]
        self.offset += counters.get("max_span") or result["raw"]["requests"] + options.connections
        self.counters = self.counters or {}
        for name, value in counters.items():
            self.counters[name] = (
                max(self.counters.get(name, 0), value)
                if name.startswith("max_")
                else (self.counters.get(name, 0) + value)
            )
        if self.rate_counter:  # e.g. placements per second, not requests per second
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


def prepare_scale(options: Options, scale: int, env: dict[str, str], port: int, first: bool) -> dict:
    """Migrate and seed the scale's database, then probe every scenario against it."""
    db_url = env["DATABASE_URL"]
    print(f"\n== scale {scale}: {db_url.split('@')[-1]}", flush=True)
    if db_url.startswith("postgres"):
        create_postgresql_database(options.database_url, db_url)
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_bench", "--scale", str(scale))
    if first:
        manage(env, "collectstatic", "--noinput", "-v", "0")  # as a deployment does; WhiteNoise serves it
    probe_file = options.out / f"probe-scale{scale}.json"
    probe_args = ["--host", f"127.0.0.1:{port}", "--out", str(probe_file)]
    if first:
        probe_args += ["--const-file", str(options.out / "bare_const.json")]
    if options.only:
        probe_args += ["--only", ",".join(options.only)]
    subprocess.run([PYTHON, "-m", "bench.probe", *probe_args], cwd=ROOT, env=env, check=True)
    return json.loads(probe_file.read_text())


def run(options: Options) -> tuple[dict, dict, list[str]]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: `apt-get install -y wrk` (make bench does it).")
    options.out.mkdir(parents=True, exist_ok=True)
    for old in options.out.glob("wrk-*.txt"):
        old.unlink()
    (ROOT / "var").mkdir(exist_ok=True)
    revision = git_revision()  # now: the code this run loads, not whatever is checked out by its end
    scenarios = [s for s in all_scenarios() if not options.only or s.name in options.only]
    secret_key = secrets.token_urlsafe(50)
    small, large = options.scales
    ports = {"bare": free_port(), small: free_port(), large: free_port()}
    envs = {scale: server_env(database_url(options, scale), secret_key) for scale in (small, large)}
    probes = {
        scale: prepare_scale(options, scale, envs[scale], ports[scale], scale == small) for scale in (small, large)
    }

    bare_env = envs[small] | {
        "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
        "BARE_CONST_FILE": str(options.out / "bare_const.json"),
    }
    with ExitStack() as servers:
        bare = servers.enter_context(
            gunicorn("bare", "bench.bare.wsgi:application", ports["bare"], bare_env, "/bare_const", options.out)
        )
        product = {
            scale: servers.enter_context(
                gunicorn(
                    f"product-scale{scale}",
                    "config.wsgi:application",
                    ports[scale],
                    envs[scale],
                    "/health",
                    options.out,
                )
            )
            for scale in (small, large)
        }
        targets = [
            Target(name, small, bare, {"method": "GET", "path": f"/{name}", "headers": {}, "body": None}, [])
            for name in ("bare_const", "bare_sql")
        ]
        for scale in (small, large):
            targets += [
                Target(s.name, scale, product[scale], probes[scale]["scenarios"][s.name], [], s.rate_counter)
                for s in scenarios
                if scale == small or s.read
            ]
        expected = {s.name: s.expect for s in scenarios} | {"bare_const": 200, "bare_sql": 200}
        readable = {s.name for s in scenarios if s.read} | {"bare_const", "bare_sql"}
        exact = {s.name for s in scenarios if s.exact_size} | {"bare_const", "bare_sql"}
        for target in targets:
            if target.name in readable:
                size = check_status(target.base_url, target.name, target.request, expected[target.name])
                if "bytes" in target.request and target.name in exact and size != target.request["bytes"]:
                    raise RuntimeError(
                        f"{target.name} at scale {target.scale}: the server sent {size} bytes, "
                        f"the probe got {target.request['bytes']}: they do not answer the same"
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
                target.drive(options.warmup, options, None)
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
            # Every answer under load must be the one probed (say, a 304 and not a 200): the
            # body plus headers, which are well under 1.5 kB.
            average = sum(r["raw"]["bytes"] for r in target.rounds) / sum(r["raw"]["requests"] for r in target.rounds)
            if not target.request["bytes"] <= average <= target.request["bytes"] + 1500:
                problems.append(
                    f"{target.name} at scale {target.scale}: {average:.0f} bytes a response under load, "
                    f"but the probed answer has {target.request['bytes']} bytes of body"
                )
    for scenario in scenarios:
        counts = {scale: probes[scale]["scenarios"][scenario.name]["queries_cold"] for scale in (small, large)}
        if scenario.read and counts[small] != counts[large]:
            print(
                f"bench: warning: {scenario.name}: {counts[small]} queries at scale {small}, {counts[large]} at {large}"
            )
    checks = {}
    for scenario in scenarios:
        if scenario.check is None:
            continue
        target = next(t for t in targets if t.name == scenario.name and t.scale == small)
        checks[scenario.name] = run_check(options, envs[small], scenario.name, target.counters or {})
        verdict = "ok" if checks[scenario.name]["ok"] else "FAILED"
        print(f"\ncheck after the load, {scenario.name}: {verdict} {json.dumps(checks[scenario.name])}", flush=True)
        if not checks[scenario.name]["ok"]:
            problems.append(f"{scenario.name}: the check after the load failed: {checks[scenario.name]}")
    settings = gunicorn_settings(envs[small])
    results = {
        "baselines": {name: _timing(measured[(name, small)]) for name in ("bare_const", "bare_sql")},
        "scenarios": {},
        "scale": {},
        "settings": {
            "workers": settings["workers"],
            "threads": settings["threads"],
            "database": "postgresql" if envs[small]["DATABASE_URL"].startswith("postgres") else "sqlite",
            "git": revision,
            "worker_class": settings["worker_class"],
            "keepalive": settings["keepalive"],
            "preload_app": settings["preload_app"],
            "gunicorn_conf": str(GUNICORN_CONF.relative_to(ROOT)),
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
    for scenario in scenarios:
        result = measured[(scenario.name, small)]
        baseline = measured[(scenario.vs, small)]["rps"]
        results["scenarios"][scenario.name] = _timing(result) | {
            "errors": result["errors"],
            "queries": probes[small]["scenarios"][scenario.name]["queries"],
            "vs": scenario.vs,
            "ratio": round(result["rps"] / baseline, 2) if baseline else 0.0,
        }
        if scenario.rate_counter:
            results["scenarios"][scenario.name]["rps_counts"] = scenario.rate_counter
        if scenario.name in checks:
            results["scenarios"][scenario.name]["duplicates"] = checks[scenario.name].get("duplicates")
            results["scenarios"][scenario.name]["check"] = checks[scenario.name]
        if scenario.read:
            rps_small, rps_large = result["rps"], measured[(scenario.name, large)]["rps"]
            results["scale"][scenario.name] = {
                "rps_small": rps_small,
                "rps_large": rps_large,
                "ratio": round(rps_large / rps_small, 2) if rps_small else 0.0,
            }
    details = {
        "rounds_rps": {f"{t.name}@{t.scale}": [r["rps"] for r in t.rounds] for t in targets},
        "queries_cold": {s.name: probes[small]["scenarios"][s.name]["queries_cold"] for s in scenarios},
        "requests": {s.name: _without_lua(probes[small]["scenarios"][s.name]) for s in scenarios},
        "counters": {f"{t.name}@{t.scale}": t.counters for t in targets if t.counters},
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
    """A request as details.json keeps it: a write's Lua (thousands of tokens) by its size only."""
    return {key: value for key, value in request.items() if key != "lua"} | {"lua_bytes": len(request["lua"] or "")}


def _timing(result: dict) -> dict:
    return {"rps": result["rps"], "p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"]}


def table(results: dict, details: dict) -> str:
    """The results as text: queries are warm (as under load) / cold (nothing cached)."""
    targets = {s.name: s.target for s in all_scenarios()}
    header = f"{'':<20} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'queries':>7}  {'vs':<10} {'ratio':>5}"
    rows = [header + "  target"]
    for name, result in results["baselines"].items():
        rows.append(f"{name:<20} {result['rps']:>9.1f} {result['p50_ms']:>7.2f} {result['p99_ms']:>7.2f}")
    for name, result in results["scenarios"].items():
        if targets[name] is None:
            goal = "(no target)"
        else:
            goal = f">= {targets[name]} " + ("met" if result["ratio"] >= targets[name] else "MISSED")
        if "rps_counts" in result:
            goal += f"; rps = {result['rps_counts']}/s"
        if "duplicates" in result:
            goal += f"; {result['duplicates']} duplicates"
        rows.append(
            f"{name:<20} {result['rps']:>9.1f} {result['p50_ms']:>7.2f} {result['p99_ms']:>7.2f} "
            f"{result['errors']:>6} {str(result['queries']) + '/' + str(details['queries_cold'][name]):>7}  "
            f"{result['vs']:<10} {result['ratio']:>5.2f}  {goal}"
        )
    small, large = results["settings"]["scales"]
    rows.append("")
    rows.append(f"{'scale ' + str(large) + ' vs ' + str(small):<20} {'small':>9} {'large':>9} {'ratio':>5}  target")
    for name, result in results["scale"].items():
        verdict = "met" if result["ratio"] >= 0.8 else "MISSED"
        rows.append(
            f"{name:<20} {result['rps_small']:>9.1f} {result['rps_large']:>9.1f} {result['ratio']:>5.2f}"
            f"  >= 0.8 {verdict}"
        )
    s = results["settings"]
    m = s["machine"]
    rows.append("")
    rows.append(
        f"{s['database']}, gunicorn {s['worker_class']} {s['workers']} workers x {s['threads']} threads "
        f"(keep-alive {s['keepalive']} s, preload {s['preload_app']}); wrk {s['wrk']['threads']} threads, "
        f"{s['wrk']['connections']} connections, {s['wrk']['duration_s']} s; {m['cores']} cores {m['cpu']}; "
        f"Python {m['python']}; git {s['git'][:12]}"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    try:
        results, details, problems = run(options)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"\nbench: {error}", file=sys.stderr)
        return 1
    (options.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (options.out / "details.json").write_text(json.dumps(details, indent=2) + "\n")
    print("\n" + table(results, details))
    print(f"\nwrote {options.out / 'results.json'}")
    for problem in problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if problems else 0
