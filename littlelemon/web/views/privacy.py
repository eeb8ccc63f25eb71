"""A customer's own data (download, delete the account) and a staff invitation's set-password
page. The services decide: accounts/privacy.py and accounts/invitations.py."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from littlelemon.accounts import invitations, privacy
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error


def export_response(data: dict, *, username: str) -> HttpResponse:
    """The data as a JSON file download (the staff screen's copy for a customer uses it too)."""
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False), content_type="application/json"
    )
    day = timezone.localdate().isoformat()
    safe_name = "".join(ch for ch in username if ch.isalnum() or ch in "-_.") or "account"
    response["Content-Disposition"] = f'attachment; filename="little-lemon-data-{safe_name}-{day}.json"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
def account_data_export(request: HttpRequest) -> HttpResponse:
    return export_response(privacy.customer_data_export(user=request.user), username=request.user.username)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to confirm."},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """GET explains what deleting does and asks for the password; POST deletes."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_delete(actor=request.user, user=request.user, password=form.cleaned_data["password"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for eating with us.")
            return redirect("web:home")
    status = 400 if form.errors else 200
    return render(request, "web/account/delete.html", {"form": form}, status=status)


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invited staff member chooses their password; a used, expired or broken link says so."""
    try:
        invited = invitations.invitation_user(token)
    except ApplicationError as error:
        return render(request, "web/account/invitation.html", {"problem": error.message}, status=410)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(token=token, password=form.cleaned_data["password"])
        except ApplicationError as error:
            if error.field == "password":
                add_application_error(form, error)
            else:
                return render(request, "web/account/invitation.html", {"problem": error.message}, status=410)
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(request, f"Your password is set. Log in as {user.username}.")
            return redirect("web:login")
    context = {"form": form, "invited": invited}
    return render(request, "web/account/invitation.html", context, status=400 if form.errors else 200)
