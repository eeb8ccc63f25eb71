from django.utils import timezone
from rest_framework import serializers

from littlelemon.restaurant.selectors import restaurant_tz

from .enums import BookingStatus
from .models import MAX_SEATS, Booking, Table

PHONE = r"^\+?[0-9][0-9 ().\-]{2,30}\Z"
STATUS_TARGETS = [
    (status.value, status.label)
    for status in (BookingStatus.SEATED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED)
]


class RestaurantDateTimeField(serializers.DateTimeField):
    """ISO 8601 with the restaurant's UTC offset out. In, the offset is required: a bare local
    time is ambiguous on the night the clocks go back."""

    default_error_messages = {
        "naive": "Include the UTC offset, e.g. 2026-06-05T19:00:00-05:00.",
    }

    def default_timezone(self):
        return restaurant_tz()

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class TableSerializer(serializers.ModelSerializer):
    label = serializers.CharField(max_length=20, help_text="Unique (case-insensitive).")
    seats = serializers.IntegerField(min_value=1, max_value=MAX_SEATS)

    class Meta:
        model = Table
        fields = ("id", "label", "seats", "area", "active")
        read_only_fields = ("id",)
        validators = []  # label uniqueness is the service's, with a clear message


class TableSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Table
        fields = ("id", "label", "seats")
        read_only_fields = fields


class BookingSerializer(serializers.ModelSerializer):
    start = RestaurantDateTimeField(read_only=True)
    end = RestaurantDateTimeField(read_only=True)
    created = RestaurantDateTimeField(read_only=True)
    updated = RestaurantDateTimeField(read_only=True)
    table = TableSummarySerializer(read_only=True)
    customer = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The customer's user id; null for a guest."
    )
    name = serializers.CharField(read_only=True, help_text="The guest's or the customer's name.")

    class Meta:
        model = Booking
        fields = (
            "id",
            "status",
            "start",
            "end",
            "party_size",
            "table",
            "notes",
            "customer",
            "name",
            "guest_name",
            "guest_phone",
            "created",
            "updated",
        )
        read_only_fields = fields


class BookingWriteSerializer(serializers.Serializer):
    """What a booking request may say. `table`, `guest_name` and `guest_phone` are for managers:
    anyone else sending them is refused (403)."""

    start = RestaurantDateTimeField(help_text="A start from the availability, with its UTC offset.")
    party_size = serializers.IntegerField(min_value=1)
    notes = serializers.CharField(max_length=500, required=False, allow_blank=True, trim_whitespace=True)
    guest_name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="Managers: book for a guest without an account."
    )
    guest_phone = serializers.RegexField(
        PHONE,
        max_length=32,
        required=False,
        allow_blank=True,
        error_messages={"invalid": "Give a phone number: digits, spaces, (), . and -, optionally starting with +."},
    )
    # pk_field: an id must be an integer; without it 1.5 is read as table 1.
    table = serializers.PrimaryKeyRelatedField(
        queryset=Table.objects.all(),
        pk_field=serializers.IntegerField(error_messages={"invalid": "A table id (integer) is required."}),
        required=False,
        allow_null=True,
        help_text="Managers: the table (active, big enough and free). Otherwise the best fit is chosen.",
    )

    def validate(self, attrs):
        if attrs.get("table", ...) is None:
            del attrs["table"]  # null means "choose for me"
        return attrs


class BookingUpdateSerializer(BookingWriteSerializer):
    """PATCH: any subset of the fields."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class BookingStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUS_TARGETS)


class AvailabilityQuerySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="A local date, YYYY-MM-DD.")
    party_size = serializers.IntegerField(min_value=1, help_text="Up to the restaurant's maximum (settings).")


class SlotSerializer(serializers.Serializer):
    start = RestaurantDateTimeField(help_text="With the restaurant's UTC offset on that date.")
    tables_free = serializers.IntegerField(help_text="Suitable tables free for the whole booking.")


class AvailabilitySerializer(serializers.Serializer):
    """The fields are the contract (and the schema); `to_representation` builds the same dict
    directly: a day has about a hundred slots, and DRF's per-field work was most of the
    endpoint's cost (bench/: availability). A test holds the two equal."""

    date = serializers.DateField()
    party_size = serializers.IntegerField()
    slots = SlotSerializer(many=True)

    def to_representation(self, availability) -> dict:
        tz = restaurant_tz()

        def when(moment) -> str:
            text = moment.astimezone(tz).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return {
            "date": availability.date.isoformat(),
            "party_size": availability.party_size,
            "slots": [{"start": when(slot.start), "tables_free": slot.tables_free} for slot in availability.slots],
        }
