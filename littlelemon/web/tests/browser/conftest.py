"""Browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live_server.

* One Chromium per test process (`chromium`, session scope), started the first time a test of
  that process needs it: under pytest-xdist every worker has its own browser, its own live
  server (on a free port) and its own test database, so workers share nothing. Playwright gives
  each launch a fresh temporary profile.
* Each test gets fresh browser contexts (no cookies, no storage) whose base URL is the live
  server: `page.goto("/menu/")`.
* Every HTML page is served to Chromium with a strict Content-Security-Policy (no inline script
  or style, same origin only); a violation, or an uncaught JavaScript error, fails the test.
* The live server runs in another thread, so the tests' data must be committed: live_server makes
  the tests transactional (pytest-django runs them after the others and empties the tables
  after each).
* Playwright's sync API marks its asyncio loop as running in this thread after every call, and
  Django refuses ORM calls while a loop runs (SynchronousOnlyOperation). So Playwright's loop is
  attached to the thread only while a browser test runs, and DJANGO_ALLOW_ASYNC_UNSAFE is set
  only then (monkeypatch), for the tests' own synchronous ORM calls; the database connections
  those calls open are closed when the test ends. The tests that a worker runs afterwards, and
  the processes they start, see a plain synchronous thread and a clean environment; the
  server's code and settings never see the variable.
* Actions and assertions wait up to ACTION_TIMEOUT_MS (Playwright's `expect` would give up after
  5 s, half what its actions get; under a loaded CI run, with the other worker's servers and
  browser on the same cores, that is too short for a live update to go round).
* On a failure, pytest shows what each page asked the server (its requests and responses, with
  times since the page opened; static files left out), and what an `asgi_server` logged.
* Chromium must exist: `make test` installs Debian's package when /usr/bin/chromium is missing.
  Without it these tests fail (they are never skipped).
"""

import asyncio
import os
import time

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
ACTION_TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}

expect.set_options(timeout=ACTION_TIMEOUT_MS)


@pytest.fixture(scope="session")
def chromium() -> tuple[Browser, asyncio.AbstractEventLoop]:
    """The worker's Chromium, and Playwright's event loop (detached from the thread between tests)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium).")
    playwright = sync_playwright().start()
    loop = asyncio.get_running_loop()  # Playwright's, marked as running in this thread
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        asyncio._set_running_loop(None)
        yield browser, loop
        asyncio._set_running_loop(loop)
        browser.close()
    finally:
        asyncio._set_running_loop(loop)
        playwright.stop()
        asyncio._set_running_loop(None)


@pytest.fixture
def browser(chromium, monkeypatch) -> Browser:
    """The worker's Chromium, with Playwright's loop attached for the length of one test."""
    browser, loop = chromium
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    asyncio._set_running_loop(loop)
    yield browser
    # While a loop runs, Django keeps this thread's database connections apart, in the running
    # context: close those the test opened, or they outlive it (and, on PostgreSQL, block
    # dropping the test database at the end of the run).
    connections.close_all()
    asyncio._set_running_loop(None)


def _serve_with_csp(route: Route, *, csp: str = CSP) -> None:
    if route.request.resource_type != "document":
        route.continue_()
        return
    # Redirects go back to the browser, which follows them (and comes back through here).
    response = route.fetch(max_redirects=0)
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})


def _log_network(context, lines: list[str]) -> None:
    """Append each request, response and failure of `context` (static files left out) to `lines`."""
    opened = time.monotonic()

    def note(request, what) -> None:
        if "/static/" not in request.url:
            lines.append(f"{time.monotonic() - opened:8.3f} {request.method} {request.url} {what}")

    context.on("request", lambda request: note(request, "sent"))
    context.on("response", lambda response: note(response.request, response.status))
    context.on("requestfailed", lambda request: note(request, f"failed: {request.failure}"))


def csp_with(origins: list[str]) -> str:
    """The strict policy, plus `origins` as script, connect and frame sources (Stripe.js: the
    card step's page adds exactly these for STRIPE_JS_URL's origin)."""
    extra = " ".join(origins)
    return (
        CSP.replace("script-src 'self'", f"script-src 'self' {extra}").replace(
            "connect-src 'self'", f"connect-src 'self' {extra}"
        )
        + f"; frame-src {extra}"
    )


@pytest.fixture(autouse=True)
def _poll_on_wsgi(settings):
    """pytest-django's live_server is WSGI, where a stream would be buffered until it ends: its
    pages poll (LIVE_MODE=poll). A test served by `asgi_server` (uvicorn, its own process and
    settings) streams."""
    settings.LIVE_MODE = "poll"


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(viewport=..., java_script_enabled=...)`: a page in a fresh context on the live server
    (or on another server: `new_page(base_url=asgi_server.url)`); `csp_sources=[origin]` allows one
    more origin's scripts and connections (Stripe.js on the card step)."""
    contexts, problems, network = [], [], []

    def make(csp_sources: list[str] | None = None, **options) -> Page:
        context = browser.new_context(**{"base_url": live_server.url, "viewport": DESKTOP, **options})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        _log_network(context, network)
        csp = csp_with(csp_sources) if csp_sources else CSP
        context.route("**/*", lambda route: _serve_with_csp(route, csp=csp))
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
        )
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()
    print("\n".join(["What the pages asked (seconds since their browser context opened):", *network]))
    assert problems == [], "the pages broke their Content-Security-Policy or threw"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def phone(new_page) -> Page:
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def demo(transactional_db):
    """The demo restaurant (`seed_demo`): 51 dishes on the menu, opening hours, demo users."""
    call_command("seed_demo", "--force", "--quiet-logins")
