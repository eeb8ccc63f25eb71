"""The Staff screen: who may open it and do what, role changes through the accounts service (the
API's), invitations (the e-mail, the set-password link, expiry and reuse), the admin's
two-factor requirement, and customers' data on request."""

import re
import time

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from conftest import ROLES, user_with_role
from littlelemon.accounts import invitations
from littlelemon.accounts.models import StaffPolicy, User
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.events.relay import relay_run
from littlelemon.orders.models import Order
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

PEOPLE = reverse("staff:people")
INVITE = reverse("staff:people_invite")
POLICY = reverse("staff:people_policy")


def client_for(client, role):
    user = user_with_role(role)
    if user is not None:
        client.force_login(user)
    return user


def roles_of(user) -> list[str]:
    return sorted(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def message_texts(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# --- who may open what -------------------------------------------------------------------------

MANAGERS = {"manager", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, name, needs",
    [
        ("get", "staff:people", ()),
        ("get", "staff:people_invite", ()),
        ("post", "staff:people_invite", ()),
        ("post", "staff:people_policy", ()),
        ("post", "staff:people_role", ("target",)),
        ("post", "staff:people_resend", ("target",)),
        ("post", "staff:people_two_factor_reset", ("target",)),
        ("get", "staff:people_customer", ("customer",)),
        ("get", "staff:people_customer_export", ("customer",)),
        ("post", "staff:people_customer_delete", ("customer",)),
    ],
)
def test_permission_matrix(client, role, method, name, needs):
    target = user_with_role("kitchen")
    someone = UserFactory()
    args = [target.pk] if needs == ("target",) else [someone.pk] if needs == ("customer",) else []
    client_for(client, role)

    response = getattr(client, method)(reverse(name, args=args))

    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("web:login"))
    elif role in MANAGERS:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 403
    if role not in MANAGERS:  # nothing changed for those refused
        assert roles_of(target) == ["kitchen"]
        assert User.objects.get(pk=someone.pk).is_active
        assert not StaffPolicy.objects.filter(two_factor_required=True).exists()


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_roles_two_factor_and_invitations(client, admin_user):
    client.force_login(admin_user)
    cook = user_with_role("kitchen", first_name="Ada", last_name="Cook")
    invitations.staff_invite(actor=admin_user, email="new@example.com", first_name="Nia", last_name="", role="kitchen")
    UserFactory(username="just-a-customer")

    html = client.get(PEOPLE).content.decode()

    assert "Ada Cook" in html and f'data-person="{cook.pk}"' in html
    assert "Invitation sent" in html
    assert "just-a-customer" not in html
    assert "Log-in rules (admins)" in html  # the policy form, for admins


def test_a_manager_sees_no_policy_and_no_manager_buttons(client, manager):
    client.force_login(manager)
    user_with_role("kitchen")
    html = client.get(PEOPLE).content.decode()
    assert "Log-in rules" not in html
    assert "Give manager" not in html and "Give kitchen" in html


def test_names_are_escaped(client, manager):
    client.force_login(manager)
    user_with_role("kitchen", first_name="<script>alert(1)</script>")
    html = client.get(PEOPLE).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


@pytest.mark.parametrize("size", [1, 6])
def test_the_list_runs_fixed_queries(client, manager, size, django_assert_num_queries):
    client.force_login(manager)
    for n in range(size):
        user_with_role("kitchen" if n % 2 else "delivery-crew")
    client.get(PEOPLE)  # settles the session's two-factor state
    # session, user, roles, staff with their two-factor flag, their groups, restaurant (layout)
    with django_assert_num_queries(6):
        assert client.get(PEOPLE).status_code == 200


# --- roles -----------------------------------------------------------------------------------


def post_role(client, user, role, action):
    return client.post(reverse("staff:people_role", args=[user.pk]), {"role": role, "action": action})


def test_a_manager_gives_and_takes_the_kitchen_role(client, manager):
    client.force_login(manager)
    person = user_with_role("delivery-crew")

    post_role(client, person, "kitchen", "grant")
    assert roles_of(person) == ["delivery-crew", "kitchen"]
    post_role(client, person, "delivery-crew", "revoke")
    assert roles_of(person) == ["kitchen"]
    entries = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("pk")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["role.grant", "role.revoke"]


def test_a_manager_cannot_give_the_manager_role(client, manager):
    client.force_login(manager)
    person = user_with_role("kitchen")

    response = post_role(client, person, "manager", "grant")

    assert roles_of(person) == ["kitchen"]
    assert "Only an admin may manage managers." in message_texts(response)
    assert not AuditEntry.objects.exists()


def test_an_admin_gives_and_takes_the_manager_role(client, admin_user):
    client.force_login(admin_user)
    person = user_with_role("kitchen")
    post_role(client, person, "manager", "grant")
    assert roles_of(person) == ["kitchen", "manager"]
    post_role(client, person, "manager", "revoke")
    assert roles_of(person) == ["kitchen"]


def test_a_manager_cannot_change_an_admin(client, manager):
    client.force_login(manager)
    admin = user_with_role("admin")
    response = post_role(client, admin, "kitchen", "grant")
    assert roles_of(admin) == []
    assert "Only an admin may change an admin's roles." in message_texts(response)


def test_no_one_changes_their_own_manager_role(admin_user, manager):
    from littlelemon.accounts import services
    from littlelemon.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=manager, role="manager", user=manager)
    assert roles_of(manager) == ["manager"]
    admin_user.groups.add(Group.objects.get(name="manager"))
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=admin_user, role="manager", user=admin_user)


def test_an_unknown_role_is_refused(client, manager):
    client.force_login(manager)
    person = user_with_role("kitchen")
    post_role(client, person, "owner", "grant")
    assert roles_of(person) == ["kitchen"]


# --- invitations -----------------------------------------------------------------------------


def invite(client, **data):
    return client.post(INVITE, {"email": "sam@example.com", "first_name": "Sam", "last_name": "Lee", **data})


def link_in(message) -> str:
    return re.search(r"http://\S+/account/invitation/\S+/", message.body).group(0)


def test_an_invitation_creates_an_inactive_account_and_mails_a_link(client, manager, mailoutbox):
    client.force_login(manager)

    response = invite(client, role="kitchen")

    assert response.url == PEOPLE
    user = User.objects.get(email="sam@example.com")
    assert user.username == "sam@example.com" and (user.first_name, user.last_name) == ("Sam", "Lee")
    assert not user.is_active and not user.has_usable_password()
    assert roles_of(user) == ["kitchen"]
    assert AuditEntry.objects.filter(action="staff.invite", object_id=str(user.pk)).exists()
    relay_run()
    (message,) = mailoutbox
    assert message.to == ["sam@example.com"] and "invited" in message.subject
    assert "as kitchen" in message.body and link_in(message)


def test_the_link_sets_the_password_once(client, manager, mailoutbox):
    client.force_login(manager)
    invite(client, role="delivery-crew")
    relay_run()
    path = link_in(mailoutbox[0]).split("127.0.0.1:8000", 1)[1]
    client.logout()

    assert "Choose a password" in client.get(path).content.decode()
    response = client.post(path, {"password": "a-long-new-pass-phrase"})

    assert response.url == reverse("web:login")
    user = User.objects.get(email="sam@example.com")
    assert user.is_active and user.check_password("a-long-new-pass-phrase")
    again = client.get(path)
    assert again.status_code == 410 and "used already" in again.content.decode()
    assert client.post(path, {"password": "another-long-pass-phrase"}).status_code == 410
    user.refresh_from_db()
    assert user.check_password("a-long-new-pass-phrase")


def test_a_weak_password_is_refused_next_to_the_field(client, manager):
    user = invitations.staff_invite(actor=manager, email="x@example.com", first_name="X", last_name="", role="kitchen")
    path = reverse("web:invitation_accept", args=[invitations.invitation_token(user)])

    response = client.post(path, {"password": "123"})

    assert response.status_code == 400 and "field--invalid" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()


def test_an_expired_link_says_so(client, manager, settings, monkeypatch):
    settings.STAFF_INVITE_DAYS = 3
    user = invitations.staff_invite(actor=manager, email="x@example.com", first_name="X", last_name="", role="kitchen")
    token = invitations.invitation_token(user)
    later = time.time() + 3 * 86400 + 60
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.post(reverse("web:invitation_accept", args=[token]), {"password": "a-long-new-pass-phrase"})

    assert response.status_code == 410 and "expired" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


def test_a_broken_link_says_so(client):
    response = client.get(reverse("web:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_a_new_link_replaces_the_old_one(client, manager):
    user = invitations.staff_invite(actor=manager, email="x@example.com", first_name="X", last_name="", role="kitchen")
    old = invitations.invitation_token(user)
    client.force_login(manager)
    client.post(reverse("staff:people_resend", args=[user.pk]))
    user.refresh_from_db()

    assert client.get(reverse("web:invitation_accept", args=[old])).status_code == 410
    assert client.get(reverse("web:invitation_accept", args=[invitations.invitation_token(user)])).status_code == 200


def test_a_manager_cannot_invite_a_manager(client, manager):
    client.force_login(manager)
    response = invite(client, role="manager")
    assert response.status_code == 400
    assert not User.objects.filter(email="sam@example.com").exists()


def test_an_admin_can_invite_a_manager(client, admin_user):
    client.force_login(admin_user)
    invite(client, role="manager")
    assert roles_of(User.objects.get(email="sam@example.com")) == ["manager"]


def test_a_taken_address_is_refused_next_to_the_field(client, manager):
    UserFactory(email="Sam@Example.com")
    client.force_login(manager)

    response = invite(client, role="kitchen")

    assert response.status_code == 400
    assert "An account with this email address already exists." in response.content.decode()
    assert User.objects.filter(email__iexact="sam@example.com").count() == 1


# --- the admin's requirement ---------------------------------------------------------------------


def test_an_admin_requires_two_factor_log_in(client, admin_user):
    client.force_login(admin_user)
    client.post(POLICY, {"two_factor_required": "on"})
    assert StaffPolicy.objects.get().two_factor_required
    assert AuditEntry.objects.filter(action="staff_policy.update").exists()


def test_a_manager_cannot(client, manager):
    client.force_login(manager)
    response = client.post(POLICY, {"two_factor_required": "on"})
    assert not StaffPolicy.objects.filter(two_factor_required=True).exists()
    assert "Only an admin may change what staff log-in requires." in message_texts(response)


# --- customers' data on request --------------------------------------------------------------


def test_the_customer_search_finds_customers_only(client, manager):
    client.force_login(manager)
    UserFactory(username="olive", email="olive@example.com")
    user_with_role("kitchen", username="olivia-cook")

    html = client.get(PEOPLE, {"q": "oliv"}).content.decode()

    assert reverse("staff:people_customer", args=[User.objects.get(username="olive").pk]) in html
    assert "olivia-cook" not in html.split("customers-title", 1)[1]


def test_a_manager_downloads_a_customers_data(client, manager, customer):
    client.force_login(manager)
    OrderFactory(customer=customer, status="delivered")
    response = client.get(reverse("staff:people_customer_export", args=[customer.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.json()["account"]["username"] == customer.username


def test_a_manager_deletes_a_customer_on_request(client, manager, customer):
    client.force_login(manager)
    order = OrderFactory(customer=customer, status="collected", fulfilment="pickup", notes="No onions")

    unconfirmed = client.post(reverse("staff:people_customer_delete", args=[customer.pk]))
    assert User.objects.get(pk=customer.pk).is_active
    assert unconfirmed.url == reverse("staff:people_customer", args=[customer.pk])

    client.post(reverse("staff:people_customer_delete", args=[customer.pk]), {"confirm": "delete"})

    user = User.objects.get(pk=customer.pk)
    assert not user.is_active and user.email == "" and user.username == f"deleted-{customer.pk}"
    assert Order.objects.get(pk=order.pk).notes == ""
    entry = AuditEntry.objects.get(action="account.delete")
    assert entry.actor_id == manager.pk


def test_staff_accounts_are_not_customers_here(client, manager):
    client.force_login(manager)
    cook = user_with_role("kitchen")
    assert client.get(reverse("staff:people_customer", args=[cook.pk])).status_code == 404
    client.post(reverse("staff:people_customer_delete", args=[cook.pk]), {"confirm": "delete"})
    assert User.objects.get(pk=cook.pk).is_active


def test_the_invitation_page_logs_nobody_in(client, manager):
    user = invitations.staff_invite(actor=manager, email="x@example.com", first_name="X", last_name="", role="kitchen")
    client.post(reverse("web:invitation_accept", args=[invitations.invitation_token(user)]), {"password": PASSWORD})
    assert "_auth_user_id" not in client.session
