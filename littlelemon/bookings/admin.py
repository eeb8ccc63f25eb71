from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet

from littlelemon.core.exceptions import ApplicationError
from littlelemon.restaurant.selectors import restaurant_tz

from . import services
from .enums import BookingStatus
from .models import Booking, Table
from .selectors import table_bookings_blocking


class TableForm(forms.ModelForm):
    class Meta:
        model = Table
        fields = ("label", "seats", "area", "active")

    def clean(self):
        data = super().clean()
        if self.instance.pk and "seats" in data and "active" in data:
            saved = Table.objects.get(pk=self.instance.pk)  # the instance already holds the new values
            blocked = table_bookings_blocking(table=saved, seats=data["seats"], active=data["active"])
            if blocked:
                raise forms.ValidationError(
                    f"Upcoming bookings would lose this table (#{', #'.join(str(booking.pk) for booking in blocked)}): "
                    "move or cancel them first."
                )
        return data


@admin.register(Table)
class TableAdmin(admin.ModelAdmin):
    """Saves go through the services, so the admin keeps the same rules as the API (a unique
    label; no taking a table with upcoming bookings out of service)."""

    form = TableForm
    list_display = ("label", "seats", "area", "active")
    list_filter = ("active", "area", "seats")
    search_fields = ("label", "area")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = services.table_update(table=obj, data=data) if change else services.table_create(**data)
        except ApplicationError as error:
            # Raised after the form validated (a race, or a rule the form cannot see): report it.
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        try:
            services.table_delete(table=obj)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)


def _change_status(modeladmin, request, queryset: QuerySet[Booking], status: str) -> None:
    done = 0
    for booking in queryset:
        try:
            services.booking_status_change(booking=booking, actor=request.user, status=status)
            done += 1
        except ApplicationError as error:
            modeladmin.message_user(request, f"#{booking.pk}: {error.message}", messages.WARNING)
    if done:
        modeladmin.message_user(request, f"{done} booking(s) marked {status}.", messages.SUCCESS)


@admin.action(description="Mark selected bookings seated")
def mark_seated(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, BookingStatus.SEATED)


@admin.action(description="Mark selected bookings completed")
def mark_completed(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, BookingStatus.COMPLETED)


@admin.action(description="Mark selected bookings no-show")
def mark_no_show(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, BookingStatus.NO_SHOW)


@admin.action(description="Cancel selected bookings")
def cancel(modeladmin, request, queryset):
    _change_status(modeladmin, request, queryset, BookingStatus.CANCELLED)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only records with status actions: bookings are made and moved through the API (or the
    staff pages), whose services check availability and write the outbox events."""

    list_display = ("id", "local_start", "table", "party_size", "who", "status")
    list_filter = ("status", "start", "table__area", "table")
    list_select_related = ("table", "customer")
    search_fields = ("guest_name", "guest_phone", "customer__username", "customer__email", "customer__last_name")
    date_hierarchy = "start"
    ordering = ("-start",)
    actions = (mark_seated, mark_completed, mark_no_show, cancel)
    readonly_fields = (
        "customer",
        "guest_name",
        "guest_phone",
        "party_size",
        "start",
        "end",
        "table",
        "status",
        "notes",
        "created_by",
        "created",
        "updated",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # history is kept: cancel instead

    @admin.display(description="start (restaurant time)", ordering="start")
    def local_start(self, booking: Booking) -> str:
        return f"{booking.start.astimezone(restaurant_tz()):%Y-%m-%d %H:%M}"

    @admin.display(description="for")
    def who(self, booking: Booking) -> str:
        return booking.name
