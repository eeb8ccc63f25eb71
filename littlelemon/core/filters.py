import django_filters
from django import forms
from django_filters.fields import BaseCSVField

from .models import MAX_ID


class IdFilter(django_filters.Filter):
    """A database id: out-of-range numbers are a 400, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ChoiceListField(BaseCSVField):
    """Comma-separated values, each one of the choices. An empty item (`vegan,`, `,`,
    `vegan,,vegan`) is refused like an unknown one: django-filter's CSV field lets an empty item
    through a choice field that is not required, and no choice means "".
    Repeated values count once."""

    default_error_messages = {"empty_item": "Separate the values with single commas; there is an empty one."}

    def clean(self, value):
        values = super().clean(value)
        if values is None:
            return None
        if any(item in self.empty_values for item in values):
            raise forms.ValidationError(self.error_messages["empty_item"], code="empty_item")
        return list(dict.fromkeys(values))


class ChoiceListFilter(django_filters.BaseCSVFilter, django_filters.ChoiceFilter):
    """`?name=a,b`: values from `choices`, comma-separated (see ChoiceListField)."""

    base_field_class = ChoiceListField
