"""Runs inside Django, against the seeded benchmark database, with the server's settings.

For every scenario: prepare the request (ids, a real JWT), send it with Django's test client
and count its queries (CaptureQueriesContext): cold (empty caches) and warm (the request
again, as the server answers it under load); then some other variants of a read (every 20th
user of its pool, and the last) once. Checks each answered the expected status, records the smallest and largest
body, and writes the menu list page's bytes for the `bare_const` baseline.

    python -m bench.probe --host 127.0.0.1:8001 --out probe.json --const-file bare_const.json

After the load, `--check NAME --counters JSON` runs the scenario's check on the database
(e.g. no duplicate orders) and writes its result to --out.
"""

import argparse
import json
import sys
from pathlib import Path


class Context:
    """What a scenario's `prepare(ctx)` gets.

    Every request it sends comes from an address of its own (X-Forwarded-For, which the
    server's settings trust from one proxy), so that the probe never meets the anonymous
    throttle, which stays on at its production rate."""

    def __init__(self, host: str):
        from django.test import Client

        self.host = host
        self.client = Client(HTTP_HOST=host)
        self.sent = 0

    def address(self) -> dict[str, str]:
        self.sent += 1
        return {"X-Forwarded-For": f"10.255.{self.sent // 256 % 256}.{self.sent % 256}"}

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self.client.get(path, headers=(headers or {}) | self.address())

    def etag(self, path: str, headers: dict[str, str] | None = None) -> str:
        """The ETag a GET of `path` answers with (it must send one)."""
        response = self.get(path, headers)
        assert response.status_code == 200, f"GET {path}: {response.status_code}"
        assert response.headers.get("ETag"), f"GET {path} carries no ETag"
        return response.headers["ETag"]

    def bearer(self, user) -> dict[str, str]:
        """An Authorization header with a real access token for `user`."""
        from rest_framework_simplejwt.tokens import AccessToken

        return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}

    def session_cookie(self, user) -> str:
        """A Cookie header with a real session of `user` (stored where the server reads it)."""
        import logging

        from django.conf import settings
        from django.test import Client

        client = Client(HTTP_HOST=self.host)
        logging.getLogger("axes").setLevel(logging.WARNING)  # not a line per log-in of the pool
        client.force_login(user)
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def send(self, request, variant: dict[str, str] | None = None):
        headers = request.headers | (variant or {})
        path = headers.pop(":path", request.path)
        return self.client.generic(
            request.method,
            path,
            data=request.body or "",
            content_type="application/json",
            headers=headers | self.address(),
        )


def _clear_caches() -> None:
    """Empty every cache the product keeps in this process, for the cold count."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        if alias != "throttle":  # the throttles' counters
            caches[alias].clear()


def _count(ctx: Context, request, variant: dict[str, str] | None = None) -> tuple[int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = ctx.send(request, variant)
    return response.status_code, len(queries), len(response.content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True, help="Host header the load will send (host:port).")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--const-file", type=Path, help="Write the menu list page here (bare_const's body).")
    parser.add_argument("--only", default="", help="Comma-separated scenario names (default: all).")
    parser.add_argument("--check", help="Run this scenario's post-load check instead of probing.")
    parser.add_argument("--counters", default="{}", help="With --check: the Lua counters (JSON).")
    parser.add_argument("--quick", action="store_true", help="With --check: a quick run's lighter check.")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from bench.scenarios import all_scenarios
    from bench.scenarios.menu import LIST

    if args.check:
        scenario = next(s for s in all_scenarios() if s.name == args.check)
        assert scenario.check is not None, f"{scenario.name} has no check"
        checked = scenario.check(json.loads(args.counters), quick=args.quick)
        args.out.write_text(json.dumps(checked, indent=2))
        return 0

    ctx = Context(args.host)
    _clear_caches()
    result: dict = {"scenarios": {}}
    if args.const_file:
        response = ctx.get(LIST)
        assert response.status_code == 200, response.status_code
        args.const_file.write_bytes(response.content)
        result["bare_const_bytes"] = len(response.content)

    failures = []
    only = {name for name in args.only.split(",") if name}
    for scenario in all_scenarios():
        if only and scenario.name not in only:
            continue
        _clear_caches()
        request = scenario.prepare(ctx)
        variants = list(request.variants) or [{}]
        _clear_caches()
        status, cold, size = _count(ctx, request, variants[0])
        warm, statuses, sizes = cold, [status], [size]
        if scenario.read:  # again, as the server answers it under load (from its caches)
            status, warm, size = _count(ctx, request, variants[0])
            statuses.append(status)
            sizes = [size]
            # Some users of the pool (every 20th, and the last) get the expected answer too; under
            # load, every answer's size is checked against these (a 200 for a 304 would show).
            for variant in [*variants[1:-1:20], *variants[-1:]][: len(variants) - 1]:
                answered, _, size = _count(ctx, request, variant)
                statuses.append(answered)
                sizes.append(size)
        if any(answered != scenario.expect for answered in statuses):
            failures.append(
                f"{scenario.name}: {request.method} {request.path} answered "
                f"{sorted(set(statuses))}, not {scenario.expect}"
            )
        result["scenarios"][scenario.name] = {
            "method": request.method,
            "path": request.path,
            "headers": request.headers,
            "body": request.body,
            "lua": request.lua,
            "variants": variants if request.variants else [],
            "status": status,
            "queries_cold": cold,
            "queries": warm,
            "bytes": min(sizes),
            "bytes_max": max(sizes),
        }
    args.out.write_text(json.dumps(result, indent=2))
    for failure in failures:
        print(f"probe: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
