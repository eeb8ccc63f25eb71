"""Proof of delivery (`delivery.order_deliver`, the photo's checks, who sees the photo) and drivers
taking ready orders (`transitions.order_take`), with the races on a real database."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.core.exceptions import PermissionDenied
from littlelemon.core.tests.concurrency import race
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import delivery, transitions
from littlelemon.orders.exceptions import (
    AlreadyTaken,
    InvalidProof,
    InvalidTransition,
    NotADelivery,
    NotTakeable,
    OrderNotFound,
    TakingDisabled,
    TransitionForbidden,
)
from littlelemon.orders.models import DeliveryProof, Order, OrderEvent

from .factories import OrderFactory

GPS_IFD = 0x8825


def photo_upload(
    size=(3000, 2000), *, format="JPEG", gps=True, name="door.jpg", orientation=None
) -> SimpleUploadedFile:
    """A camera's photo: a JPEG with EXIF (a GPS position, the camera's make)."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (41.0, 52.0, 55.0), 3: "W", 4: (87.0, 37.0, 40.0)}
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format=format, exif=exif.tobytes()) if format == "JPEG" else image.save(out, format=format)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{format.lower()}")


def stored_files() -> list[str]:
    _directories, files = (
        default_storage.listdir("delivery-proofs") if default_storage.exists("delivery-proofs") else ([], [])
    )
    return files


@pytest.fixture(autouse=True)
def _empty_storage(settings):
    """A new in-memory default storage for each test (setting STORAGES replaces the instance)."""
    settings.STORAGES = {**settings.STORAGES}


@pytest.fixture
def on_its_way(crew_user):
    return OrderFactory(status="out_for_delivery", delivery_crew=crew_user)


@pytest.mark.django_db
class TestDeliver:
    def test_the_assigned_driver_delivers_with_a_name_and_a_photo(self, on_its_way, crew_user):
        order = delivery.order_deliver(
            order=on_its_way, actor=crew_user, recipient_name="  Ana   Lopez ", photo=photo_upload()
        )

        order.refresh_from_db()
        assert (order.status, order.payment_status) == ("delivered", "paid")
        proof = DeliveryProof.objects.get(order=order)
        assert proof.recipient_name == "Ana Lopez"
        assert proof.delivered_by == crew_user
        assert proof.at == order.finished_at
        assert proof.photo.name.startswith("delivery-proofs/") and proof.photo.name.endswith(".jpg")
        assert len(proof.photo.name.removeprefix("delivery-proofs/").removesuffix(".jpg")) >= 32  # not guessable
        assert stored_files() == [proof.photo.name.removeprefix("delivery-proofs/")]
        assert (
            OrderEvent.objects.filter(
                order=order, kind="status_changed", to_status="delivered", actor=crew_user
            ).count()
            == 1
        )
        assert OutboxEvent.objects.filter(type="order.status_changed", payload__to_status="delivered").count() == 1

    def test_the_photo_is_shrunk_re_encoded_and_stripped_of_its_metadata(self, on_its_way, crew_user):
        upload = photo_upload((4000, 3000))
        with Image.open(io.BytesIO(upload.read())) as original:
            assert GPS_IFD in original.getexif()

        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=upload)

        proof = DeliveryProof.objects.get(order=on_its_way)
        with default_storage.open(proof.photo.name) as stored, Image.open(stored) as image:
            assert image.format == "JPEG"
            assert image.size == (1600, 1200)
            assert dict(image.getexif()) == {}
            assert "exif" not in image.info

    def test_a_sideways_camera_photo_is_stored_upright(self, on_its_way, crew_user):
        upload = photo_upload((400, 300), gps=False, orientation=6)  # "rotate 90° clockwise to view"

        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=upload)

        proof = DeliveryProof.objects.get(order=on_its_way)
        with default_storage.open(proof.photo.name) as stored, Image.open(stored) as image:
            assert image.size == (300, 400)

    def test_a_transparent_png_is_stored_as_a_jpeg(self, on_its_way, crew_user):
        out = io.BytesIO()
        Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(out, format="PNG")
        upload = SimpleUploadedFile("sign.png", out.getvalue(), content_type="image/png")

        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=upload)

        with default_storage.open(DeliveryProof.objects.get().photo.name) as stored, Image.open(stored) as image:
            assert (image.format, image.mode, image.getpixel((0, 0))[0] > 240) == ("JPEG", "RGB", True)

    def test_a_manager_delivers_without_a_photo(self, on_its_way, manager):
        delivery.order_deliver(order=on_its_way.pk, actor=manager, recipient_name="Neighbour at no. 3")

        proof = DeliveryProof.objects.get(order=on_its_way)
        assert (proof.recipient_name, proof.delivered_by, proof.photo.name) == ("Neighbour at no. 3", manager, "")
        assert Order.objects.get(pk=on_its_way.pk).status == "delivered"
        assert stored_files() == []

    @pytest.mark.parametrize("who", ["other_crew", "kitchen", "customer", "owner"])
    def test_others_may_not(self, on_its_way, who):
        actor = {
            "other_crew": lambda: UserFactory(roles=["delivery-crew"]),
            "kitchen": lambda: UserFactory(roles=["kitchen"]),
            "customer": lambda: UserFactory(),
            "owner": lambda: on_its_way.customer,
        }[who]()

        with pytest.raises(TransitionForbidden):
            delivery.order_deliver(order=on_its_way, actor=actor, recipient_name="Ana", photo=photo_upload())

        self.assert_nothing_written(on_its_way)

    def test_not_before_it_is_on_its_way(self, crew_user):
        order = OrderFactory(status="ready", delivery_crew=crew_user)

        with pytest.raises(InvalidTransition):
            delivery.order_deliver(order=order, actor=crew_user, recipient_name="Ana", photo=photo_upload())

        self.assert_nothing_written(order, status="ready")

    def test_twice_is_refused_and_keeps_the_first_proof(self, on_its_way, crew_user):
        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana")

        with pytest.raises(InvalidTransition):
            delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Bob", photo=photo_upload())

        assert [p.recipient_name for p in DeliveryProof.objects.all()] == ["Ana"]
        assert stored_files() == []

    @pytest.mark.parametrize("name", ["", "   ", "\n\t", "x" * 101, "Ana\x00"])
    def test_a_bad_name_is_refused(self, on_its_way, crew_user, name):
        with pytest.raises(InvalidProof) as refused:
            delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name=name, photo=photo_upload())

        assert refused.value.field == "recipient_name"
        self.assert_nothing_written(on_its_way)

    def test_a_name_of_100_characters_is_kept(self, on_its_way, crew_user):
        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name=" " + "x" * 100 + " ")

        assert DeliveryProof.objects.get().recipient_name == "x" * 100

    @pytest.mark.parametrize(
        "upload",
        [
            SimpleUploadedFile("door.jpg", b"not an image at all", content_type="image/jpeg"),
            SimpleUploadedFile(
                "door.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, content_type="image/jpeg"
            ),  # a broken JPEG
            SimpleUploadedFile("door.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"),
            SimpleUploadedFile("door.jpg", b"", content_type="image/jpeg"),
        ],
        ids=["text", "broken-jpeg", "svg", "empty"],
    )
    def test_a_file_that_is_not_an_image_is_refused(self, on_its_way, crew_user, upload):
        with pytest.raises(InvalidProof) as refused:
            delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=upload)

        assert refused.value.field == "photo"
        self.assert_nothing_written(on_its_way)

    def test_a_truncated_jpeg_is_refused(self, on_its_way, crew_user):
        whole = photo_upload((800, 600)).read()
        upload = SimpleUploadedFile("door.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

        with pytest.raises(InvalidProof):
            delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=upload)

        self.assert_nothing_written(on_its_way)

    def test_a_photo_over_the_size_limit_is_refused(self, on_its_way, crew_user, monkeypatch):
        upload = photo_upload((200, 200))
        monkeypatch.setattr(delivery, "MAX_PHOTO_BYTES", upload.size - 1)

        with pytest.raises(InvalidProof, match="at most"):
            delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=upload)

        self.assert_nothing_written(on_its_way)

    def test_too_many_pixels_is_refused_before_decoding(self, on_its_way, crew_user, monkeypatch):
        monkeypatch.setattr(delivery, "MAX_PHOTO_PIXELS", 100 * 100 - 1)

        with pytest.raises(InvalidProof, match="pixels"):
            delivery.order_deliver(
                order=on_its_way, actor=crew_user, recipient_name="Ana", photo=photo_upload((100, 100))
            )

        self.assert_nothing_written(on_its_way)

    def test_a_failure_after_the_photo_was_stored_removes_it(self, on_its_way, crew_user, monkeypatch):
        def fail(self, *args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(DeliveryProof, "save", fail)

        with pytest.raises(RuntimeError):
            delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=photo_upload())

        self.assert_nothing_written(on_its_way)

    @staticmethod
    def assert_nothing_written(order, status="out_for_delivery"):
        order.refresh_from_db()
        assert (order.status, order.payment_status, order.finished_at) == (status, "pending", None)
        assert not DeliveryProof.objects.exists()
        assert stored_files() == []
        assert not OrderEvent.objects.filter(order=order, to_status="delivered").exists()
        assert not OutboxEvent.objects.filter(type="order.status_changed", payload__to_status="delivered").exists()


@pytest.mark.django_db
class TestPhotoAccess:
    @pytest.fixture
    def proof(self, on_its_way, crew_user):
        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=photo_upload())
        return DeliveryProof.objects.get()

    def test_managers_and_the_driver_who_took_it_see_it(self, proof, crew_user, manager, admin_user):
        for user in (crew_user, manager, admin_user):
            assert delivery.delivery_proof_photo_get(user=user, order_id=proof.order_id) == proof

    @pytest.mark.parametrize("who", ["other_crew", "kitchen", "owner", "customer", "anonymous"])
    def test_nobody_else(self, proof, who):
        from django.contrib.auth.models import AnonymousUser

        user = {
            "other_crew": lambda: UserFactory(roles=["delivery-crew"]),
            "kitchen": lambda: UserFactory(roles=["kitchen"]),
            "owner": lambda: proof.order.customer,
            "customer": lambda: UserFactory(),
            "anonymous": AnonymousUser,
        }[who]()
        with pytest.raises(OrderNotFound):
            delivery.delivery_proof_photo_get(user=user, order_id=proof.order_id)

    def test_no_photo_is_a_404(self, on_its_way, manager):
        delivery.order_deliver(order=on_its_way, actor=manager, recipient_name="Ana")

        with pytest.raises(OrderNotFound):
            delivery.delivery_proof_photo_get(user=manager, order_id=on_its_way.pk)


@pytest.mark.django_db
class TestTake:
    @pytest.fixture(autouse=True)
    def _taking_on(self, settings):
        settings.DELIVERY_CREW_TAKES_READY_ORDERS = True

    def test_a_driver_takes_a_ready_order_nobody_has(self, crew_user):
        order = OrderFactory(status="ready")

        taken = transitions.order_take(order=order.pk, actor=crew_user)

        assert taken.delivery_crew == crew_user
        assert Order.objects.get(pk=order.pk).delivery_crew == crew_user
        event = OrderEvent.objects.get(order=order, kind="assigned")
        assert (event.actor, event.from_status, event.to_status) == (crew_user, "ready", "ready")
        assert event.note == f"Taken by {crew_user.get_full_name() or crew_user.username}."
        outbox = OutboxEvent.objects.get(type="order.assigned")
        assert outbox.payload["order_id"] == order.pk
        assert outbox.payload["delivery_crew_id"] == crew_user.pk
        assert outbox.payload["previous_delivery_crew_id"] is None
        assert outbox.payload["actor_id"] == crew_user.pk
        assert outbox.payload["status"] == "ready"
        assert AuditEntry.objects.filter(action="order.take").count() == 1

    def test_the_payload_has_the_same_keys_as_a_managers_assignment(self, crew_user, manager):
        transitions.order_take(order=OrderFactory(status="ready"), actor=crew_user)
        transitions.order_assign(order=OrderFactory(status="ready"), actor=manager, delivery_crew=crew_user)

        taken, assigned = OutboxEvent.objects.filter(type="order.assigned").order_by("id")
        assert taken.payload.keys() == assigned.payload.keys()

    def test_taking_ones_own_order_again_changes_nothing(self, crew_user):
        order = OrderFactory(status="ready", delivery_crew=crew_user)

        transitions.order_take(order=order, actor=crew_user)

        assert not OrderEvent.objects.filter(kind="assigned").exists()
        assert not OutboxEvent.objects.filter(type="order.assigned").exists()

    def test_an_order_someone_has_is_already_taken(self, crew_user):
        order = OrderFactory(status="ready", delivery_crew=UserFactory(roles=["delivery-crew"]))

        with pytest.raises(AlreadyTaken, match="already taken by someone else") as refused:
            transitions.order_take(order=order, actor=crew_user)

        assert refused.value.http_status == 409
        assert Order.objects.get(pk=order.pk).delivery_crew != crew_user
        assert not OutboxEvent.objects.filter(type="order.assigned").exists()

    @pytest.mark.parametrize(
        "status", ["placed", "accepted", "preparing", "out_for_delivery", "delivered", "cancelled"]
    )
    def test_only_a_ready_order(self, crew_user, status):
        order = OrderFactory(status=status)

        with pytest.raises(NotTakeable):
            transitions.order_take(order=order, actor=crew_user)

        assert Order.objects.get(pk=order.pk).delivery_crew_id is None

    def test_not_a_pickup_order(self, crew_user):
        with pytest.raises(NotADelivery):
            transitions.order_take(order=OrderFactory(status="ready", fulfilment="pickup"), actor=crew_user)

    @pytest.mark.parametrize("role", ["customer", "kitchen", "manager", "inactive-crew"])
    def test_only_the_delivery_crew(self, role):
        actor = {
            "customer": lambda: UserFactory(),
            "kitchen": lambda: UserFactory(roles=["kitchen"]),
            "manager": lambda: UserFactory(roles=["manager"]),
            "inactive-crew": lambda: UserFactory(roles=["delivery-crew"], is_active=False),
        }[role]()
        order = OrderFactory(status="ready")

        with pytest.raises(PermissionDenied):
            transitions.order_take(order=order, actor=actor)

        assert Order.objects.get(pk=order.pk).delivery_crew_id is None

    def test_refused_when_the_setting_is_off(self, crew_user, settings):
        settings.DELIVERY_CREW_TAKES_READY_ORDERS = False
        order = OrderFactory(status="ready")

        with pytest.raises(TakingDisabled):
            transitions.order_take(order=order, actor=crew_user)

        assert not transitions.may_take_orders(crew_user)
        assert Order.objects.get(pk=order.pk).delivery_crew_id is None


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_drivers_taking_one_order_at_once_one_wins(settings):
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
    for role in Role:  # a flushed database may lack the roles' groups
        Group.objects.get_or_create(name=role)
    first, second = UserFactory(roles=["delivery-crew"]), UserFactory(roles=["delivery-crew"])
    order = OrderFactory(status="ready")

    results = race(
        [
            lambda: transitions.order_take(order=order.pk, actor=first),
            lambda: transitions.order_take(order=order.pk, actor=second),
        ]
    )

    won = [result for result in results if isinstance(result, Order)]
    lost = [result for result in results if not isinstance(result, Order)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], AlreadyTaken), results
    assert Order.objects.get(pk=order.pk).delivery_crew_id == won[0].delivery_crew_id
    assert OrderEvent.objects.filter(order=order, kind="assigned").count() == 1
    assert OutboxEvent.objects.filter(type="order.assigned").count() == 1


@pytest.mark.django_db
class TestAdmin:
    @pytest.fixture
    def admin_client_(self, admin_user):
        from django.test import Client

        client = Client()
        client.force_login(admin_user)
        return client

    def test_the_orders_admin_shows_the_proof_and_links_the_photo(self, admin_client_, on_its_way, crew_user):
        delivery.order_deliver(
            order=on_its_way, actor=crew_user, recipient_name="<b>Ana</b>", photo=photo_upload((300, 200))
        )

        html = admin_client_.get(f"/admin/orders/order/{on_its_way.pk}/change/").content.decode()

        assert "Proof of delivery" in html
        assert "Taken by &lt;b&gt;Ana&lt;/b&gt;" in html
        assert f'href="/staff/deliveries/{on_its_way.pk}/photo/"' in html
        assert "/media/" not in html and "delivery-proofs/" not in html  # no public URL of the photo

    def test_without_a_proof(self, admin_client_, on_its_way):
        response = admin_client_.get(f"/admin/orders/order/{on_its_way.pk}/change/")

        assert response.status_code == 200

    def test_the_proofs_list_and_page(self, admin_client_, on_its_way, crew_user):
        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=photo_upload((30, 20)))
        proof = DeliveryProof.objects.get()

        assert admin_client_.get("/admin/orders/deliveryproof/?q=Ana").status_code == 200
        html = admin_client_.get(f"/admin/orders/deliveryproof/{proof.pk}/change/").content.decode()
        assert "Open the photo" in html and "delivery-proofs/" not in html
        assert admin_client_.get("/admin/orders/deliveryproof/add/").status_code == 403


@pytest.mark.django_db
class TestApi:
    def test_managers_see_the_proof_in_the_order_detail(self, client_as, manager, on_its_way, crew_user):
        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana", photo=photo_upload((30, 20)))

        body = client_as(manager).get(f"/api/v1/orders/{on_its_way.pk}/").json()

        proof = body["delivery_proof"]
        assert proof["recipient_name"] == "Ana"
        assert proof["delivered_by"] == crew_user.pk
        assert proof["photo"] == f"http://testserver/staff/deliveries/{on_its_way.pk}/photo/"
        assert proof["at"]

    def test_before_delivery_it_is_null(self, client_as, manager, on_its_way):
        assert client_as(manager).get(f"/api/v1/orders/{on_its_way.pk}/").json()["delivery_proof"] is None

    @pytest.mark.parametrize("who", ["driver", "owner"])
    def test_others_see_null(self, client_as, on_its_way, crew_user, who):
        delivery.order_deliver(order=on_its_way, actor=crew_user, recipient_name="Ana")
        user = crew_user if who == "driver" else on_its_way.customer

        body = client_as(user).get(f"/api/v1/orders/{on_its_way.pk}/").json()

        assert body["delivery_proof"] is None

    def test_lists_do_not_carry_it(self, client_as, manager, on_its_way):
        assert "delivery_proof" not in client_as(manager).get("/api/v1/orders/").json()["results"][0]

    def test_the_schema_documents_it(self, api_client):
        schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        detail = schema["components"]["schemas"]["OrderDetail"]["properties"]["delivery_proof"]
        assert "DeliveryProof" in str(detail)


# --- the API's take: every role and key (littlelemon/api/tests/matrix.py) ----------------------


def _ready(delivery_crew_of=None, status="ready", **fields):
    def setup(user):
        crew = UserFactory(roles=["delivery-crew"]) if delivery_crew_of == "someone" else None
        return {"order": OrderFactory(status=status, delivery_crew=crew, **fields).pk}

    return setup


def _take_expect(crew, anon=401, others=403):
    from littlelemon.api.tests.matrix import ADMIN, ANON, CREW, CUSTOMER, KITCHEN, MANAGER

    return {ANON: anon, CUSTOMER: others, KITCHEN: others, CREW: crew, MANAGER: others, ADMIN: others}


def _take_rows():
    from littlelemon.api.tests.matrix import Row

    path = "/api/v1/orders/{order}/take/"
    return [
        Row("POST", path, _take_expect(crew=200), setup=_ready()),
        Row("POST", path, _take_expect(crew=409), setup=_ready(delivery_crew_of="someone")),
        Row("POST", path, _take_expect(crew=409), setup=_ready(status="preparing")),
        Row("POST", path, _take_expect(crew=404), setup=_ready(fulfilment="pickup")),
    ]


def _take_cells():
    from littlelemon.api.tests.matrix import cell_ids, cells

    rows = _take_rows()
    return {"argvalues": cells(rows), "ids": cell_ids(rows)}


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), **_take_cells())
def test_take_permission_matrix(row, role, settings):
    from littlelemon.api.tests.matrix import run_row

    settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
    before = {}

    def setup(user):
        context = row.setup(user)
        before["state"] = sorted(Order.objects.values_list("pk", "status", "delivery_crew_id"))
        return context

    from dataclasses import replace

    response = run_row(replace(row, setup=setup), role)

    if response.status_code >= 400:
        assert sorted(Order.objects.values_list("pk", "status", "delivery_crew_id")) == before["state"]


@pytest.mark.django_db
class TestTakeApi:
    def test_taken_the_order_is_the_drivers(self, client_as, crew_user, settings):
        settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
        order = OrderFactory(status="ready")

        response = client_as(crew_user).post(f"/api/v1/orders/{order.pk}/take/")

        assert response.status_code == 200
        assert (response.json()["delivery_crew"], response.json()["allowed_transitions"]) == (
            crew_user.pk,
            ["out_for_delivery"],
        )

    def test_already_taken(self, client_as, crew_user):
        order = OrderFactory(status="ready", delivery_crew=UserFactory(roles=["delivery-crew"]))

        response = client_as(crew_user).post(f"/api/v1/orders/{order.pk}/take/")

        assert response.status_code == 409
        assert response.json()["code"] == "already_taken"
        assert "already taken by someone else" in response.json()["detail"]

    def test_refused_when_the_setting_is_off(self, client_as, crew_user, settings):
        settings.DELIVERY_CREW_TAKES_READY_ORDERS = False
        order = OrderFactory(status="ready")

        response = client_as(crew_user).post(f"/api/v1/orders/{order.pk}/take/")

        assert (response.status_code, response.json()["code"]) == (403, "taking_disabled")
        assert Order.objects.get(pk=order.pk).delivery_crew_id is None

    def test_a_missing_or_huge_id_is_a_404(self, client_as, crew_user):
        for value in (999999, 2**70):
            response = client_as(crew_user).post(f"/api/v1/orders/{value}/take/")
            assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_documented(self, api_client):
        schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
        operation = schema["paths"]["/api/v1/orders/{id}/take/"]["post"]
        assert {"200", "401", "403", "404", "409"} <= set(operation["responses"])


@pytest.mark.django_db
def test_every_answer_about_one_order_carries_the_proof_for_a_manager(client_as, manager, on_its_way):
    """Placing, reading and moving an order answer with the same representation: the manager who
    marks it delivered sees the proof field too (null: delivered through the API, no proof)."""
    body = client_as(manager).post(f"/api/v1/orders/{on_its_way.pk}/status/", {"status": "delivered"}).json()

    assert body["status"] == "delivered" and body["delivery_proof"] is None
    assert body == client_as(manager).get(f"/api/v1/orders/{on_its_way.pk}/").json()
