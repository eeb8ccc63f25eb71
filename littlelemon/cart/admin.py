from django.contrib import admin

from .models import CartLine


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    """Read-only (lines may be deleted): customers change their carts through the site."""

    list_display = ("id", "user", "menuitem", "quantity", "price_when_added", "updated")
    list_filter = (("updated", admin.DateFieldListFilter), "menuitem__category")
    list_select_related = ("user", "menuitem")
    search_fields = ("user__username", "user__email", "menuitem__title")
    readonly_fields = ("user", "menuitem", "quantity", "price_when_added", "created", "updated")
    date_hierarchy = "updated"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
