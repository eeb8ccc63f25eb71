from django.contrib import admin

from .models import CartLine, GuestCart


@admin.register(GuestCart)
class GuestCartAdmin(admin.ModelAdmin):
    """Read-only: a guest cart's token is its only key, so it is never shown."""

    list_display = ("id", "created", "last_seen")
    exclude = ("token",)
    readonly_fields = ("created", "last_seen")
    date_hierarchy = "last_seen"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    """Read-only (lines may be deleted): customers change their carts through the site."""

    list_display = ("id", "user", "guest_cart", "menuitem", "quantity", "price_when_added", "updated")
    list_filter = (("updated", admin.DateFieldListFilter), "menuitem__category")
    list_select_related = ("user", "menuitem")
    search_fields = ("user__username", "user__email", "menuitem__title")
    readonly_fields = ("user", "guest_cart", "menuitem", "quantity", "price_when_added", "created", "updated")
    date_hierarchy = "updated"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
