"""Who may do what with accounts and roles. Used by the API and by the services."""

from typing import Any

from rest_framework import permissions

from .enums import Role


def is_manager(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_manager)


def is_integration(user: Any) -> bool:
    """A request made with an API key: the key's integration, never a user (littlelemon.apikeys)."""
    return bool(getattr(user, "is_integration", False))


def is_manager_for(user: Any, scope: str) -> bool:
    """May act as a manager over what `scope` (e.g. `orders:write`) covers: a manager or an
    admin, or an integration whose API key grants that scope."""
    if is_integration(user):
        return user.has_scope(scope)
    return is_manager(user)


def is_staff_member(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_staff_member)


def can_manage_role(user: Any, role: Role | str) -> bool:
    """Only an admin manages managers; managers and admins manage crew and kitchen."""
    if not (user and user.is_authenticated):
        return False
    if role == Role.MANAGER:
        return user.is_superuser
    return user.is_manager


class IsManager(permissions.BasePermission):
    message = "Only managers may do this."

    def has_permission(self, request, view) -> bool:
        return is_manager(request.user)


class IsStaffMember(permissions.BasePermission):
    message = "Only restaurant staff may do this."

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


class IsManagerOrReadOnly(permissions.BasePermission):
    """Anyone reads; managers and admins write."""

    message = "Only managers may change this."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or is_manager(request.user)


class CanManageRole(permissions.BasePermission):
    """For views whose `role` kwarg names the group being managed."""

    def has_permission(self, request, view) -> bool:
        role = view.kwargs["role"]
        self.message = (
            "Only an admin may manage managers."
            if role == Role.MANAGER
            else "Only managers and admins may manage staff roles."
        )
        return can_manage_role(request.user, role)
