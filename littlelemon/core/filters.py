import django_filters
from django import forms

from .models import MAX_ID


class IdFilter(django_filters.Filter):
    """A database id: out-of-range numbers are a 400, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
