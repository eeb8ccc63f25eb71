"""The customer pages. Thin: parse the request, call a selector or a service, render.

A page asked for by htmx (menu filters) gets only the fragment it swaps; every page also works as
a plain GET or POST without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from littlelemon.accounts import services as account_services
from littlelemon.core.exceptions import ApplicationError
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu.enums import DietaryTag
from littlelemon.menu.filters import MenuItemFilter

from .forms import LoginForm, SignUpForm, add_application_error
from .info import restaurant_info_for

FEATURED_ON_HOME = 6
# The menu page offers these of MenuItemFilter's filters; the API offers them all.
MENU_PAGE_FILTERS = ("search", "category", "dietary")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    featured = MenuItemFilter({"featured": True}, queryset=menu_selectors.menu_item_list()).qs[:FEATURED_ON_HOME]
    return render(request, "web/home.html", {"featured": featured})


def _menu_filter(query: QueryDict) -> MenuItemFilter:
    """The menu's filters from the page's GET form: the dietary checkboxes arrive as repeated
    `dietary=` keys, the API's filter takes them comma-separated. Unknown or invalid values are
    dropped (a bookmarked link never breaks the page)."""
    data = {name: query.get(name, "").strip() for name in MENU_PAGE_FILTERS}
    data["dietary"] = ",".join(tag for tag in query.getlist("dietary") if tag)
    return MenuItemFilter(
        {name: value for name, value in data.items() if value}, queryset=menu_selectors.menu_item_list_by_category()
    )


@require_GET
def menu(request: HttpRequest) -> HttpResponse:
    menu_filter = _menu_filter(request.GET)
    menu_filter.is_valid()  # the filters that are valid apply (and show as chosen); the others are dropped
    chosen = menu_filter.form.cleaned_data
    items = list(menu_filter.qs)
    context = {
        "items": items,
        # Lazy: read only when the full page renders its category filter, not for an htmx fragment.
        "categories": menu_selectors.category_list().filter(item_count__gt=0),
        "dietary_choices": DietaryTag.choices,
        "search": chosen.get("search") or "",
        "category": chosen.get("category") or "",
        "dietary": chosen.get("dietary") or [],
        "filtered": any(chosen.get(name) for name in MENU_PAGE_FILTERS),
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "web/partials/menu_results_swap.html", context)
    else:
        response = render(request, "web/menu.html", context)
    # The same URL answers a fragment to htmx and a page to a browser: caches must keep both.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def dish(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(menu_selectors.menu_item_list(), slug=slug)
    return render(request, "web/dish.html", {"item": item})


# --- accounts ------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "web:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_services.user_sign_up(**form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            return redirect(_safe_next(request) or "web:home")
    return render(request, "web/account/signup.html", {"form": form, "next": _safe_next(request)})


class LoginView(auth_views.LoginView):
    """Django's log-in: AuthenticationForm calls `authenticate(request, ...)`, so an
    authentication backend that locks out repeated failures (django-axes) applies here."""

    template_name = "web/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses a GET log-out, so a link or an image cannot log anyone out)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "web/account/account.html")


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
