from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role_list",
        "is_active",
        "is_superuser",
        "date_joined",
    )
    list_filter = ("groups", "is_active", "is_superuser", "date_joined")
    search_fields = ("username", "email", "first_name", "last_name", "phone")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Contact", {"fields": ("phone",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def role_list(self, user: User) -> str:
        return ", ".join(sorted(user.roles)) or "customer"
