from django.contrib import admin

from .models import DataVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page for rows only the application writes (orders, their timeline, the audit
    trail, version stamps): to look through, never to add, change or delete."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin):
    """The stamps database triggers change on every write behind a cached response (cart:<user>,
    orders, people, bookings...): shown to check that an edit reached the caches."""

    list_display = ("name", "stamp")
    search_fields = ("name",)
