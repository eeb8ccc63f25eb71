"""The product as deployed: the shipped nginx configuration (deploy/nginx) in front of gunicorn
with production settings and TRUSTED_PROXIES=1, both started for real on loopback.

What only the pair can show: public menu reads answered by nginx and fresh again within the
app's max-age + stale-while-revalidate, no user's answer ever served to another, Django's
throttles seeing each client's own address while nginx limits what it answers from its cache,
slow clients held by nginx instead of gunicorn's workers, and the refusals nginx makes itself
(413, 414, 431, 429) in the API's error shape under /api/.

Clients come from separate loopback addresses (127.0.0.2, 127.0.0.3, ...), so nginx and the
throttles see separate clients, as they would on the internet.
"""

import contextlib
import itertools
import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.html import escape

from littlelemon.core.tests.servers import Client, Proxy, Reply, Server, environment, gunicorn, manage, nginx

pytestmark = pytest.mark.server

MAX_AGE, STALE = 1, 1  # the app's HTTP_CACHE_MAX_AGE and HTTP_CACHE_STALE_WHILE_REVALIDATE here
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
PASSWORD = "a-long-lemon-pass-phrase-42"
MENU = "/api/v1/menu-items/"
CART = "/api/v1/cart/"
ME = "/api/v1/auth/users/me/"
RECOMMENDATIONS = "/api/v1/recommendations/"
CART_TOKEN = "X-Cart-Token"
MANAGERS = "/api/v1/groups/manager/users/"
KITCHEN = "/api/v1/groups/kitchen/users/"  # managers may list it, customers may not
NGINX_THROTTLED = {"detail": "Request was throttled. Try again shortly.", "code": "throttled"}


def api_error(reply) -> dict:
    """An error body in the API's shape, once checked that it names the request's id (nginx's
    own, or the app's echo of it: the X-Request-ID header)."""
    body = reply.json()
    assert body.pop("request_id") == reply.headers["X-Request-ID"]
    return body


_addresses = (f"127.0.{high}.{low}" for high in itertools.count(1) for low in range(2, 255))


@dataclass(frozen=True)
class Site:
    app: Server
    proxy: Proxy

    def client(self) -> Client:
        """A client from an address no other test has used: its own limits and throttle counters."""
        return Client(self.proxy.url, source=next(_addresses))

    def login(self, username: str, password: str) -> str:
        reply = self.client().post("/api/v1/auth/jwt/create/", {"username": username, "password": password})
        assert reply.status == 200, reply.body
        return reply.json()["access"]

    def sign_up(self, username: str) -> tuple[int, str]:
        client = self.client()
        reply = client.post(
            "/api/v1/auth/users/", {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        )
        assert reply.status == 201, reply.body
        return reply.json()["id"], self.login(username, PASSWORD)


def _start(tmp_path: Path, app_env: dict[str, str], *, pages: bool = False, **nginx_values: str):
    """The app's environment, migrated and seeded; with `pages`, collectstatic's output too (the
    pages name its hashed files), which nginx serves."""
    static = tmp_path / "static"
    env = environment(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", TRUSTED_PROXIES="1", STATIC_ROOT=str(static), **app_env
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force", "--quiet-logins")
    if pages:
        manage(env, "collectstatic", "--noinput")
    return env, {"STATIC_ROOT": str(static), **nginx_values}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("proxy")
    env, values = _start(
        tmp_path,
        {
            "HTTP_CACHE_MAX_AGE": str(MAX_AGE),
            "HTTP_CACHE_STALE_WHILE_REVALIDATE": str(STALE),
            "UPLOAD_MAX_BYTES": str(UPLOAD_MAX_BYTES),
            **{f"THROTTLE_{scope}_RATE": "10000/min" for scope in ("ANON", "USER", "LOGIN", "SIGNUP", "ORDER")},
        },
        pages=True,
        UPLOAD_MAX_BYTES=str(UPLOAD_MAX_BYTES),
        NGINX_CLIENT_TIMEOUT="3s",
    )
    with gunicorn(env, tmp_path, workers=2, deployed=True) as app, nginx(app, tmp_path, **values) as proxy:
        yield Site(app, proxy)


def max_age(reply: Reply) -> int:
    """The freshness the app grants a shared cache (0: none, every answer goes to the app)."""
    directives = [part.strip() for part in reply.headers.get("Cache-Control", "").lower().split(",")]
    if "public" not in directives or "no-cache" in directives or "no-store" in directives:
        return 0
    found = [int(part.split("=", 1)[1]) for part in directives if part.startswith(("s-maxage=", "max-age="))]
    return min(found, default=0)


def price_of(reply: Reply) -> Decimal:
    assert reply.status == 200, reply.body
    return Decimal(reply.json()["price"])


# --- (a) freshness: the public menu from nginx's cache, a change visible within max-age + SWR ---


def test_repeated_anonymous_menu_reads_are_answered_by_nginx_as_the_app_allows(site):
    client = site.client()
    dish = client.get(MENU).json()["results"][0]
    path = f"{MENU}{dish['id']}/"

    replies = [client.get(path) for _ in range(4)]

    assert [reply.json()["title"] for reply in replies] == [dish["title"]] * 4
    statuses = [reply.headers["X-Cache-Status"] for reply in replies]
    if max_age(replies[0]):
        # the app grants freshness: the repeats inside it are nginx's own answers
        assert statuses[0] in {"MISS", "EXPIRED", "REVALIDATED", "STALE", "UPDATING", "HIT"}
        assert "HIT" in statuses[1:], statuses
    else:
        # `no-cache` (or none granted): nginx stores nothing and asks the app every time
        assert set(statuses) == {"MISS"}, statuses


def test_a_price_change_is_visible_through_nginx_within_max_age_plus_stale_while_revalidate(site):
    manager = site.login("manager", "lemon-manager")
    reader = site.client()
    dish = reader.get(MENU).json()["results"][1]
    path = f"{MENU}{dish['id']}/"
    before = price_of(reader.get(path))
    price_of(reader.get(path))  # now in nginx's cache, if the app allows it
    new_price = before + Decimal("1.25")

    changed = site.client().request("PATCH", path, {"price": str(new_price)}, token=manager)
    assert changed.status == 200, changed.body
    changed_at = time.monotonic()

    # The app's promise is max-age + stale-while-revalidate; allow a loaded machine's scheduling
    # on top. The answers seen are either the old price (while it may be stale) or the new one.
    deadline = changed_at + MAX_AGE + STALE + 5
    seen = []
    while time.monotonic() < deadline:
        seen.append(price_of(reader.get(path)))
        if seen[-1] == new_price:
            break
        time.sleep(0.2)
    assert seen[-1] == new_price, f"still {seen[-1]} through nginx after {MAX_AGE + STALE + 5}s: {seen}"
    assert set(seen) <= {before, new_price}
    # and from then on, nothing older: the cache never goes back to the old answer
    assert {price_of(reader.get(path)) for _ in range(3)} == {new_price}


# --- (b) no user's answer to anyone else -------------------------------------------------


@pytest.fixture(scope="module")
def two_customers(site):
    dishes = site.client().get(MENU).json()["results"]
    customers = []
    for index, dish in enumerate(dishes[2:4]):
        user_id, token = site.sign_up(f"proxy-customer-{index}")
        added = site.client().post("/api/v1/cart/items/", {"menuitem": dish["id"], "quantity": 1 + index}, token=token)
        assert added.status in (200, 201), added.body
        customers.append((user_id, token, dish["title"]))
    return customers


def cart_titles(reply: Reply) -> list[str]:
    assert reply.status == 200, reply.body
    return [line["title"] for line in reply.json()["items"]]


def test_a_cart_is_never_served_to_another_user_or_to_an_anonymous_client(site, two_customers):
    (_, ann, ann_dish), (_, bob, bob_dish) = two_customers
    client = site.client()  # one address, one URL, different credentials in turn

    answers = [(token, client.get(CART, token=token)) for token in (ann, bob, ann, bob, None, ann)]

    for token, reply in answers:
        if token is None:
            assert reply.status == 401 and reply.json()["code"] == "not_authenticated"
            assert "items" not in reply.json()
        else:
            assert cart_titles(reply) == ([ann_dish] if token == ann else [bob_dish])
        assert reply.headers.get("X-Cache-Status") != "HIT"
    assert [reply.headers.get("X-Cache-Status") for token, reply in answers if token] == ["BYPASS"] * 5


def test_an_anonymous_read_after_a_signed_in_one_is_not_that_users_answer(site, two_customers):
    (ann_id, ann, _), _ = two_customers
    client = site.client()

    me = client.get(ME, token=ann)
    anonymous = client.get(ME)

    assert me.status == 200 and me.json()["id"] == ann_id
    assert anonymous.status == 401 and anonymous.json()["code"] == "not_authenticated"


def test_after_log_out_the_same_token_and_cookie_get_nothing_of_the_users(site):
    user_id, token = site.sign_up("proxy-leaver")
    refresh = site.client().post("/api/v1/auth/jwt/create/", {"username": "proxy-leaver", "password": PASSWORD})
    client = site.client()
    assert client.get(ME, token=token).json()["id"] == user_id

    logged_out = client.post("/api/v1/auth/jwt/blacklist/", {"refresh": refresh.json()["refresh"]}, token=token)
    assert logged_out.status == 200, logged_out.body
    refreshed = client.post("/api/v1/auth/jwt/refresh/", {"refresh": refresh.json()["refresh"]})

    assert refreshed.status == 401 and "access" not in refreshed.json()
    # the web session: signed in, the account page is theirs; signed out, the same cookie is nobody's
    web = site.client()
    _web_login(web, "proxy-leaver")
    account = web.get("/account/")
    assert account.status == 200 and b"proxy-leaver" in account.body
    page = web.get("/account/")
    assert page.headers.get("X-Cache-Status") == "BYPASS"
    session_cookie = dict(web.cookies)
    logout = web.post("/account/logout/", form={"csrfmiddlewaretoken": _csrf(web.get("/account/"))})
    assert logout.status == 302, logout.body
    replayed = Client(site.proxy.url, source=web.source, cookies=session_cookie).get("/account/")
    assert replayed.status == 302 and "/account/login/" in replayed.headers["Location"]
    assert b"proxy-leaver" not in replayed.body


def _csrf(reply: Reply) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', reply.body)
    assert match, reply.body[:500]
    return match.group(1).decode()


def _web_login(client: Client, username: str) -> None:
    form = client.get("/account/login/")
    assert form.status == 200
    reply = client.post(
        "/account/login/", form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(form)}
    )
    assert reply.status == 302, reply.body[:500]
    assert "sessionid" in client.cookies


def test_a_session_cookie_web_page_is_each_users_own(site, two_customers):
    (_, _, ann_dish), (_, _, bob_dish) = two_customers
    ann, bob, anonymous = site.client(), site.client(), site.client()
    _web_login(ann, "proxy-customer-0")
    _web_login(bob, "proxy-customer-1")

    pages = {name: client.get("/cart/") for name, client in (("ann", ann), ("bob", bob), ("anonymous", anonymous))}
    again = ann.get("/cart/")

    ann_html, bob_html = (escape(title).encode() for title in (ann_dish, bob_dish))  # "Za'atar": "Za&#x27;atar"
    assert ann_html in pages["ann"].body and bob_html not in pages["ann"].body
    assert bob_html in pages["bob"].body and ann_html not in pages["bob"].body
    assert ann_html not in pages["anonymous"].body and bob_html not in pages["anonymous"].body
    assert again.body.count(ann_html) == pages["ann"].body.count(ann_html)
    assert {pages["ann"].headers["X-Cache-Status"], pages["bob"].headers["X-Cache-Status"]} == {"BYPASS"}


def test_a_guest_carts_recommendations_are_its_own_never_nginxs_public_copy(site):
    """`/recommendations/` is public without a cart, the guest cart's own with `X-Cart-Token`:
    nginx treats the token as a credential (never answered from, nor stored in, its cache)."""
    client = site.client()
    public = [client.get(RECOMMENDATIONS) for _ in range(2)]  # the second one nginx's, if fresh
    popular = [dish["id"] for dish in public[0].json()["results"]]
    assert popular, public[0].body
    token = client.post("/api/v1/cart/guest/").json()["token"]
    added = client.post("/api/v1/cart/items/", {"menuitem": popular[0], "quantity": 1}, headers={CART_TOKEN: token})
    assert added.status == 201, added.body

    guest = client.get(RECOMMENDATIONS, headers={CART_TOKEN: token})
    public_again = client.get(RECOMMENDATIONS)

    assert guest.status == 200 and guest.headers["X-Cache-Status"] == "BYPASS"
    assert popular[0] not in [dish["id"] for dish in guest.json()["results"]]
    assert "X-Cart-Token" in guest.headers["Vary"]
    assert popular[0] in [dish["id"] for dish in public_again.json()["results"]]  # nothing of the cart's


def test_a_role_change_is_seen_at_once_by_the_same_token_through_nginx(site):
    admin = site.login("admin", "lemon-admin")
    user_id, token = site.sign_up("proxy-promoted")
    client = site.client()

    before = (client.get(KITCHEN, token=token), client.get(ME, token=token))
    promoted = site.client().post(MANAGERS, {"user": user_id}, token=admin)
    during = (client.get(KITCHEN, token=token), client.get(ME, token=token))
    demoted = site.client().request("DELETE", f"{MANAGERS}{user_id}/", token=admin)
    after = (client.get(KITCHEN, token=token), client.get(ME, token=token))

    assert promoted.status == 201, promoted.body
    assert demoted.status == 204, demoted.body
    assert before[0].status == 403 and before[1].json()["roles"] == []
    # The demo's kitchen staff: its cook, and the cook invited who has not set a password yet.
    kitchen_staff = [member["username"] for member in during[0].json()["results"]]
    assert during[0].status == 200 and kitchen_staff == ["kitchen", "new.cook@littlelemon.localhost"]
    assert during[1].json()["roles"] == ["manager"]
    assert after[0].status == 403 and after[1].json()["roles"] == []


# --- static files from disk -----------------------------------------------------------------


def test_static_files_are_nginxs_with_long_cache_headers(site):
    manifest = json.loads((Path(site.proxy.root.parent) / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["web/favicon.svg"]

    served = site.client().get(f"/static/{hashed}")
    plain = site.client().get("/static/web/favicon.svg")
    missing = site.client().get("/static/web/no-such-file.svg")

    assert served.status == 200 and served.body.startswith(b"<svg")
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["Content-Type"] == "image/svg+xml"
    assert "X-Cache-Status" not in served.headers  # from disk, not through the app
    assert plain.status == 200 and plain.headers["Cache-Control"] == "public, max-age=3600"
    assert missing.status == 404


# --- (d) slow clients are nginx's, not gunicorn's ------------------------------------------


def test_a_hundred_clients_trickling_a_body_do_not_stop_health_through_nginx(site):
    """gunicorn runs 2 workers × 4 threads here: were these 100 requests passed on as they
    arrive, every thread would wait on a trickle. nginx reads each body to the end (or drops the client after
    NGINX_CLIENT_TIMEOUT of silence) before gunicorn sees anything."""
    host, port = site.proxy.url.removeprefix("http://").split(":")
    slow = []
    for _ in range(100):
        connection = socket.create_connection((host, int(port)), timeout=30, source_address=(next(_addresses), 0))
        connection.sendall(
            b"POST /api/v1/cart/items/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        slow.append(connection)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):
            for connection in slow:
                with contextlib.suppress(OSError):  # one nginx has dropped: the others go on
                    connection.sendall(b" ")

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        health = [site.client().get("/health") for _ in range(5)]
        menu = site.client().get(MENU)
        still_waiting = [_nothing_to_read(connection) for connection in slow]
    finally:
        stop.set()
        trickler.join()

    assert [(reply.status, reply.json()) for reply in health] == [(200, {"status": "ok"})] * 5
    assert menu.status == 200 and menu.json()["results"]
    assert all(still_waiting)  # every trickling request is still being read by nginx
    # Once they fall silent, nginx drops them after its client body timeout (3 s here).
    for connection in slow:
        with connection:
            assert _read_until_closed(connection) in (b"", b"HTTP/1.1 408")


def _nothing_to_read(connection: socket.socket) -> bool:
    """No answer and no close yet: the server is still reading this request."""
    connection.setblocking(False)
    try:
        connection.recv(1)  # an answer (b"...") or a close (b"")
    except BlockingIOError:
        return True
    finally:
        connection.setblocking(True)
    return False


def _read_until_closed(connection: socket.socket) -> bytes:
    connection.settimeout(60)
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received[:12]


# --- (e) refusals by size, in the API's error shape under /api/ -----------------------------


def test_a_body_over_the_upload_limit_is_refused_by_nginx_in_the_apis_shape(site):
    token = site.login("manager", "lemon-manager")
    body = b"x" * (UPLOAD_MAX_BYTES + 1)

    api = site.client().post(MENU, body=body, token=token, headers={"Content-Type": "multipart/form-data; boundary=x"})
    page = site.client().post("/cart/add/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert api.status == 413
    assert api.headers["Content-Type"] == "application/json"
    assert api_error(api) == {
        "detail": "The request body is larger than this server accepts.",
        "code": "request_too_large",
    }
    assert page.status == 413 and page.headers["Content-Type"].startswith("text/html")
    assert b"larger than this server accepts" in page.body


@pytest.mark.parametrize(("which", "size"), [("site", 1024 * 1024 + 1), ("throttled_site", 8 * 1024 * 1024)])
def test_a_json_body_over_the_apps_own_limit_is_the_apps_413_in_the_same_shape(request, which, size):
    """The app refuses by Content-Length without reading the body; gunicorn's post_request hook
    reads it before the connection closes (throttled_site: keep-alive off), else nginx, still
    sending it, meets a reset connection and answers 502."""
    site = request.getfixturevalue(which)
    token = site.login("manager", "lemon-manager")
    body = b'{"title": "' + b"x" * size + b'"}'  # over DATA_UPLOAD_MAX_MEMORY_SIZE, under nginx's limit

    reply = site.client().post(MENU, body=body, token=token, headers={"Content-Type": "application/json"})

    assert reply.status == 413
    # the app's own answer (it names its limit), passed on: not a 502 for a body it did not read
    assert api_error(reply) == {
        "detail": f"The request body is {len(body)} bytes; this server accepts at most {1024 * 1024}.",
        "code": "request_too_large",
    }


def test_a_uri_too_long_is_a_414_in_the_apis_shape_and_html_elsewhere(site):
    long = "x" * 5000

    api = site.client().get(f"{MENU}?search={long}")
    page = site.client().get(f"/menu/?q={long}")

    assert api.status == 414
    assert api_error(api) == {"detail": "The request URI is longer than this server accepts.", "code": "uri_too_long"}
    assert page.status == 414 and page.headers["Content-Type"].startswith("text/html")
    assert b"The request URI is longer" in page.body


@pytest.mark.parametrize("header", ["Cookie", "X-Padding"])
def test_a_header_too_large_is_a_431_in_the_apis_shape(site, header):
    value = "a=" + "x" * 5000

    api = site.client().get(MENU, headers={header: value})
    page = site.client().get("/menu/", headers={header: value})

    assert api.status == 431
    assert api_error(api) == {
        "detail": "The request headers (or cookies) are larger than this server accepts.",
        "code": "headers_too_large",
    }
    assert page.status == 431 and b"headers (or cookies) are larger" in page.body


def test_the_schema_documents_the_proxys_refusals_with_the_error_component(site):
    import yaml

    schema = yaml.safe_load(site.client().get("/api/schema/").body)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("414", "431") + (("413",) if method in ("post", "put", "patch") else ()):
                response = operation["responses"].get(code)
                assert response, (method, path, code)
                assert response["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
                assert response["description"]


# --- (c) throttles: Django counts what reaches it, nginx limits what it answers from its cache --


@pytest.fixture(scope="module")
def throttled_site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("proxy-throttled")
    env, values = _start(
        tmp_path,
        # and gunicorn's sync worker, which closes every connection after its answer
        {
            "THROTTLE_ANON_RATE": "3/min",
            "HTTP_CACHE_MAX_AGE": "60",
            "HTTP_CACHE_STALE_WHILE_REVALIDATE": "0",
            "GUNICORN_WORKER_CLASS": "sync",
        },
        NGINX_CACHED_RATE="1r/m",
        NGINX_CACHED_BURST="5",
    )
    with gunicorn(env, tmp_path, workers=2, deployed=True) as app, nginx(app, tmp_path, **values) as proxy:
        yield Site(app, proxy)


def is_django_throttled(reply: Reply) -> bool:
    return reply.status == 429 and reply.json()["detail"].startswith("Request was throttled. Expected available in")


def test_django_counts_each_clients_requests_by_the_address_nginx_saw(throttled_site):
    first, second, forger = (throttled_site.client() for _ in range(3))
    # distinct URLs: none of these can be answered from the cache, each one reaches Django
    replies = [first.get(f"/api/v1/categories/?page_size={n}") for n in range(1, 5)]
    forged = first.get("/api/v1/categories/?page_size=9", headers={"X-Forwarded-For": second.source})
    posing = forger.get("/api/v1/categories/?page_size=8", headers={"X-Forwarded-For": first.source})

    assert [reply.status for reply in replies[:3]] == [200, 200, 200]
    assert is_django_throttled(replies[3])
    assert is_django_throttled(forged)  # a client-sent X-Forwarded-For does not escape the count
    assert posing.status == 200  # nor charge another client's budget
    assert second.get("/api/v1/categories/?page_size=7").status == 200


def test_nginx_limits_each_client_on_what_it_answers_from_its_cache(throttled_site):
    client, other = throttled_site.client(), throttled_site.client()
    path = "/api/v1/categories/"

    burst = [client.get(path) for _ in range(12)]
    signed_in = client.get(ME, token=throttled_site.login("customer", "lemon-customer"))

    if max_age(burst[0]):
        # the app lets nginx keep it: after the first, nginx answers, and Django (3/min) counted one
        assert [reply.status for reply in burst[:6]] == [200] * 6
        assert [reply.headers["X-Cache-Status"] for reply in burst[1:6]] == ["HIT"] * 5
    # nginx lets 1 + burst (5) through, then answers itself, in the API's shape
    assert all(reply.status == 200 or is_django_throttled(reply) for reply in burst[:6])
    assert [(reply.status, api_error(reply)) for reply in burst[6:]] == [(429, NGINX_THROTTLED)] * 6
    assert all(reply.headers["Retry-After"] == "1" for reply in burst[6:])
    assert "X-Cache-Status" not in burst[-1].headers  # nginx's own answer, the app never saw it
    assert other.get(path).status == 200  # another client has its own budget
    assert signed_in.status == 200  # a request with credentials is never nginx's: Django throttles it
