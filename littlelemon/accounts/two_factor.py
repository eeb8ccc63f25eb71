"""Two-factor log-in for staff: a TOTP authenticator app (django-otp's TOTPDevice).

- Turning it on (`two_factor_enable`): the page shows a fresh secret (a QR code and the text)
  kept in the session, and the first code from the app confirms it; only then is a confirmed
  device saved. Turning it off needs a current code (or an admin, for a lost phone).
- Logging in: a user with a confirmed device gives the password, then the code
  (`two_factor_verify`); the web log-in signs them in only after the code, the API's JWT log-in
  wants the code in the same request (`otp`). A code is good once (django-otp remembers the last
  time step used), a wrong one makes the next wait 1, 2, 4... seconds (OTP_TOTP_THROTTLE_FACTOR)
  and counts as a failed log-in of the account (accounts/ratelimit.py); a log-in allows
  TWO_FACTOR_MAX_ATTEMPTS wrong codes, then the password again.
- The staff screens (staff/access.py) and the Django admin (`AdminTwoFactorMiddleware`) want a
  verified session from a user with a device, and, when an admin requires two-factor log-in
  (`StaffPolicy`), send staff without one to set it up first. What a session must show is kept
  in the session (`two_factor` : read at log-in, re-read every TWO_FACTOR_RECHECK_SECONDS), so a
  staff screen costs no query for it.
"""

import io
import time
from binascii import unhexlify
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import ApplicationError, Conflict, InvalidInput, NotFound, PermissionDenied

from .models import StaffPolicy, User

SESSION_STATE = "two_factor"
SESSION_SETUP_KEY = "two_factor_setup_key"


class CodeRequired(InvalidInput):
    code = "otp_required"
    default_message = "Enter the 6-digit code from your authenticator app."


class CodeInvalid(InvalidInput):
    code = "otp_invalid"
    default_message = "That code is not right (or was used already). Enter the current code from your app."


class CodeThrottled(ApplicationError):
    code = "otp_throttled"
    http_status = 429
    default_message = "Too many wrong codes: wait a few seconds and try again."


class TwoFactorRequired(Conflict):
    code = "two_factor_required"
    default_message = "Two-factor log-in is required for staff: it cannot be turned off."


class TwoFactorAlreadyOn(Conflict):
    code = "two_factor_on"
    default_message = "Two-factor log-in is already on."


class TwoFactorNotOn(NotFound):
    code = "two_factor_off"
    default_message = "Two-factor log-in is not on for this account."


# --- reads -----------------------------------------------------------------------------------


def device_for(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they use one."""
    if user is None or user.pk is None:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def staff_policy_get() -> StaffPolicy:
    policy, _ = StaffPolicy.objects.get_or_create(pk=1)
    return policy


def two_factor_required_for(user: Any) -> bool:
    """Staff must use two-factor log-in (an admin said so); customers never must."""
    return bool(user.is_staff_member) and staff_policy_get().two_factor_required


def new_secret() -> str:
    """A fresh TOTP secret (hex, 20 random bytes), as django-otp makes them."""
    return default_key()


def provisioning_uri(user: Any, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def secret_text(key: str) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    from base64 import b32encode

    text = b32encode(unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(uri: str) -> bytes:
    """The QR code of `uri` as an SVG document (with a title, for screen readers)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=5, border=2, title="QR code for your authenticator app", xmldecl=False
    )
    return buffer.getvalue()


# --- writes ----------------------------------------------------------------------------------


def _code_number(code: str | None) -> int:
    code = (code or "").replace(" ", "").strip()
    if not code:
        raise CodeRequired(field="otp")
    if not (code.isdigit() and len(code) == 6):
        raise CodeInvalid("Enter the 6 digits your app shows.", field="otp")
    return int(code)


@transaction.atomic
def two_factor_enable(*, user: User, key: str, code: str) -> TOTPDevice:
    """Turn two-factor log-in on with the secret `key` the user's app was given, confirmed by
    the app's current `code`. Locks the user row (two tabs confirming at once make one device).

    Raises CodeRequired / CodeInvalid (field `otp`), TwoFactorAlreadyOn.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    if device_for(user) is not None:
        raise TwoFactorAlreadyOn()
    number = _code_number(code)
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if not totp.verify(number, tolerance=1):
        raise CodeInvalid(field="otp")
    TOTPDevice.objects.filter(user=user).delete()  # unconfirmed leftovers
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True, last_t=totp.t())
    audit_record(
        actor=user, action="two_factor.enable", target=user, changes={"two_factor": {"before": False, "after": True}}
    )
    return device


def two_factor_verify(*, user: User, code: str | None) -> TOTPDevice:
    """Check the second factor of `user`'s log-in. The device row is locked while it is checked,
    so one code cannot be used twice by two requests at once; a failure is committed (the
    throttle's count) before the error is raised.

    Raises TwoFactorNotOn, CodeRequired / CodeInvalid (field `otp`), CodeThrottled (wait first).
    """
    number = _code_number(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise TwoFactorNotOn()
        allowed, info = device.verify_is_allowed()
        if not allowed:
            raise CodeThrottled(extra={"locked_until": str((info or {}).get("locked_until", ""))})
        verified = device.verify_token(number)  # saves the device: last step used, or a failure
    if not verified:
        from .ratelimit import login_failure_record

        login_failure_record(user.get_username())
        raise CodeInvalid(field="otp")
    return device


def two_factor_disable(*, actor: User, user: User, code: str | None = None) -> None:
    """Turn two-factor log-in off: the user themself with a current code (not while an admin
    requires it of staff), or an admin for anyone (a lost phone; they set it up again). The code
    is checked (and a wrong one counted) before the transaction that removes the device.

    Raises PermissionDenied, TwoFactorNotOn, TwoFactorRequired, and two_factor_verify's errors.
    """
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied("Only an admin may turn off someone else's two-factor log-in.")
    if device_for(user) is None:
        raise TwoFactorNotOn()
    if actor.pk == user.pk:
        if two_factor_required_for(user):
            raise TwoFactorRequired()
        two_factor_verify(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action="two_factor.disable",
            target=user,
            changes={"two_factor": {"before": True, "after": False}},
        )


@transaction.atomic
def staff_policy_update(*, actor: User, two_factor_required: bool) -> StaffPolicy:
    """Require (or stop requiring) two-factor log-in of every staff member. Admins only.

    Raises PermissionDenied."""
    if not actor.is_superuser:
        raise PermissionDenied("Only an admin may change what staff log-in requires.")
    policy = StaffPolicy.objects.select_for_update().filter(pk=1).first() or StaffPolicy.objects.create(pk=1)
    before = policy.two_factor_required
    if before != two_factor_required:
        policy.two_factor_required = two_factor_required
        policy.save(update_fields=["two_factor_required"])
        audit_record(
            actor=actor,
            action="staff_policy.update",
            target=policy,
            changes={"two_factor_required": {"before": before, "after": two_factor_required}},
        )
    return policy


# --- the session -----------------------------------------------------------------------------


def session_state_refresh(request: HttpRequest, user: Any) -> dict[str, Any]:
    """Read what `user`'s session must show (a device? required?) and keep it in the session."""
    enrolled = device_for(user) is not None
    required = two_factor_required_for(user)
    state = {"user": user.pk, "checked": time.time(), "enrolled": enrolled, "required": required}
    request.session[SESSION_STATE] = state
    return state


def session_state(request: HttpRequest) -> dict[str, Any]:
    state = request.session.get(SESSION_STATE)
    user = request.user
    fresh = (
        isinstance(state, dict)
        and state.get("user") == user.pk
        and time.time() - state.get("checked", 0) < settings.TWO_FACTOR_RECHECK_SECONDS
    )
    return state if fresh else session_state_refresh(request, user)


@receiver(user_logged_in, dispatch_uid="littlelemon.accounts.two_factor.session_state")
def _session_state_at_log_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and user.is_staff_member:
        session_state_refresh(request, user)


def session_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def session_mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """This session passed `device`'s code (django-otp keeps the device in the session)."""
    from django_otp import login as otp_login

    otp_login(request, device)
    session_state_refresh(request, request.user)


def two_factor_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where a signed-in staff member must go before a staff or admin page: the code page when
    they use two-factor log-in and this session has not given a code, the set-up page when it
    is required and they have none; None when they may go on."""
    user = request.user
    if not (user.is_authenticated and user.is_staff_member):
        return None
    state = session_state(request)
    query = urlencode({"next": request.get_full_path()})
    if state["enrolled"] and not session_verified(request):
        return HttpResponseRedirect(f"{reverse('web:two_factor_verify')}?{query}")
    if state["required"] and not state["enrolled"]:
        messages.info(request, "Staff must use two-factor log-in: set it up to continue.")
        return HttpResponseRedirect(f"{reverse('web:two_factor')}?{query}")
    return None


class AdminTwoFactorMiddleware:
    """The Django admin, as the staff screens: a staff member's session must have given the
    code (or set two-factor log-in up, when required) before any admin page but log-in/out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        admin = reverse("admin:index")
        if request.path.startswith(admin) and request.path not in (admin + "login/", admin + "logout/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and user.is_staff:
                redirect = two_factor_redirect(request)
                if redirect is not None:
                    return redirect
        return self.get_response(request)
