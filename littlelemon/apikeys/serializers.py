from rest_framework import serializers

from . import scopes as scope_names
from .models import ApiKey

SCOPES_HELP = "Some of: " + "; ".join(f"`{scope}`: {text}" for scope, text in scope_names.SCOPE_DESCRIPTIONS.items())


class ApiKeySerializer(serializers.ModelSerializer):
    """A key as listed: never its secret nor its hash; the prefix is its visible first part."""

    scopes = serializers.ListField(child=serializers.ChoiceField(choices=scope_names.SCOPES), help_text=SCOPES_HELP)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True, default=None)
    expired = serializers.BooleanField(source="has_expired", read_only=True)

    class Meta:
        model = ApiKey
        fields = (
            "prefix",
            "name",
            "scopes",
            "created",
            "created_by",
            "last_used_at",
            "expiry_date",
            "expired",
            "revoked",
            "revoked_at",
        )
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer):
    """Input only: the rules (known scopes, at least one, a future expiry) are the service's."""

    name = serializers.CharField(max_length=50, help_text="Who will use it, e.g. `Kiosk by the door`.")
    scopes = serializers.ListField(child=serializers.CharField(max_length=40), max_length=20, help_text=SCOPES_HELP)
    expiry_date = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it stops working (none: until revoked)."
    )


class ApiKeyIssuedSerializer(ApiKeySerializer):
    key = serializers.CharField(
        read_only=True, help_text="The whole key, `<prefix>.<secret>`. Shown this once: it is stored only hashed."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = ("key", *ApiKeySerializer.Meta.fields)
        read_only_fields = fields
