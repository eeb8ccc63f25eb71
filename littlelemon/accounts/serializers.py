from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from littlelemon.menu.enums import Allergen, DietaryTag

from . import services
from .exceptions import EmailTaken
from .selectors import email_taken

User = get_user_model()


def _validate_unique_email(value: str, *, exclude_pk: int | None = None) -> str:
    value = User.objects.normalize_email(value)
    if email_taken(email=value, exclude_pk=exclude_pk):
        raise serializers.ValidationError(EmailTaken.default_message)
    return value


class UserCreateSerializer(serializers.Serializer):
    """Sign-up: username, email and password. The shapes are checked here; `user_sign_up` (the
    web page's too) decides the rest: taken and look-alike names, taken addresses, password rules."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and @/./+/-/_ only."},
    )
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})

    def create(self, validated_data) -> User:
        return services.user_sign_up(**validated_data)


class PreferenceListField(serializers.ListField):
    """A list of codes from `choices`, stored sorted without repeats."""

    def __init__(self, choices, **kwargs):
        super().__init__(
            child=serializers.ChoiceField(choices=choices), required=False, max_length=len(choices), **kwargs
        )

    def to_internal_value(self, data):
        return sorted(set(super().to_internal_value(data)))


class UserSerializer(serializers.ModelSerializer):
    """The signed-in user's own profile (`/auth/users/me/`), with the food preferences that
    recommendations respect."""

    roles = serializers.SerializerMethodField()
    dietary_requirements = PreferenceListField(
        DietaryTag.choices, help_text="Dietary tags every recommended dish must carry."
    )
    allergens_avoided = PreferenceListField(Allergen.choices, help_text="Allergens no recommended dish may contain.")

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "phone",
            "roles",
            "dietary_requirements",
            "allergens_avoided",
        )
        read_only_fields = ("id", "username", "roles")
        extra_kwargs = {"email": {"required": False, "allow_blank": False}}

    def get_roles(self, user) -> list[str]:
        return sorted(user.roles)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in ("dietary_requirements", "allergens_avoided"):
            data[name] = data[name] or []  # none stored (NULL) reads as none chosen
        return data

    def validate_email(self, value: str) -> str:
        return _validate_unique_email(value, exclude_pk=self.instance.pk if self.instance else None)

    def update(self, instance, validated_data):
        # The food preferences are written by their service, as the account page writes them.
        preferences = {name: validated_data.pop(name) for name in services.FOOD_PREFERENCES if name in validated_data}
        with transaction.atomic():
            services.user_food_preferences_set(user=instance, **preferences)
            return super().update(instance, validated_data)


class RoleMemberSerializer(serializers.ModelSerializer):
    # Any text, "" included (an account made without an e-mail address may hold a role).
    email = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "email")
        read_only_fields = fields


class RoleMemberAddSerializer(serializers.Serializer):
    # pk_field: an id must be an integer; without it 1.9 is read as user 1.
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        pk_field=serializers.IntegerField(error_messages={"invalid": "A user id (integer) is required."}),
        error_messages={
            "does_not_exist": "No user with id {pk_value}.",
            "incorrect_type": "A user id (integer) is required.",
        },
    )


class TokenObtainPairWithCodeSerializer(TokenObtainPairSerializer):
    """`username` and `password`, and `otp` (the 6-digit code of the authenticator app) for a
    user who uses two-factor log-in; the view checks the code (accounts/two_factor.py)."""

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=12,
        help_text="Two-factor code: required when the account uses two-factor log-in.",
    )

    def validate(self, attrs):
        attrs.pop("otp", None)
        return super().validate(attrs)


class UserExportSerializer(serializers.Serializer):
    """A customer's data, as `accounts.privacy.customer_data_export` gathers it."""

    account = serializers.DictField()
    orders = serializers.ListField(child=serializers.DictField())
    bookings = serializers.ListField(child=serializers.DictField())
    exported_at = serializers.DateTimeField()


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
