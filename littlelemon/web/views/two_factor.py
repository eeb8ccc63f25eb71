"""Two-factor log-in pages (accounts/two_factor.py decides): set it up or turn it off from the
account page (staff), and the code step of a log-in.

The log-in page (views/accounts.py LoginView) does not sign in a user who uses two-factor
log-in: it keeps who gave the right password in the session (`two_factor_pending`, for
PENDING_SECONDS) and sends them here; the right code signs them in. A session that is signed
in but has not given its code (the admin's log-in page, a session from before the app was set
up) comes here too, from any staff or admin page.
"""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.accounts import two_factor
from littlelemon.accounts.models import User
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import safe_next
from littlelemon.staff.access import staff_home_url

from ..cart import cart_for, merge_guest_cart

PENDING = "two_factor_pending"
PENDING_SECONDS = 300


class CodeForm(forms.Form):
    otp = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True}
        ),
        error_messages={"required": two_factor.CodeRequired.default_message},
    )


def login_pending_start(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse:
    """The password was right and `user` uses two-factor log-in: ask for the code."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": time.time(),
        "failures": 0,
    }
    return redirect("web:two_factor_verify")


def _pending_user(request: HttpRequest) -> tuple[User | None, dict | None]:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending


def _success_url(request: HttpRequest, user: User, next_url: str) -> str:
    """As the log-in page: staff land on their screen unless they were going to a staff or admin page."""
    home = staff_home_url(user)
    if home is not None and not next_url.startswith(("/staff/", "/admin/")):
        return home
    return next_url or reverse("web:home")


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code step: of a log-in in progress, or of a signed-in session that has not given it."""
    signed_in = request.user.is_authenticated
    if signed_in:
        user, pending = request.user, None
        if two_factor.session_verified(request) or two_factor.device_for(user) is None:
            # Nothing to give (an admin turned it off since): the session's state says so too.
            two_factor.session_state_refresh(request, user)
            return redirect(safe_next(request) or _success_url(request, user, ""))
    else:
        user, pending = _pending_user(request)
        if user is None:
            messages.info(request, "Log in with your password first.")
            return redirect("web:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.two_factor_verify(user=user, code=form.cleaned_data["otp"])
        except ApplicationError as error:
            add_application_error(form, error, field="otp")
            if isinstance(error, two_factor.CodeInvalid) and _too_many_failures(request, pending):
                if signed_in:
                    logout(request)
                messages.error(request, "Too many wrong codes. Log in again with your password.")
                return redirect("web:login")
        else:
            if signed_in:
                two_factor.session_mark_verified(request, device)
                return redirect(safe_next(request) or _success_url(request, user, ""))
            guest_cart = cart_for(request).guest_cart
            request.session.pop(PENDING, None)
            user.otp_device = device  # django-otp keeps it in the new session at login()
            login(request, user, backend=pending["backend"])
            two_factor.session_state_refresh(request, user)
            merge_guest_cart(request, user=user, guest_cart=guest_cart)
            return redirect(_success_url(request, user, pending.get("next") or ""))
    return render(request, "web/account/two_factor_verify.html", {"form": form, "next": safe_next(request)})


def _too_many_failures(request: HttpRequest, pending: dict | None) -> bool:
    """Counts a wrong code against this log-in (or this signed-in session); True past the limit."""
    key = PENDING if pending is not None else "two_factor_failures"
    if pending is not None:
        pending["failures"] = pending.get("failures", 0) + 1
        failures = pending["failures"]
        request.session[key] = pending
    else:
        failures = request.session.get(key, 0) + 1
        request.session[key] = failures
    if failures >= settings.TWO_FACTOR_MAX_ATTEMPTS:
        request.session.pop(key, None)
        return True
    return False


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied("Two-factor log-in is for staff accounts.")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up two-factor log-in (a QR code and the secret, confirmed by a first code), or see
    that it is on and turn it off."""
    _staff_only(request)
    device = two_factor.device_for(request.user)
    form = CodeForm(request.POST or None)
    if device is None:
        key = request.session.get(two_factor.SESSION_SETUP_KEY)
        if not key:
            key = request.session[two_factor.SESSION_SETUP_KEY] = two_factor.new_secret()
        if request.method == "POST" and form.is_valid():
            try:
                device = two_factor.two_factor_enable(user=request.user, key=key, code=form.cleaned_data["otp"])
            except ApplicationError as error:
                add_application_error(form, error, field="otp")
            else:
                request.session.pop(two_factor.SESSION_SETUP_KEY, None)
                two_factor.session_mark_verified(request, device)
                messages.success(request, "Two-factor log-in is on: you will be asked for a code when you log in.")
                return redirect(safe_next(request) or "web:two_factor")
        context = {"form": form, "secret": two_factor.secret_text(key), "next": safe_next(request)}
    else:
        if request.method == "POST":
            return redirect("web:two_factor")
        context = {"device": device, "form": CodeForm(), "required": two_factor.two_factor_required_for(request.user)}
    return render(request, "web/account/two_factor.html", context)


@never_cache
@login_required
@require_GET
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the secret being set up, as an SVG image (an <img> the strict CSP allows)."""
    _staff_only(request)
    key = request.session.get(two_factor.SESSION_SETUP_KEY)
    if not key:
        raise Http404("Nothing is being set up.")
    svg = two_factor.qr_svg(two_factor.provisioning_uri(request.user, key))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(actor=request.user, user=request.user, code=form.cleaned_data["otp"])
        except ApplicationError as error:
            add_application_error(form, error, field="otp")
        else:
            messages.success(request, "Two-factor log-in is off.")
            two_factor.session_state_refresh(request, request.user)
            return redirect("web:two_factor")
    device = two_factor.device_for(request.user)
    if device is None:
        return redirect("web:two_factor")
    context = {"device": device, "form": form, "required": two_factor.two_factor_required_for(request.user)}
    return render(request, "web/account/two_factor.html", context, status=400)
