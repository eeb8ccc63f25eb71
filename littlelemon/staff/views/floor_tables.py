"""The floor plan (`/staff/floor/tables/`, managers and admins): the tables by area with their
seats and whether they take bookings; add a table, edit one, take it out of service or back
into it, and delete one never booked.

Every change goes through the API's services (`table_create`, `table_update`, `table_delete`),
which hold the rules: a label unique whatever its case, 1 to MAX_SEATS seats, no table taken out
of service or given fewer seats while an upcoming booking needs it (the refusal names the
bookings), no table with a booking on record deleted (its history is kept). A refusal is shown
next to its field, or as a message, and changes nothing. The pages follow the combinations'
(views/floor.py): POST, then a redirect; the container boosts them with htmx.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from littlelemon.bookings import services as booking_services
from littlelemon.bookings.models import MAX_SEATS, Table
from littlelemon.bookings.selectors import table_list_by_area
from littlelemon.core.exceptions import ApplicationError
from littlelemon.pages.forms import add_application_error

from ..access import manager_required

SERVICE_VALUES = {"true": True, "false": False}


def _model_help(name: str) -> str:
    return Table._meta.get_field(name).help_text


class TableForm(forms.Form):
    """What the manager types; the service checks it again (and the label's uniqueness)."""

    label = forms.CharField(max_length=booking_services.LABEL_MAX_LENGTH, help_text=_model_help("label"))
    seats = forms.IntegerField(min_value=1, max_value=MAX_SEATS, help_text=f"From 1 to {MAX_SEATS}.")
    area = forms.CharField(
        max_length=booking_services.AREA_MAX_LENGTH,
        required=False,
        help_text='e.g. "Main room", "Terrace": the floor groups tables by area.',
    )
    active = forms.BooleanField(required=False, initial=True, label="Takes bookings", help_text=_model_help("active"))


@manager_required
@require_http_methods(["GET", "POST"])
def floor_tables(request: HttpRequest) -> HttpResponse:
    """The tables by area, and a form to add one."""
    form = TableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            table = booking_services.table_create(**form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Table {table.label} added: {table.seats} seats.")
            return redirect("staff:floor_tables")
    return render(request, "staff/floor/tables.html", {"tables": table_list_by_area(), "form": form})


@manager_required
@require_http_methods(["GET", "POST"])
def floor_table(request: HttpRequest, table_id: int) -> HttpResponse:
    """Edit a table: label, seats, area, in service or not; delete it when it was never booked."""
    table = get_object_or_404(table_list_by_area(), pk=table_id)
    initial = {name: getattr(table, name) for name in TableForm.base_fields}
    form = TableForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = booking_services.table_update(table=table, data=form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"Table {saved.label} saved.")
            return redirect("staff:floor_tables")
    return render(request, "staff/floor/table.html", {"table": table, "form": form})


@manager_required
@require_POST
def floor_table_service(request: HttpRequest, table_id: int) -> HttpResponse:
    """Take a table out of service (`active=false`: no new bookings, its history kept) or back
    into it (`active=true`); back to the list."""
    table = get_object_or_404(Table, pk=table_id)
    active = SERVICE_VALUES.get(request.POST.get("active", ""))
    if active is None:
        messages.error(request, "Choose whether the table takes bookings.")
        return redirect("staff:floor_tables")
    try:
        table = booking_services.table_update(table=table, data={"active": active})
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        state = "back in service" if active else "out of service: it takes no new bookings"
        messages.success(request, f"Table {table.label} is {state}.")
    return redirect("staff:floor_tables")


@manager_required
@require_POST
def floor_table_delete(request: HttpRequest, table_id: int) -> HttpResponse:
    """Delete a table never booked; one with bookings on record is refused (take it out of service)."""
    table = get_object_or_404(Table, pk=table_id)
    try:
        booking_services.table_delete(table=table)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("staff:floor_table", table_id=table.pk)
    messages.success(request, f"Table {table.label} deleted.")
    return redirect("staff:floor_tables")
