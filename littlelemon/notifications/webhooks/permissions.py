from rest_framework import permissions

from littlelemon.accounts.permissions import is_manager


class CanManageWebhooks(permissions.BasePermission):
    """Managers and admins register, read and change webhook endpoints and their logs."""

    message = "Only managers may manage webhooks."

    def has_permission(self, request, view) -> bool:
        return is_manager(request.user)
