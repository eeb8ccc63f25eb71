"""Role management. Both functions check the actor themselves, so every caller (API, staff
pages, shell) is held to the same rule, and record the change in the audit trail."""

from django.contrib.auth.models import Group
from django.db import transaction

from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import PermissionDenied

from .enums import Role
from .exceptions import NotInRole
from .models import User
from .permissions import can_manage_role


def _ensure_can_manage(actor: User, role: Role) -> Group:
    if not can_manage_role(actor, role):
        raise PermissionDenied(
            "Only an admin may manage managers."
            if role == Role.MANAGER
            else "Only managers and admins may manage staff roles."
        )
    return Group.objects.get(name=role)


def _role_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@transaction.atomic
def role_grant(*, actor: User, role: Role, user: User) -> bool:
    """Put `user` in `role`. Returns False when they already held it (nothing changes).

    Raises PermissionDenied when `actor` may not manage `role`.
    """
    group = _ensure_can_manage(actor, role)
    before = _role_names(user)
    if group.name in before:
        return False
    user.groups.add(group)
    audit_record(
        actor=actor,
        action="role.grant",
        target=user,
        changes={"roles": {"before": before, "after": sorted([*before, group.name])}},
    )
    return True


@transaction.atomic
def role_revoke(*, actor: User, role: Role, user: User) -> None:
    """Take `role` from `user`.

    Raises PermissionDenied when `actor` may not manage `role`, NotInRole when `user` does not hold it.
    """
    group = _ensure_can_manage(actor, role)
    before = _role_names(user)
    if group.name not in before:
        raise NotInRole(f"User {user.pk} does not hold the {role} role.")
    user.groups.remove(group)
    audit_record(
        actor=actor,
        action="role.revoke",
        target=user,
        changes={"roles": {"before": before, "after": [name for name in before if name != group.name]}},
    )
