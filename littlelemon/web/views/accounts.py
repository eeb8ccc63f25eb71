"""Sign up, log in and out, the account page (and its food preferences), password change and reset.

Signing up or logging in keeps the visitor's cart: it is folded into the account's
(`merge_guest_cart`), whatever page they came from (checkout brings them back there).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from littlelemon.accounts import services as account_services
from littlelemon.accounts import two_factor
from littlelemon.accounts.ratelimit import too_many_response
from littlelemon.core.exceptions import ApplicationError
from littlelemon.core.ratelimit import SignupRateThrottle
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import safe_next
from littlelemon.staff.access import staff_home_url

from ..cart import cart_for, merge_guest_cart
from ..forms import FoodPreferencesForm, LoginForm, SignUpForm
from ..info import restaurant_info_for
from .two_factor import login_pending_start


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request) or "web:home")
    if request.method == "POST":
        throttled = _signup_throttled(request)
        if throttled is not None:
            return throttled
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_services.user_sign_up(**form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            guest_cart = cart_for(request).guest_cart
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            merge_guest_cart(request, user=user, guest_cart=guest_cart)
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect(safe_next(request) or "web:home")
    return render(request, "web/account/signup.html", {"form": form, "next": safe_next(request)})


def _signup_throttled(request: HttpRequest) -> HttpResponse | None:
    """The API's sign-up throttle (scope `signup`, THROTTLE_SIGNUP_RATE, per client address) on
    the sign-up form's POSTs: both count against one limit, so switching between the API and the
    page buys no extra attempts. A 429 page in the site's layout saying how long to wait."""
    throttle = SignupRateThrottle()
    if throttle.rate is None or throttle.allow_request(request, None):
        return None
    return too_many_response(request, throttle.wait() or 1, "sign-ups from your address")


class LoginView(auth_views.LoginView):
    """Django's log-in: AuthenticationForm calls `authenticate(request, ...)`, so an
    authentication backend that locks out repeated failures (django-axes) applies here; the
    log-in limits (accounts/ratelimit.py) wrap it in urls.py."""

    template_name = "web/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """A staff member lands on their own screen (kitchen display, orders board, deliveries)
        unless they were on their way to a staff or admin page; a customer goes back where they were."""
        url = self.get_redirect_url()
        home = staff_home_url(self.request.user)
        if home is not None and not url.startswith(("/staff/", "/admin/")):
            return home
        return url or self.get_default_redirect_url()

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.device_for(user) is not None:
            # Not signed in yet: the code page signs them in (views/two_factor.py).
            return login_pending_start(self.request, user=user, next_url=self.get_redirect_url())
        guest_cart = cart_for(self.request).guest_cart  # before login() may start a new session
        response = super().form_valid(form)
        merge_guest_cart(self.request, user=form.get_user(), guest_cart=guest_cart)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses a GET log-out, so a link or an image cannot log anyone out)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's details and links; POST saves their food preferences (only their own:
    the form names no user) and comes back here with a message, or shows what was refused."""
    form = FoodPreferencesForm.for_user(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.user_food_preferences_set(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "Your food preferences are saved: recommendations follow them.")
            return redirect("web:account")
    return render(request, "web/account/account.html", {"preferences": form}, status=400 if form.errors else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/account/password_change.html"
    success_url = reverse_lazy("web:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/account/password_reset.html"
    email_template_name = "web/account/email/password_reset.txt"
    subject_template_name = "web/account/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")

    def form_valid(self, form):
        # The email names the restaurant, not the host name Django would use.
        self.extra_email_context = {"site_name": restaurant_info_for(self.request).name}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/account/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/account/password_reset_complete.html"  # links `login_url` (settings.LOGIN_URL)
