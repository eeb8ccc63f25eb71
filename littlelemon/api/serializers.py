import decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx (and the JSON 5xx) the API answers."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `not_found`.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text=(
            "Field-keyed validation messages, as DRF shapes them: a list of messages per field, "
            "nested by position or name for lists and objects."
        ),
    )
    request_id = serializers.CharField(
        required=False,
        help_text="This request's id, as in the `X-Request-ID` response header: quote it when reporting a problem.",
    )


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "17:30"}
)
class HourMinuteField(serializers.TimeField):
    """A local wall-clock time written `HH:MM` (`HH:MM:SS` accepted on input).

    OpenAPI's `format: time` means RFC 3339 `HH:MM:SS` with an offset, which is neither what is
    written nor what is read, so the schema says exactly what is.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)


class DecimalField(serializers.DecimalField):
    """DRF's DecimalField without its 500 on huge numbers.

    With `max_digits=None` (used so that range errors read "at most 99999.99" rather than "no
    more than 7 digits"), DRF rounds to `decimal_places` in a 28-digit context before checking
    the range: `10**30` raises decimal.InvalidOperation there. Such a number is out of range,
    and is reported as that.
    """

    def quantize(self, value: decimal.Decimal) -> decimal.Decimal:
        try:
            return super().quantize(value)
        except decimal.InvalidOperation:
            bound = "max_value" if value > 0 else "min_value"
            if getattr(self, bound) is None:
                self.fail("invalid")
            self.fail(bound, **{bound: getattr(self, bound)})
