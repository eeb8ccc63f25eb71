from django.contrib import admin

from .models import Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    """Read-only here: managers change stations on /staff/kitchen/stations/, through the services
    (validation and the audit trail)."""

    list_display = ("name", "position", "category_list")
    search_fields = ("name",)

    @admin.display(description="Categories")
    def category_list(self, station: Station) -> str:
        return ", ".join(category.title for category in station.categories.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
