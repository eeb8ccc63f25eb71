"""Run wrk with a generated Lua script and read its result.

The script sets the method, headers and body, appends the scenario's own Lua (if any) and a
`done()` hook that prints one JSON line: requests, duration, latency percentiles, errors.
wrk counts a status above 399 as an error (so 304 is a success); the socket errors (connect,
read, write, timeout) count too.

What a scenario's Lua may use: `thread_id` (0-based, set in each thread before its `init()`),
`thread_count`, `bench_offset` (how many requests this target was sent before this wrk
run, an upper bound: a write scenario can make every request of the whole benchmark unique),
and `counters`, a list of global names: `done()` sums those globals over the threads (takes
the largest for a name starting `max_`) and reports them (say, the placements that answered
201). A `max_span` counter tells the driver how far the next run's `bench_offset` must move.

A read's script comes from `read_lua`: each thread builds a ring of requests in `init()` and
sends them in turn, each with its own client address (the throttles stay on) and, when the
read has a pool of users, the next user's headers.
"""

import json
import subprocess
import tempfile
from pathlib import Path

MARKER = "BENCH_RESULT "
PRELUDE = r"""
counters = {}
local bench_threads = {}
setup = function(thread)
  thread:set("thread_id", #bench_threads)
  table.insert(bench_threads, thread)
end
"""
REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  local sums = {}
  for _, name in ipairs(counters) do
    local total = 0
    for _, thread in ipairs(bench_threads) do
      local value = thread:get(name) or 0
      if name:sub(1, 4) == "max_" then total = math.max(total, value) else total = total + value end
    end
    table.insert(sums, string.format('"%s": %d', name, total))
  end
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "counters": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout, table.concat(sums, ", ")))
end
"""


READ = r"""
local ring, ring_size, sent = {}, 16384, 0
init = function(args)
  local variants = #BENCH_VARIANTS
  for i = 0, ring_size - 1 do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    local path = wrk.path
    if variants > 0 then
      for name, value in pairs(BENCH_VARIANTS[(i + thread_id * 7) % variants + 1]) do
        if name == ":path" then path = value else headers[name] = value end
      end
    end
    if BENCH_ADDRESS_HEADER ~= "" then
      headers[BENCH_ADDRESS_HEADER] = string.format("10.%d.%d.%d",
        (BENCH_ADDRESS_PREFIX + thread_id) % 256, math.floor(i / 256), i % 256)
    end
    ring[i + 1] = wrk.format(wrk.method, path, headers, wrk.body)
  end
end
request = function()
  sent = sent + 1
  return ring[(sent - 1) % ring_size + 1]
end
"""


def read_lua(variants: list[dict[str, str]], address_header: str, address_prefix: int) -> str:
    """A read's script: a ring of 16,384 requests a thread, each from its own address
    `10.<prefix + thread>.x.y` in `address_header` (none if empty), rotating through `variants`."""
    rows = ",\n".join(
        "{" + ", ".join(f"[ {lua_string(name)} ] = {lua_string(value)}" for name, value in variant.items()) + "}"
        for variant in variants
    )
    return (
        f"BENCH_VARIANTS = {{\n{rows}\n}}\nBENCH_ADDRESS_HEADER = {lua_string(address_header)}\n"
        f"BENCH_ADDRESS_PREFIX = {address_prefix}\n" + READ
    )


def lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def script(request: dict, offset: int = 0, threads: int = 1) -> str:
    lines = [
        PRELUDE,
        f"bench_offset = {offset}",
        f"thread_count = {threads}",
        f"wrk.method = {lua_string(request['method'])}",
        # The host the probe used and nginx passes on ($host): the same page links alike.
        'wrk.headers["Host"] = "127.0.0.1"',
    ]
    for name, value in request["headers"].items():
        lines.append(f"wrk.headers[ {lua_string(name)} ] = {lua_string(value)}")
    if request["body"]:
        lines.append(f"wrk.body = {lua_string(request['body'])}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    if request.get("lua"):
        lines.append(request["lua"])
    return "\n".join(lines) + "\n" + REPORT


def run_wrk(
    base_url: str,
    request: dict,
    duration: int,
    threads: int,
    connections: int,
    log: Path | None,
    offset: int = 0,
    *,
    allow_empty: bool = False,
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script(request, offset, threads))
    try:
        completed = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", lua.name, base_url + request["path"]],
            capture_output=True,
            text=True,
            timeout=duration + 60,
        )
    finally:
        Path(lua.name).unlink()
    if log is not None:
        with log.open("a") as output:
            output.write(completed.stdout + completed.stderr)
    line = next((line for line in completed.stdout.splitlines() if line.startswith(MARKER)), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    raw = json.loads(line[len(MARKER) :])
    if raw["requests"] == 0 and not allow_empty:  # a warm-up on a cold, busy server may finish none
        raise RuntimeError(f"wrk made no request to {request['path']}: {completed.stdout}")
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "errors": sum(raw[key] for key in ("connect", "read", "write", "status", "timeout")),
        "counters": raw["counters"],
        "raw": raw,
    }
