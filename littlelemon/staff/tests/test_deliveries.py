"""The delivery-crew app's pages: who may open what (each role, anonymous, another driver's order),
what a driver sees, the actions through the services, CSRF, escaping, query counts, the live
fragment's 304, the manifest, the service worker and the proof photo."""

import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from conftest import user_with_role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import delivery, transitions
from littlelemon.orders.models import DeliveryProof, Order, OrderEvent
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ROLES = ("customer", "kitchen", "delivery-crew", "manager", "admin")
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.STORAGES = {**settings.STORAGES}  # a new in-memory storage for each test
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
    settings.LIVE_MODE = "poll"


def client_for(user=None, **options) -> Client:
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


def jpeg(size=(800, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile("door.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def driver(crew_user):
    return crew_user


@pytest.fixture
def other_driver(db):
    return user_with_role("delivery-crew")


# --- who may open what ----------------------------------------------------------------------


PAGES = ("/staff/deliveries/", "/staff/deliveries/list/")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("customer", 403), ("kitchen", 403), ("manager", 403), ("admin", 403), ("delivery-crew", 200)],
)
def test_only_the_delivery_crew_opens_the_app(path, role, expected):
    assert client_for(user_with_role(role)).get(path).status_code == expected


@pytest.mark.parametrize("path", PAGES)
def test_a_visitor_is_sent_to_log_in(path):
    response = client_for().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={path}"


ACTIONS = (
    ("get", "/staff/deliveries/{id}/"),
    ("post", "/staff/deliveries/{id}/on-my-way/"),
    ("post", "/staff/deliveries/{id}/delivered/"),
    ("post", "/staff/deliveries/{id}/take/"),
)


@pytest.mark.parametrize(("method", "path"), ACTIONS)
@pytest.mark.parametrize("role", ["customer", "kitchen", "manager"])
def test_other_roles_are_refused_every_action(method, path, role, driver):
    order = OrderFactory(status="ready", delivery_crew=driver)

    response = getattr(client_for(user_with_role(role)), method)(path.format(id=order.pk))

    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == "ready"


@pytest.mark.parametrize(("method", "path"), ACTIONS)
def test_anonymous_actions_go_to_log_in(method, path, driver):
    order = OrderFactory(status="ready", delivery_crew=driver)

    response = getattr(client_for(), method)(path.format(id=order.pk))

    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("status", ["ready", "out_for_delivery"])
def test_another_drivers_order_is_not_found_and_not_actionable(driver, other_driver, status):
    order = OrderFactory(status=status, delivery_crew=other_driver)
    client = client_for(driver)

    assert client.get(f"/staff/deliveries/{order.pk}/").status_code == 404
    assert client.post(f"/staff/deliveries/{order.pk}/on-my-way/").status_code == 404
    response = client.post(f"/staff/deliveries/{order.pk}/delivered/", {"recipient_name": "Ana", "photo": jpeg()})
    assert response.status_code == 404
    assert f"#{order.pk}" not in client.get("/staff/deliveries/").content.decode()
    order.refresh_from_db()
    assert (order.status, order.delivery_crew) == (status, other_driver)
    assert not DeliveryProof.objects.exists()


def test_a_missing_order_is_not_found(driver):
    assert client_for(driver).get("/staff/deliveries/999999/").status_code == 404
    assert client_for(driver).post("/staff/deliveries/999999/take/").status_code == 404


# --- what a driver sees ---------------------------------------------------------------------


def test_the_page_lists_my_deliveries_with_what_a_driver_needs(driver):
    customer = UserFactory(first_name="Ana", last_name="Lopez", phone="+1 312 555 0142")
    cooking = OrderFactory(status="preparing", delivery_crew=driver, customer=customer, items=2)
    ready = OrderFactory(
        status="ready", delivery_crew=driver, payment_method="card", delivery_address="5 Pine Road, Chicago"
    )
    going = OrderFactory(status="out_for_delivery", delivery_crew=driver, notes="Ring twice")
    OrderFactory(status="delivered", delivery_crew=driver)  # finished: not on the list
    OrderFactory(status="ready", delivery_crew=UserFactory(roles=["delivery-crew"]))  # someone else's

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    cards = re.findall(r'id="order-(\d+)"', html)
    assert cards == [str(going.pk), str(ready.pk), str(cooking.pk)]  # on the road, at the pass, in the kitchen
    assert "Being prepared" in html and "Ready to collect from the kitchen" in html and "On the way" in html
    assert 'href="tel:+13125550142"' in html and "Ana Lopez" in html
    assert "https://www.openstreetmap.org/search?query=5%20Pine%20Road%2C%20Chicago" in html
    assert 'target="_blank" rel="noopener noreferrer"' in html
    assert "$27.50" in html and "card on delivery" in html and "cash" in html
    assert "Ring twice" in html
    assert f"{cooking.items.first().title}" in html
    assert html.count("On my way") == 1  # only the ready one
    assert f'href="/staff/deliveries/{going.pk}/"' in html  # "Delivered…" opens its page
    assert '<link rel="manifest" href="/staff/deliveries/manifest.webmanifest">' in html
    assert 'data-service-worker="/staff/deliveries/sw.js"' in html
    assert 'hx-get="/staff/deliveries/list/"' in html and 'hx-trigger="every' in html


def test_a_paid_order_has_nothing_to_collect(driver):
    OrderFactory(status="ready", delivery_crew=driver, payment_status="paid")

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert "Nothing: paid" in html


def test_delivered_today_is_a_short_list_with_the_recipient(driver):
    order = OrderFactory(status="out_for_delivery", delivery_crew=driver)
    delivery.order_deliver(order=order, actor=driver, recipient_name="Bob at reception")

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert 'Delivered today <span class="count">(1)</span>' in html
    assert f"#{order.pk}</strong>" in html and "to Bob at reception" in html


def test_customer_written_fields_are_escaped(driver):
    customer = UserFactory(first_name=XSS, last_name="", phone="555")
    OrderFactory(status="ready", delivery_crew=driver, customer=customer, notes=XSS, delivery_address=XSS)
    order = OrderFactory(
        status="out_for_delivery", delivery_crew=driver, customer=customer, notes=XSS, delivery_address=XSS
    )

    for path in ("/staff/deliveries/", "/staff/deliveries/list/", f"/staff/deliveries/{order.pk}/"):
        html = client_for(driver).get(path).content.decode()
        assert XSS not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_a_recipient_name_is_escaped_too(driver):
    order = OrderFactory(status="out_for_delivery", delivery_crew=driver)
    delivery.order_deliver(order=order, actor=driver, recipient_name=XSS)

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert XSS not in html and "&lt;script&gt;" in html


# --- taking ready orders --------------------------------------------------------------------


def test_ready_orders_nobody_has_are_offered_when_the_setting_is_on(driver):
    free = OrderFactory(status="ready")
    OrderFactory(status="preparing")  # not ready yet
    OrderFactory(status="ready", fulfilment="pickup")

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert "Ready, nobody bringing it" in html
    assert re.findall(r'action="/staff/deliveries/(\d+)/take/"', html) == [str(free.pk)]


def test_take_it(driver):
    order = OrderFactory(status="ready")

    response = client_for(driver).post(f"/staff/deliveries/{order.pk}/take/", follow=True)

    assert response.redirect_chain == [("/staff/deliveries/", 302)]
    assert f"Order #{order.pk} is yours" in response.content.decode()
    assert Order.objects.get(pk=order.pk).delivery_crew == driver
    assert OutboxEvent.objects.filter(type="order.assigned", payload__delivery_crew_id=driver.pk).count() == 1


def test_taking_an_order_someone_just_took_is_a_409(driver, other_driver):
    order = OrderFactory(status="ready", delivery_crew=other_driver)

    response = client_for(driver).post(f"/staff/deliveries/{order.pk}/take/")

    assert response.status_code == 409
    assert "already taken by someone else" in response.content.decode()
    assert Order.objects.get(pk=order.pk).delivery_crew == other_driver


def test_with_the_setting_off_nothing_is_offered_and_taking_is_refused(driver, settings):
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = False
    order = OrderFactory(status="ready")

    html = client_for(driver).get("/staff/deliveries/").content.decode()
    response = client_for(driver).post(f"/staff/deliveries/{order.pk}/take/")

    assert "Ready, nobody bringing it" not in html and "/take/" not in html
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).delivery_crew_id is None


# --- on my way, delivered -------------------------------------------------------------------


def test_on_my_way(driver):
    order = OrderFactory(status="ready", delivery_crew=driver)

    response = client_for(driver).post(f"/staff/deliveries/{order.pk}/on-my-way/", follow=True)

    assert response.redirect_chain == [("/staff/deliveries/", 302)]
    assert "you are on your way" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "out_for_delivery"
    assert OrderEvent.objects.filter(order=order, to_status="out_for_delivery", actor=driver).count() == 1


def test_on_my_way_while_still_in_the_kitchen_is_refused(driver):
    order = OrderFactory(status="preparing", delivery_crew=driver)

    response = client_for(driver).post(f"/staff/deliveries/{order.pk}/on-my-way/")

    assert response.status_code == 409
    assert "cannot become out for delivery" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "preparing"


def test_the_delivery_page_has_the_delivered_form(driver):
    order = OrderFactory(status="out_for_delivery", delivery_crew=driver)

    html = client_for(driver).get(f"/staff/deliveries/{order.pk}/").content.decode()

    assert f'action="/staff/deliveries/{order.pk}/delivered/"' in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="photo"[^>]*accept="image/\*"[^>]*capture="environment"', html)
    assert 'name="recipient_name"' in html and 'maxlength="100"' in html


def test_delivered_with_a_name_and_a_photo(driver):
    order = OrderFactory(status="out_for_delivery", delivery_crew=driver)

    response = client_for(driver).post(
        f"/staff/deliveries/{order.pk}/delivered/", {"recipient_name": " Ana ", "photo": jpeg()}, follow=True
    )

    assert response.redirect_chain == [("/staff/deliveries/", 302)]
    assert f"Order #{order.pk} is delivered" in response.content.decode()
    proof = DeliveryProof.objects.get(order=order)
    assert (proof.recipient_name, proof.delivered_by, bool(proof.photo)) == ("Ana", driver, True)
    assert Order.objects.get(pk=order.pk).status == "delivered"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"recipient_name": ""}, "Enter the name of the person who took the order."),
        ({"recipient_name": "   "}, "Enter the name of the person who took the order."),
        ({"recipient_name": "x" * 101}, "at most 100 characters"),
        ({"recipient_name": "Ana", "photo": "not-a-photo"}, "not an image"),
    ],
)
def test_a_refused_delivery_says_why_and_writes_nothing(driver, data, message):
    order = OrderFactory(status="out_for_delivery", delivery_crew=driver)
    if data.get("photo") == "not-a-photo":
        data = {**data, "photo": SimpleUploadedFile("door.jpg", b"GIF89a nonsense", content_type="image/jpeg")}

    response = client_for(driver).post(f"/staff/deliveries/{order.pk}/delivered/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "out_for_delivery"
    assert not DeliveryProof.objects.exists()
    assert not default_storage.exists("delivery-proofs") or default_storage.listdir("delivery-proofs")[1] == []


# --- CSRF on every form ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["on-my-way", "delivered", "take"])
def test_every_form_needs_its_csrf_token(driver, action):
    order = OrderFactory(status="out_for_delivery" if action == "delivered" else "ready")
    if action != "take":
        order.delivery_crew = driver
        order.save()
    client = client_for(driver, enforce_csrf_checks=True)
    data = {"recipient_name": "Ana"} if action == "delivered" else {}

    refused = client.post(f"/staff/deliveries/{order.pk}/{action}/", data)

    assert refused.status_code == 403
    before = Order.objects.get(pk=order.pk)
    assert before.status == order.status and before.delivery_crew_id == order.delivery_crew_id

    page = client.get(f"/staff/deliveries/{order.pk}/" if action == "delivered" else "/staff/deliveries/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post(f"/staff/deliveries/{order.pk}/{action}/", {**data, "csrfmiddlewaretoken": token})

    assert accepted.status_code == 302
    after = Order.objects.get(pk=order.pk)
    assert (after.status, after.delivery_crew_id) != (before.status, before.delivery_crew_id)


# --- query counts, the live fragment --------------------------------------------------------


def _orders_for(driver, n):
    for _ in range(n):
        OrderFactory(status="ready", delivery_crew=driver, items=2, customer=UserFactory(phone="555"))
        OrderFactory(status="ready", items=1)  # takeable
        order = OrderFactory(status="out_for_delivery", delivery_crew=driver)
        delivery.order_deliver(order=order, actor=driver, recipient_name="Ana")


@pytest.mark.parametrize("path", ["/staff/deliveries/", "/staff/deliveries/list/"])
def test_query_counts_do_not_grow_with_the_orders(driver, path):
    client = client_for(driver)
    _orders_for(driver, 1)
    counts = []
    for n in (1, 5):
        _orders_for(driver, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_pinned_query_counts(driver, django_assert_num_queries):
    client = client_for(driver)
    for n in (2, 6):
        _orders_for(driver, n // 2)
        # session, user, roles, restaurant settings, stamps (ETag); my orders, takeable, delivered today, items
        with django_assert_num_queries(9):
            assert client.get("/staff/deliveries/list/").status_code == 200
        # the page: the same lists, without the stamps
        with django_assert_num_queries(8):
            assert client.get("/staff/deliveries/").status_code == 200


def test_the_fragment_is_a_304_while_nothing_changed(driver, django_assert_num_queries):
    client = client_for(driver)
    order = OrderFactory(status="ready", delivery_crew=driver)
    first = client.get("/staff/deliveries/list/")
    etag = first["ETag"]

    assert etag.startswith('W/"')
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(4):  # session, user, roles, stamps
        again = client.get("/staff/deliveries/list/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag

    transitions.order_status_change(order=order, actor=driver, status="out_for_delivery")
    changed = client.get("/staff/deliveries/list/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_new_takeable_order_changes_the_fragment(driver):
    client = client_for(driver)
    etag = client.get("/staff/deliveries/list/")["ETag"]

    OrderFactory(status="ready")

    assert client.get("/staff/deliveries/list/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_fragment_is_just_the_list(driver):
    html = client_for(driver).get("/staff/deliveries/list/").content.decode()

    assert "<html" not in html and "To deliver" in html


# --- installable ----------------------------------------------------------------------------


def test_the_manifest():
    response = Client().get("/staff/deliveries/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == manifest["scope"] == "/staff/deliveries/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] == "Deliveries"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200, icon
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])


def test_the_icons_are_pngs_of_their_size():
    for path, size in (("staff/icon-192.png", 192), ("staff/icon-512.png", 512), ("staff/icon-maskable-512.png", 512)):
        with Image.open(f"static/{path}") as image:
            assert (image.format, image.size) == ("PNG", (size, size))


def test_the_service_worker_script():
    response = Client().get("/staff/deliveries/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(re.search(r"var CONFIG = (\{.*\});", body).group(1))
    assert config["offline"] == "/staff/deliveries/offline/"
    assert "/staff/deliveries/offline/" in config["precache"]
    assert {"/static/web/app.css", "/static/staff/staff.css", "/static/staff/deliveries.js"} <= set(config["precache"])
    assert "/static/staff/icon-192.png" in config["precache"]
    assert "/staff/deliveries/" not in config["precache"]  # a driver's own page is never kept
    assert 'request.method !== "GET"' in body and 'request.mode === "navigate"' in body
    assert "{%" not in body and "{{" not in body


def test_the_service_worker_cache_name_changes_with_the_release(settings):
    first = Client().get("/staff/deliveries/sw.js").content
    settings.RELEASE = "next"
    assert Client().get("/staff/deliveries/sw.js").content != first


def test_the_offline_page_is_the_same_for_everyone(driver):
    response = Client().get("/staff/deliveries/offline/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "You are offline" in html
    assert "your deliveries will show again when the connection is back" in html.lower()
    assert "csrf" not in html.lower() and "<script" not in html
    assert "public" in response["Cache-Control"]


def test_the_page_registers_the_worker_from_a_file_not_inline(driver):
    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert '<script src="/static/staff/deliveries.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert not re.search(r"<[^>]+\son[a-z]+=", html) and not re.search(r"<[^>]+\sstyle=", html)


# --- the proof photo ------------------------------------------------------------------------


@pytest.fixture
def delivered_with_photo(driver):
    order = OrderFactory(status="out_for_delivery", delivery_crew=driver)
    delivery.order_deliver(order=order, actor=driver, recipient_name="Ana", photo=jpeg())
    return order


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("driver", 200),
        ("manager", 200),
        ("admin", 200),
        ("other_driver", 404),
        ("kitchen", 404),
        ("owner", 404),
        ("customer", 404),
    ],
)
def test_the_photo_is_shown_only_to_managers_and_the_driver(delivered_with_photo, driver, other_driver, who, expected):
    user = {
        "driver": driver,
        "other_driver": other_driver,
        "owner": delivered_with_photo.customer,
    }.get(who) or user_with_role(
        {"manager": "manager", "admin": "admin", "kitchen": "kitchen", "customer": "customer"}[who]
    )

    response = client_for(user).get(f"/staff/deliveries/{delivered_with_photo.pk}/photo/")

    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
            assert image.format == "JPEG"


def test_the_photo_asks_a_visitor_to_log_in(delivered_with_photo):
    response = Client().get(f"/staff/deliveries/{delivered_with_photo.pk}/photo/")

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_proof_partial_for_the_managers_board(delivered_with_photo, rf):
    from django.template.loader import render_to_string

    order = Order.objects.select_related("delivery_proof__delivered_by").get(pk=delivered_with_photo.pk)
    html = render_to_string("staff/partials/delivery_proof.html", {"order": order})

    assert "Proof of delivery" in html and "<strong>Ana</strong>" in html
    assert f'src="/staff/deliveries/{order.pk}/photo/"' in html
    assert render_to_string("staff/partials/delivery_proof.html", {"order": OrderFactory()}).strip() == ""


def test_a_takeable_orders_page_is_its_card_on_the_list(driver):
    order = OrderFactory(status="ready")

    response = client_for(driver).get(f"/staff/deliveries/{order.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/staff/deliveries/#order-{order.pk}"


def test_a_takeable_order_cannot_be_sent_out_or_delivered_before_it_is_taken(driver):
    order = OrderFactory(status="ready")
    client = client_for(driver)

    assert client.post(f"/staff/deliveries/{order.pk}/on-my-way/").status_code == 403
    assert client.post(f"/staff/deliveries/{order.pk}/delivered/", {"recipient_name": "Ana"}).status_code == 409
    order.refresh_from_db()
    assert (order.status, order.delivery_crew_id) == ("ready", None)
    assert not DeliveryProof.objects.exists()


def test_a_drivers_own_order_is_not_offered_to_take(driver):
    OrderFactory(status="ready", delivery_crew=driver)

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert "/take/" not in html and "No ready order is waiting for a driver." in html


def test_the_content_security_policy_lets_the_page_start_its_worker_from_this_site(driver):
    policy = client_for(driver).get("/staff/deliveries/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "worker-src" not in directives and "child-src" not in directives  # so script-src decides
    assert "'self'" in directives["script-src"].split()
    assert "'self'" in directives["default-src"].split()  # the manifest (manifest-src falls back here)


def test_an_order_not_accepted_yet_says_so(driver):
    OrderFactory(status="placed", delivery_crew=driver)

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert "Waiting to be accepted" in html and "Being prepared" not in html


def test_delivered_today_starts_at_the_restaurants_midnight(driver, freeze):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from littlelemon.restaurant.selectors import restaurant_tz

    now = freeze(datetime(2026, 7, 1, 9, 0, tzinfo=restaurant_tz()))
    midnight = now.replace(hour=0)
    today = OrderFactory(status="delivered", delivery_crew=driver, finished_at=midnight)
    OrderFactory(status="delivered", delivery_crew=driver, finished_at=midnight - timedelta(seconds=1))
    OrderFactory(status="delivered", delivery_crew=UserFactory(roles=["delivery-crew"]), finished_at=now)

    html = client_for(driver).get("/staff/deliveries/").content.decode()

    assert re.findall(r"<strong>#(\d+)</strong>", html) == [str(today.pk)]
    assert timezone.now() == now
