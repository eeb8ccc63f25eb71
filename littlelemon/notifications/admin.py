from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from littlelemon.core.exceptions import ApplicationError

from .models import WebhookEndpoint
from .webhooks import services
from .webhooks.catalogue import EVENT_TYPES


class WebhookEndpointForm(forms.ModelForm):
    """The services' rules, checked in the form so that a refusal shows on the field."""

    event_types = forms.MultipleChoiceField(
        choices=list(EVENT_TYPES.items()), widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "event_types", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if self.instance.pk is None or url != self.instance.url:
            try:
                return services.url_clean(url)
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints, saved through the services. The secret is shown once, on the page after "Save"
    of a new endpoint (or after "Rotate secret"), never in a form or list."""

    form = WebhookEndpointForm
    list_display = ("id", "url", "types", "active", "disabled_reason", "created_by", "created", "delivery_log")
    list_filter = ("active", "created")
    search_fields = ("url", "description")
    readonly_fields = ("disabled_reason", "disabled_at", "created_by", "created", "updated", "delivery_log")
    actions = ["deactivate", "rotate_secret"]

    def get_fields(self, request, obj=None):
        editable = ["url", "description", "event_types"] + (["active"] if obj else [])
        return editable + (list(self.readonly_fields) if obj else [])

    @admin.display(description="event types")
    def types(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.event_types)

    @admin.display(description="deliveries")
    def delivery_log(self, endpoint: WebhookEndpoint) -> str:
        if endpoint.pk is None:
            return "-"
        url = reverse("admin:events_delivery_changelist") + "?" + urlencode({"target": endpoint.target})
        return format_html('<a href="{}">Delivery log (redeliver with "Retry")</a>', url)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            if change:
                saved = services.webhook_endpoint_update(endpoint=obj, data=data, actor=request.user)
            else:
                saved = services.webhook_endpoint_create(
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                    description=form.cleaned_data.get("description", ""),
                    actor=request.user,
                )
        except ApplicationError as error:  # a rule the form could not see (DNS changed meanwhile)
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk, obj.secret = saved.pk, saved.secret

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: the endpoint's delivery log stays readable

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return HttpResponseRedirect(reverse("admin:notifications_webhookendpoint_add"))
        return self._secret_page(request, obj, heading="Webhook endpoint created")

    def _secret_page(self, request, endpoint: WebhookEndpoint, *, heading: str) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "heading": heading,
            "endpoint": endpoint,
            "secret": endpoint.secret,
            "change_url": reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk]),
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/notifications/webhookendpoint/secret.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Deactivate the selected endpoints (they keep their log)")
    def deactivate(self, request, queryset: QuerySet[WebhookEndpoint]) -> None:
        count = 0
        for endpoint in queryset.filter(active=True):
            services.webhook_endpoint_disable(
                endpoint=endpoint, reason=f"Deactivated by {request.user.username}.", actor=request.user
            )
            count += 1
        self.message_user(request, f"{count} endpoints deactivated.", messages.SUCCESS)

    @admin.action(description="Rotate the secret (of one endpoint; shown once)")
    def rotate_secret(self, request, queryset: QuerySet[WebhookEndpoint]):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one endpoint to rotate its secret.", messages.WARNING)
            return None
        endpoint = services.webhook_endpoint_secret_rotate(endpoint=queryset.get(), actor=request.user)
        return self._secret_page(request, endpoint, heading="Webhook secret rotated")
