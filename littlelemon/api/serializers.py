from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx (and the JSON 5xx) the API answers."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `not_found`.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        required=False,
        help_text="Field-keyed validation messages, as DRF shapes them.",
    )
