from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .exceptions import UsernameTaken
from .models import StaffPolicy, User
from .selectors import username_taken
from .usernames import username_script_problem


class _LookAlikeUsernames:
    """The admin's user forms refuse a username that another user's looks like (the unique
    constraint would otherwise fail the save), and a new name that mixes scripts."""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username")
        if username is None:
            return username
        exclude_pk = self.instance.pk
        if exclude_pk is None or username != self.instance.username:
            problem = username_script_problem(username)
            if problem:
                raise forms.ValidationError(problem)
        if username_taken(username=username, exclude_pk=exclude_pk):
            raise forms.ValidationError(UsernameTaken.default_message)
        return username


class UserCreationForm(_LookAlikeUsernames, AdminUserCreationForm):
    pass


class UserEditForm(_LookAlikeUsernames, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
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


@admin.register(StaffPolicy)
class StaffPolicyAdmin(admin.ModelAdmin):
    """The one row; the Staff screen changes it too (accounts.two_factor.staff_policy_update)."""

    list_display = ("__str__", "two_factor_required")

    def has_add_permission(self, request) -> bool:
        return not StaffPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
