"""What the pages' forms share: a service's refusal shown on a form, and how days and times read."""

from datetime import date, datetime, timedelta

from django import forms
from django.template.defaultfilters import time as time_filter
from django.utils import timezone

from littlelemon.core.exceptions import ApplicationError


def add_application_error(form: forms.Form, error: ApplicationError, *, field: str | None = None) -> None:
    """Show a service's refusal next to the field it names, else next to `field` (when the page
    knows better where it belongs), else above the form."""
    name = error.field if error.field in form.fields else field
    form.add_error(name if name in form.fields else None, error.message)


def day_label(day: date, today: date) -> str:
    """ "Today", "Tomorrow", then "Wednesday 3 June"."""
    names = {today: "Today", today + timedelta(days=1): "Tomorrow"}
    return names.get(day) or f"{day:%A} {day.day} {day:%B}"


def time_label(moment: datetime) -> str:
    """ "7 p.m.", "7:15 p.m.": the site's way with times (Django's TIME_FORMAT), in local time."""
    return time_filter(timezone.localtime(moment))


def when_label(moment: datetime, today: date) -> str:
    """ "Tomorrow at 7 p.m."."""
    return f"{day_label(timezone.localtime(moment).date(), today)} at {time_label(moment)}"
