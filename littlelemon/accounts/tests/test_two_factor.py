"""Two-factor log-in: enrolment, the log-in's code step (web, admin, API), wrong codes, replays,
the throttle, the staff screens' and the admin's demand for a verified session, the admin's
requirement, and turning it off."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import user_with_role
from littlelemon.accounts import two_factor
from littlelemon.accounts.models import StaffPolicy
from littlelemon.accounts.tests.factories import PASSWORD
from littlelemon.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = reverse("web:login")
CODE_PAGE = reverse("web:two_factor_verify")
SETUP = reverse("web:two_factor")
JWT = "/api/v1/auth/jwt/create/"


def code_for(key: str, *, at: float | None = None) -> str:
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def enrolled(role: str = "manager") -> tuple:
    """A user in `role` with a confirmed device whose last used step is in the past."""
    user = user_with_role(role)
    key = two_factor.new_secret()
    device = TOTPDevice.objects.create(user=user, name="app", key=key, confirmed=True, last_t=0)
    return user, device


def signed_in_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


class TestEnrolment:
    def test_the_page_shows_a_qr_code_and_the_secret_and_saves_nothing(self, client, manager):
        client.force_login(manager)
        html = client.get(SETUP).content.decode()

        key = client.session[two_factor.SESSION_SETUP_KEY]
        assert f'src="{reverse("web:two_factor_qr")}"' in html
        assert two_factor.secret_text(key) in html
        assert not TOTPDevice.objects.exists()
        qr = client.get(reverse("web:two_factor_qr"))
        assert qr["Content-Type"] == "image/svg+xml" and "no-store" in qr["Cache-Control"]
        assert qr.content.lstrip().startswith(b"<svg") and b"<title>" in qr.content

    def test_a_wrong_code_turns_nothing_on(self, client, manager):
        client.force_login(manager)
        client.get(SETUP)
        key = client.session[two_factor.SESSION_SETUP_KEY]
        wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"

        response = client.post(SETUP, {"otp": wrong})

        assert response.status_code == 200
        assert two_factor.CodeInvalid.default_message in response.content.decode()
        assert not TOTPDevice.objects.exists()

    def test_the_first_code_confirms_it_and_verifies_this_session(self, client, manager):
        client.force_login(manager)
        client.get(SETUP)
        key = client.session[two_factor.SESSION_SETUP_KEY]

        response = client.post(SETUP, {"otp": code_for(key)})

        assert response.status_code == 302
        device = TOTPDevice.objects.get(user=manager)
        assert device.confirmed and device.key == key
        assert two_factor.SESSION_SETUP_KEY not in client.session
        assert client.get(reverse("staff:orders")).status_code == 200  # this session is verified
        assert AuditEntry.objects.filter(action="two_factor.enable", object_id=str(manager.pk)).exists()

    def test_the_setup_code_cannot_log_in_again(self, client, manager):
        """The step used to confirm is remembered: the same code is a replay."""
        client.force_login(manager)
        client.get(SETUP)
        key = client.session[two_factor.SESSION_SETUP_KEY]
        code = code_for(key)
        client.post(SETUP, {"otp": code})

        with pytest.raises(two_factor.CodeInvalid):
            two_factor.two_factor_verify(user=manager, code=code)

    @pytest.mark.parametrize("role", ["customer"])
    def test_customers_have_no_two_factor_page(self, client, role):
        client.force_login(user_with_role(role))
        assert client.get(SETUP).status_code == 403
        assert client.get(reverse("web:two_factor_qr")).status_code == 403

    def test_anonymous_goes_to_log_in(self, client):
        assert client.get(SETUP).url.startswith(LOGIN)


class TestWebLogIn:
    def test_the_password_alone_signs_nobody_in(self, client):
        user, _ = enrolled()
        response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})

        assert response.url == CODE_PAGE
        assert signed_in_id(client) is None
        assert client.get(reverse("staff:orders")).status_code == 302

    def test_the_right_code_signs_in_and_lands_on_the_staff_screen(self, client):
        user, device = enrolled()
        client.post(LOGIN, {"username": user.username, "password": PASSWORD})

        response = client.post(CODE_PAGE, {"otp": code_for(device.key)})

        assert response.url == reverse("staff:orders")
        assert signed_in_id(client) == str(user.pk)
        assert client.get(reverse("staff:orders")).status_code == 200

    def test_the_visitors_guest_cart_comes_along_after_the_code(self, client):
        from littlelemon.cart.models import CartLine
        from littlelemon.menu.tests.factories import MenuItemFactory

        user, device = enrolled()
        dish = MenuItemFactory()
        client.post(reverse("web:cart_add"), {"menuitem": dish.pk, "quantity": 2})
        client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        assert CartLine.objects.get().guest_cart is not None  # not before the code

        client.post(CODE_PAGE, {"otp": code_for(device.key)})

        assert list(CartLine.objects.values_list("user", "guest_cart", "menuitem", "quantity")) == [
            (user.pk, None, dish.pk, 2)
        ]
        assert "guest_cart" not in client.session

    def test_a_wrong_code_says_so_and_signs_nobody_in(self, client):
        user, device = enrolled()
        client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"

        response = client.post(CODE_PAGE, {"otp": wrong})

        assert response.status_code == 200
        assert two_factor.CodeInvalid.default_message in response.content.decode()
        assert signed_in_id(client) is None
        device.refresh_from_db()
        assert device.throttling_failure_count == 1

    def test_right_after_a_wrong_code_even_the_right_one_waits(self, client):
        """django-otp's throttle: after a failure the next try must wait 1 s (then 2, 4...)."""
        user, device = enrolled()
        client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
        client.post(CODE_PAGE, {"otp": wrong})

        response = client.post(CODE_PAGE, {"otp": code_for(device.key)})

        assert two_factor.CodeThrottled.default_message in response.content.decode()
        assert signed_in_id(client) is None

    def test_too_many_wrong_codes_mean_the_password_again(self, client, settings, no_throttle):
        settings.TWO_FACTOR_MAX_ATTEMPTS = 3
        user, device = enrolled()
        client.post(LOGIN, {"username": user.username, "password": PASSWORD})
        wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"
        for _ in range(2):
            assert client.post(CODE_PAGE, {"otp": wrong}).status_code == 200

        response = client.post(CODE_PAGE, {"otp": wrong})

        assert response.url == LOGIN
        assert client.post(CODE_PAGE, {"otp": code_for(device.key)}).url == LOGIN  # nothing pending
        assert signed_in_id(client) is None

    def test_the_code_page_without_a_password_first_sends_to_log_in(self, client):
        assert client.get(CODE_PAGE).url == LOGIN

    def test_a_user_without_a_device_logs_in_as_before(self, client, manager):
        response = client.post(LOGIN, {"username": manager.username, "password": PASSWORD})
        assert response.url == reverse("staff:orders")
        assert signed_in_id(client) == str(manager.pk)


class TestVerifiedSession:
    @pytest.mark.parametrize("url", ["/staff/orders/", "/staff/kitchen/", "/staff/people/"])
    def test_staff_screens_refuse_a_session_that_gave_no_code(self, client, url):
        user, _ = enrolled()
        client.force_login(user)  # e.g. a session from before the app was set up

        response = client.get(url)

        assert response.status_code == 302 and response.url.startswith(CODE_PAGE)

    def test_the_code_page_verifies_a_signed_in_session_and_returns(self, client):
        user, device = enrolled()
        client.force_login(user)

        response = client.post(f"{CODE_PAGE}?next=/staff/kitchen/", {"otp": code_for(device.key)})

        assert response.url == "/staff/kitchen/"
        assert client.get("/staff/kitchen/").status_code == 200

    def test_the_admin_wants_the_code_too(self, client):
        user, device = enrolled("admin")
        client.force_login(user)

        assert client.get("/admin/").url.startswith(CODE_PAGE)
        client.post(CODE_PAGE, {"otp": code_for(device.key)})
        assert client.get("/admin/").status_code == 200

    def test_without_a_device_nothing_changes(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get("/admin/").status_code == 200
        assert client.get("/staff/orders/").status_code == 200


class TestRequired:
    def test_staff_without_a_device_are_sent_to_set_it_up(self, client, kitchen_user, admin_user):
        two_factor.staff_policy_update(actor=admin_user, two_factor_required=True)
        client.force_login(kitchen_user)

        response = client.get("/staff/kitchen/")

        assert response.url.startswith(SETUP)
        assert client.get(SETUP).status_code == 200

    def test_a_session_signed_in_before_it_was_required_is_sent_on_its_next_check(
        self, client, kitchen_user, admin_user, settings
    ):
        settings.TWO_FACTOR_RECHECK_SECONDS = 0
        client.force_login(kitchen_user)
        assert client.get("/staff/kitchen/").status_code == 200

        two_factor.staff_policy_update(actor=admin_user, two_factor_required=True)

        assert client.get("/staff/kitchen/").url.startswith(SETUP)

    def test_customers_are_not_concerned(self, client, customer, admin_user):
        two_factor.staff_policy_update(actor=admin_user, two_factor_required=True)
        client.force_login(customer)
        assert client.get(reverse("web:account")).status_code == 200

    def test_only_an_admin_may_require_it(self, manager):
        with pytest.raises(two_factor.PermissionDenied):
            two_factor.staff_policy_update(actor=manager, two_factor_required=True)
        assert not StaffPolicy.objects.filter(two_factor_required=True).exists()

    def test_it_cannot_be_turned_off_while_required(self, admin_user):
        user, device = enrolled()
        two_factor.staff_policy_update(actor=admin_user, two_factor_required=True)

        with pytest.raises(two_factor.TwoFactorRequired):
            two_factor.two_factor_disable(actor=user, user=user, code=code_for(device.key))
        assert TOTPDevice.objects.filter(user=user).exists()


class TestTurningOff:
    def test_with_a_current_code(self, client):
        user, device = enrolled()
        client.force_login(user)
        client.post(CODE_PAGE, {"otp": code_for(device.key, at=time.time() - 30)})

        response = client.post(reverse("web:two_factor_disable"), {"otp": code_for(device.key)})

        assert response.url == SETUP
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert AuditEntry.objects.filter(action="two_factor.disable", object_id=str(user.pk)).exists()

    def test_a_wrong_code_keeps_it_on(self, client):
        user, device = enrolled()
        client.force_login(user)
        wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"

        response = client.post(reverse("web:two_factor_disable"), {"otp": wrong})

        assert response.status_code == 400
        assert TOTPDevice.objects.filter(user=user).exists()

    def test_an_admin_turns_it_off_for_a_lost_phone_a_manager_cannot(self, admin_user, manager):
        user, _ = enrolled("kitchen")
        with pytest.raises(two_factor.PermissionDenied):
            two_factor.two_factor_disable(actor=manager, user=user)
        assert TOTPDevice.objects.filter(user=user).exists()

        two_factor.two_factor_disable(actor=admin_user, user=user)

        assert not TOTPDevice.objects.filter(user=user).exists()


class TestApiLogIn:
    def test_without_the_code_no_tokens(self, api_client):
        user, _ = enrolled()
        response = api_client.post(JWT, {"username": user.username, "password": PASSWORD}, format="json")

        assert response.status_code == 400
        assert response.json()["code"] == "otp_required"
        assert "access" not in response.json()

    def test_with_the_code_tokens_and_the_code_is_good_once(self, api_client, no_throttle):
        user, device = enrolled()
        code = code_for(device.key)
        body = {"username": user.username, "password": PASSWORD, "otp": code}

        first = api_client.post(JWT, body, format="json")
        again = api_client.post(JWT, body, format="json")

        assert first.status_code == 200 and set(first.json()) >= {"access", "refresh"}
        assert again.status_code == 400 and again.json()["code"] == "otp_invalid"

    def test_a_wrong_code_then_a_throttle(self, api_client):
        user, device = enrolled()
        wrong = f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}"

        first = api_client.post(JWT, {"username": user.username, "password": PASSWORD, "otp": wrong}, format="json")
        second = api_client.post(
            JWT, {"username": user.username, "password": PASSWORD, "otp": code_for(device.key)}, format="json"
        )

        assert first.status_code == 400 and first.json()["code"] == "otp_invalid"
        assert second.status_code == 429 and second.json()["code"] == "otp_throttled"

    def test_a_wrong_password_with_a_right_code_is_still_wrong(self, api_client):
        user, device = enrolled()
        response = api_client.post(
            JWT, {"username": user.username, "password": "nope", "otp": code_for(device.key)}, format="json"
        )
        assert response.status_code == 401
        device.refresh_from_db()
        assert device.last_t == 0  # the code was not spent

    def test_users_without_a_device_need_no_code(self, api_client, manager):
        response = api_client.post(JWT, {"username": manager.username, "password": PASSWORD}, format="json")
        assert response.status_code == 200


class TestApiSession:
    def test_an_unverified_session_is_anonymous_to_the_api(self, client):
        user, device = enrolled()
        client.force_login(user)

        assert client.get("/api/v1/auth/users/me/").status_code == 401

        client.post(CODE_PAGE, {"otp": code_for(device.key)})
        response = client.get("/api/v1/auth/users/me/")
        assert response.status_code == 200 and response.json()["username"] == user.username

    def test_sessions_without_two_factor_are_as_before(self, client, manager):
        client.force_login(manager)
        assert client.get("/api/v1/auth/users/me/").status_code == 200


def test_a_session_whose_device_an_admin_removed_is_let_through(client, admin_user):
    user, _ = enrolled("kitchen")
    client.force_login(user)
    assert client.get("/staff/kitchen/").url.startswith(CODE_PAGE)

    two_factor.two_factor_disable(actor=admin_user, user=user)

    response = client.get(f"{CODE_PAGE}?next=/staff/kitchen/")
    assert response.url == "/staff/kitchen/"
    assert client.get("/staff/kitchen/").status_code == 200
