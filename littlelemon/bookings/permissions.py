"""Who may do what with tables and bookings. Which bookings a user sees is the selectors' job
(`booking_list_visible_to`); which changes they may make is re-checked by the services.

An integration (a request made with an API key) reads the tables with `bookings:read` and
changes bookings' statuses with `bookings:write`; it never changes the floor plan."""

from rest_framework import permissions

from littlelemon.accounts.permissions import is_manager, is_manager_for, is_staff_member
from littlelemon.apikeys.scopes import BOOKINGS_READ, BOOKINGS_WRITE


class TablePermission(permissions.BasePermission):
    """Staff (kitchen, delivery crew, managers, admins) read the floor plan; managers change it."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            self.message = "Only restaurant staff may see the tables."
            return is_staff_member(request.user) or is_manager_for(request.user, BOOKINGS_READ)
        self.message = "Only managers may change the tables."
        return is_manager(request.user)


class CanChangeBookingStatus(permissions.BasePermission):
    message = "Only managers seat parties, complete bookings or mark no-shows."

    def has_permission(self, request, view) -> bool:
        return is_manager_for(request.user, BOOKINGS_WRITE)
