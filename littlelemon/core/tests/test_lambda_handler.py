"""config.lambda_handler.handler, called as AWS Lambda calls it: with API Gateway HTTP API
(payload format 2.0) events, built as API Gateway builds them, on the settings Lambda uses
(the cache, throttle counters and sessions in the database). A whole order is walked through it,
from the menu to a manager accepting it, and an image comes back base64-encoded."""

import base64
import json
import secrets
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import connection

from config.lambda_handler import handler
from littlelemon.accounts.models import User
from littlelemon.cart.models import CartLine
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.models import Order, OrderEvent

HOST = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
SOURCE_IP = "203.0.113.9"
DATABASE_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "littlelemon_cache"},
    "throttle": {"BACKEND": "littlelemon.core.cache.UpsertDatabaseCache", "LOCATION": "throttle_cache"},
}
PASSWORD = "lemon-tart-and-olive-oil-7"


class LambdaContext:
    """What the Lambda runtime passes as `context` (apig-wsgi only hands it on)."""

    function_name = "littlelemon-web"
    aws_request_id = "5a1e5c1b-2f1e-4a3b-9c8d-0123456789ab"
    memory_limit_in_mb = 512

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 29_000


def http_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    json_body=None,
    form: dict[str, str] | None = None,
) -> dict:
    """An API Gateway HTTP API event (payload 2.0): header names lower-cased, the cookies apart
    from the headers, a JSON body as text and a form body base64-encoded, as API Gateway sends them."""
    all_headers = {
        "accept": "application/json",
        "accept-encoding": "gzip, deflate, br",
        "host": HOST,
        "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
        "x-amzn-trace-id": f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}",
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        **(headers or {}),
    }
    body, encoded = None, False
    if json_body is not None:
        body = json.dumps(json_body)
        all_headers["content-type"] = "application/json"
        all_headers["content-length"] = str(len(body.encode()))
    elif form is not None:
        raw = urlencode(form).encode()
        body, encoded = base64.b64encode(raw).decode(), True
        all_headers["content-type"] = "application/x-www-form-urlencoded"
        all_headers["content-length"] = str(len(raw))
    request_id = base64.b64encode(secrets.token_bytes(10)).decode()  # API Gateway's look: "JKJaXmPLvHcESHA="
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": HOST,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": all_headers["user-agent"],
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = [f"{name}={value}" for name, value in cookies.items()]
    if query:
        event["queryStringParameters"] = dict(parse_qsl(query))
    if body is not None:
        event["body"] = body
    return event


def call(event: dict) -> dict:
    response = handler(event, LambdaContext())
    assert set(response) == {"statusCode", "headers", "cookies", "body", "isBase64Encoded"}
    assert response["headers"]["x-request-id"] == event["requestContext"]["requestId"]
    return response


def json_of(response: dict):
    assert response["isBase64Encoded"] is False
    assert response["headers"]["content-type"] == "application/json"
    return json.loads(response["body"])


def cookies_set(response: dict) -> dict[str, str]:
    # Django's WSGI handler writes " name=value; ..." (a space first), which clients trim.
    return dict(cookie.split(";", 1)[0].strip().split("=", 1) for cookie in response["cookies"])


@pytest.fixture
def on_lambda(settings, transactional_db):
    """The settings Lambda runs with (CACHE_IN_DATABASE), the cache tables made as a release
    makes them: by an operator event."""
    settings.CACHES = DATABASE_CACHES
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.ALLOWED_HOSTS = [HOST]
    result = handler({"manage": ["createcachetable"]}, LambdaContext())
    assert result["command"] == ["createcachetable"]
    return settings


def test_a_whole_order_from_the_menu_to_the_kitchen(on_lambda):
    dish = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
    manager = User.objects.create_user("marta", password=PASSWORD)
    manager.groups.add(Group.objects.get_or_create(name="manager")[0])

    # The menu, anonymously.
    menu = call(http_event("GET", "/api/v1/menu-items/", query="search=hummus"))
    assert menu["statusCode"] == 200
    assert [(item["id"], item["title"], item["price"]) for item in json_of(menu)["results"]] == [
        (dish.pk, "Hummus", "6.50")
    ]

    # Sign-up, then a JWT log-in.
    signed_up = call(
        http_event(
            "POST",
            "/api/v1/auth/users/",
            json_body={"username": "tilly", "email": "tilly@example.com", "password": PASSWORD},
        )
    )
    assert signed_up["statusCode"] == 201, signed_up["body"]
    tilly = User.objects.get(username="tilly")
    assert json_of(signed_up) == {"id": tilly.pk, "username": "tilly", "email": "tilly@example.com"}
    tokens = call(http_event("POST", "/api/v1/auth/jwt/create/", json_body={"username": "tilly", "password": PASSWORD}))
    assert tokens["statusCode"] == 200
    bearer = {"authorization": f"Bearer {json_of(tokens)['access']}"}

    # Two hummus in the cart, then the order.
    added = call(
        http_event("POST", "/api/v1/cart/items/", headers=bearer, json_body={"menuitem": dish.pk, "quantity": 2})
    )
    assert added["statusCode"] == 201, added["body"]
    assert CartLine.objects.filter(user=tilly).values_list("menuitem", "quantity").get() == (dish.pk, 2)
    placed = call(
        http_event(
            "POST",
            "/api/v1/orders/",
            headers={**bearer, "idempotency-key": "order-1"},
            json_body={"fulfilment": "pickup", "tip": "1.00"},
        )
    )
    assert placed["statusCode"] == 201, placed["body"]
    order = Order.objects.get(customer=tilly)
    assert json_of(placed)["id"] == order.pk
    assert (order.status, order.subtotal, order.tip, order.idempotency_key) == (
        "placed",
        Decimal("13.00"),
        Decimal("1.00"),
        "order-1",
    )
    assert not CartLine.objects.filter(user=tilly).exists()

    # The manager signs in on the web page (cookies both ways) and accepts it with that session.
    page = call(http_event("GET", "/account/login/", headers={"accept": "text/html"}))
    assert page["statusCode"] == 200 and page["isBase64Encoded"] is False
    assert page["headers"]["content-type"] == "text/html; charset=utf-8"
    csrf = cookies_set(page)["csrftoken"]
    signed_in = call(
        http_event(
            "POST",
            "/account/login/",
            headers={"accept": "text/html", "origin": f"https://{HOST}"},
            cookies={"csrftoken": csrf},
            form={"username": "marta", "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
    )
    assert signed_in["statusCode"] == 302, signed_in["body"]
    session = cookies_set(signed_in)
    assert session["sessionid"]
    accepted = call(
        http_event(
            "POST",
            f"/api/v1/orders/{order.pk}/status/",
            headers={"origin": f"https://{HOST}", "x-csrftoken": session.get("csrftoken", csrf)},
            cookies={"csrftoken": session.get("csrftoken", csrf), "sessionid": session["sessionid"]},
            json_body={"status": "accepted"},
        )
    )
    assert accepted["statusCode"] == 200, accepted["body"]
    assert json_of(accepted)["status"] == "accepted"
    order.refresh_from_db()
    assert order.status == "accepted"
    event = OrderEvent.objects.filter(order=order).latest("id")
    assert (event.from_status, event.to_status, event.actor_id) == ("placed", "accepted", manager.pk)

    # The throttle counters and the sessions lived in the database, as on Lambda.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM throttle_cache")
        assert cursor.fetchone()[0] > 0
    assert User.objects.get(username="marta").last_login is not None


def test_an_error_body_carries_api_gateway_s_request_id(on_lambda):
    event = http_event("GET", "/api/v1/orders/")

    response = call(event)

    assert response["statusCode"] == 401
    assert json_of(response)["request_id"] == event["requestContext"]["requestId"]


def test_an_image_comes_back_base64_encoded(on_lambda):
    icon = Path(django_settings.BASE_DIR, "static", "web", "apple-touch-icon.png").read_bytes()

    response = call(http_event("GET", "/static/web/apple-touch-icon.png", headers={"accept": "image/*"}))

    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "image/png"
    assert response["isBase64Encoded"] is True
    assert base64.b64decode(response["body"]) == icon
    assert icon.startswith(b"\x89PNG\r\n\x1a\n")


def test_operator_events_run_only_the_allowed_commands(on_lambda):
    checked = handler({"manage": ["check"]}, LambdaContext())

    assert "System check identified no issues" in checked["output"]
    for refused in (["flush", "--noinput"], ["shell"], "migrate", [], [1]):
        with pytest.raises(ValueError, match="manage: a list of strings"):
            handler({"manage": refused}, LambdaContext())
    with pytest.raises(ValueError, match="Not an API Gateway event"):
        handler({"source": "aws.events"}, LambdaContext())
    with pytest.raises(ValueError, match="Not an API Gateway event"):
        handler({"worker": "forever"}, LambdaContext())


class WorkerContext(LambdaContext):
    function_name = "littlelemon-worker"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 119_500  # the worker function's 120 s, just started


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_worker_event_ticks_and_runs_the_queue_within_the_invocations_time():
    from django_tasks_db.models import DBTaskResult

    from littlelemon.core.models import PeriodicJob
    from littlelemon.core.periodic import periodic_jobs
    from littlelemon.core.tests.test_worker import report_process

    queued = report_process.enqueue("on lambda")

    result = handler({"worker": "batch"}, WorkerContext())

    # 60 s of the 119.5 left are kept for the task in hand when it stops taking new ones.
    assert result["max_seconds"] == 59.5
    assert result["output"].startswith(f"worker --batch: {len(periodic_jobs())} periodic job(s) enqueued")
    assert DBTaskResult.objects.get(pk=queued.id).status == "SUCCESSFUL"
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert PeriodicJob.objects.count() == len(periodic_jobs())
