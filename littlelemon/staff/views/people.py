"""The Staff screen (/staff/people/, managers and admins): the people with roles and whether they
use two-factor log-in; give or take roles, invite a new staff member; admins also require
two-factor log-in of all staff and turn it off for someone who lost their phone. And customers'
data on request: find a customer, download their data, delete their account.

Every action calls the accounts service the API uses (accounts/services.py, invitations.py,
two_factor.py, privacy.py), which decides who may do what; a refusal is shown on the page.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.accounts import invitations, privacy, selectors, services, two_factor
from littlelemon.accounts.enums import Role
from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import can_manage_role
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import run_and_say
from littlelemon.web.views.privacy import export_response

from ..access import manager_required


def _roles_for(actor: User) -> list[Role]:
    """The roles `actor` may give or take, in the order the page shows them."""
    return [role for role in (Role.MANAGER, Role.KITCHEN, Role.DELIVERY_CREW) if can_manage_role(actor, role)]


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=150)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    role = forms.ChoiceField(label="Role", choices=())

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in _roles_for(actor)]


@never_cache
@manager_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The staff list, the admin's policy, and the customer search (`q`)."""
    query = request.GET.get("q", "")
    members = list(selectors.staff_member_list())
    rows = [
        {
            "user": member,
            "roles": sorted(group.name for group in member.groups.all()),
            "pending": invitations.invitation_pending(member),
        }
        for member in members
    ]
    context = {
        "rows": rows,
        "manageable": _roles_for(request.user),
        "policy": two_factor.staff_policy_get() if request.user.is_superuser else None,
        "query": query,
        "customers": selectors.customer_search(query=query) if query else None,
    }
    return render(request, "staff/people/people.html", context)


@manager_required
@require_POST
def person_role(request: HttpRequest, user_id: int) -> HttpResponse:
    """Give (`action=grant`) or take (`action=revoke`) `role`."""
    user = get_object_or_404(User, pk=user_id)
    try:
        role = Role(request.POST.get("role", ""))
    except ValueError:
        messages.error(request, "Choose a role.")
        return redirect("staff:people")
    name = user.get_full_name() or user.username
    try:
        if request.POST.get("action") == "revoke":
            services.role_revoke(actor=request.user, role=role, user=user)
            messages.success(request, f"{name} is no longer {role.label.lower()}.")
        else:
            services.role_grant(actor=request.user, role=role, user=user)
            messages.success(request, f"{name} is now {role.label.lower()}.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("staff:people")


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.staff_invite(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("staff:people")
    context = {"form": form, "invite_days": settings.STAFF_INVITE_DAYS}
    return render(request, "staff/people/invite.html", context, status=400 if form.errors else 200)


@manager_required
@require_POST
def invite_resend(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    run_and_say(
        request,
        lambda: invitations.staff_invite_resend(actor=request.user, user=user),
        f"A new invitation was sent to {user.email}; the old link no longer works.",
    )
    return redirect("staff:people")


@manager_required
@require_POST
def two_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """An admin turns off someone's two-factor log-in (a lost phone): they set it up again."""
    user = get_object_or_404(User, pk=user_id)
    run_and_say(
        request,
        lambda: two_factor.two_factor_disable(actor=request.user, user=user),
        f"Two-factor log-in is off for {user.get_full_name() or user.username}.",
    )
    return redirect("staff:people")


@manager_required
@require_POST
def policy(request: HttpRequest) -> HttpResponse:
    required = request.POST.get("two_factor_required") == "on"
    run_and_say(
        request,
        lambda: two_factor.staff_policy_update(actor=request.user, two_factor_required=required),
        "Two-factor log-in is now required of all staff."
        if required
        else "Two-factor log-in is no longer required of staff.",
    )
    return redirect("staff:people")


def _customer(user_id: int) -> User:
    """A customer the screen may act for (not staff, not already deleted): else 404."""
    customer = get_object_or_404(User, pk=user_id, is_superuser=False, is_staff=False, is_active=True)
    if customer.is_staff_member:
        raise Http404("Not a customer.")
    return customer


@never_cache
@manager_required
@require_GET
def customer(request: HttpRequest, user_id: int) -> HttpResponse:
    customer = _customer(user_id)
    return render(request, "staff/people/customer.html", {"customer": customer})


@never_cache
@manager_required
@require_GET
def customer_export(request: HttpRequest, user_id: int) -> HttpResponse:
    customer = _customer(user_id)
    return export_response(privacy.customer_data_export(user=customer), username=customer.username)


@manager_required
@require_POST
def customer_delete(request: HttpRequest, user_id: int) -> HttpResponse:
    customer = _customer(user_id)
    if request.POST.get("confirm") != "delete":
        messages.error(request, "Tick the box to confirm that the customer asked for this.")
        return redirect("staff:people_customer", customer.pk)
    try:
        privacy.account_delete(actor=request.user, user=customer)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("staff:people_customer", customer.pk)
    messages.success(
        request, f"The account of {customer.username} is deleted; its orders stay, without personal details."
    )
    return redirect("staff:people")
