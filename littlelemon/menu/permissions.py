"""Who may change the menu: managers and admins, and integrations whose API key grants
`menu:write`. Anyone reads it (an API key needs `menu:read`: see MenuReadMixin's scopes)."""

from rest_framework import permissions

from littlelemon.accounts.permissions import is_manager_for
from littlelemon.apikeys.scopes import MENU_WRITE


class MenuPermission(permissions.BasePermission):
    message = "Only managers may change the menu."

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or is_manager_for(request.user, MENU_WRITE)
