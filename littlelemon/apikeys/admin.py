"""API keys in the admin: issue one (the key is shown once, in a message), see prefix, scopes,
last use, expiry and revocation, and revoke. Issuing and revoking go through the services (the
rules and the audit trail); a key's secret and hash are never shown, and keys are never deleted
(revoked ones stay for the record)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework_api_key.models import APIKey as LibraryApiKey

from littlelemon.accounts.permissions import is_manager
from littlelemon.core.exceptions import ApplicationError

from . import scopes as scope_names
from . import services
from .models import ApiKey

# The library's own model and admin page are unused: this app's ApiKey replaces them.
if admin.site.is_registered(LibraryApiKey):
    admin.site.unregister(LibraryApiKey)


class ApiKeyIssueForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, f"{scope}: {text}") for scope, text in scope_names.SCOPE_DESCRIPTIONS.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ("name", "scopes", "expiry_date")

    def clean_scopes(self):
        try:
            return services.api_key_scopes_clean(self.cleaned_data["scopes"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None

    def clean_expiry_date(self):
        expiry_date = self.cleaned_data.get("expiry_date")
        if expiry_date is not None and expiry_date <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return expiry_date


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "scope_list", "created", "created_by", "last_used_at", "expiry_date", "revoked")
    list_filter = ("revoked", ("expiry_date", admin.EmptyFieldListFilter), "created")
    search_fields = ("name", "prefix")
    readonly_fields = (
        "prefix",
        "name",
        "scope_list",
        "created",
        "created_by",
        "last_used_at",
        "expiry_date",
        "revoked",
        "revoked_at",
    )
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyIssueForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("name", "scopes", "expiry_date") if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes) or "—"

    def has_add_permission(self, request) -> bool:
        return is_manager(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:  # nothing of a key changes here but through `revoke`
            return
        api_key, key = services.api_key_issue(actor=request.user, **form.cleaned_data)
        # The admin goes on with `obj` (its log entry, the redirect): the issued row's values.
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(api_key, field.attname))
        self.message_user(
            request,
            f"The API key for {api_key.name} is {key} — copy it now: it is stored only hashed and will not "
            "be shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request, queryset: QuerySet[ApiKey]) -> None:
        if not is_manager(request.user):
            self.message_user(request, "Only managers and admins revoke API keys.", messages.ERROR)
            return
        revoked = 0
        for api_key in queryset.filter(revoked=False):
            services.api_key_revoke(actor=request.user, api_key=api_key)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API key{'s' if revoked != 1 else ''}.", messages.SUCCESS)
