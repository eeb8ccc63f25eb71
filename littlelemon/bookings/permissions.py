"""Who may do what with tables and bookings. Which bookings a user sees is the selectors' job
(`booking_list_visible_to`); which changes they may make is re-checked by the services."""

from rest_framework import permissions

from littlelemon.accounts.permissions import is_manager, is_staff_member


class TablePermission(permissions.BasePermission):
    """Staff (kitchen, delivery crew, managers, admins) read the floor plan; managers change it."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            self.message = "Only restaurant staff may see the tables."
            return is_staff_member(request.user)
        self.message = "Only managers may change the tables."
        return is_manager(request.user)


class CanChangeBookingStatus(permissions.BasePermission):
    message = "Only managers seat parties, complete bookings or mark no-shows."

    def has_permission(self, request, view) -> bool:
        return is_manager(request.user)
