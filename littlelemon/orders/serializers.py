from datetime import datetime, tzinfo
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_manager_for
from littlelemon.api.serializers import ErrorSerializer
from littlelemon.apikeys.scopes import ORDERS_READ

from . import lifecycle
from .enums import Fulfilment, OrderStatus, PaymentMethod
from .models import DeliveryProof, Order, OrderEvent, OrderItem
from .placement import MAX_TIP
from .transitions import ESTIMATED_MINUTES_MAX, ESTIMATED_MINUTES_MIN

MONEY = {"max_digits": None, "decimal_places": 2, "read_only": True}


def printable(value: str) -> str:
    """Free text may hold tabs and line breaks, not other control characters (which XML
    cannot carry and no person types)."""
    if any((ord(c) < 32 and c not in "\t\n\r") or 127 <= ord(c) < 160 for c in value):
        raise serializers.ValidationError("Control characters are not allowed.")
    return value


TEXT = {"required": False, "allow_blank": True, "default": "", "validators": [printable]}


def _name(user: User | None) -> str | None:
    return None if user is None else (user.get_full_name() or user.username)


class OrderItemSerializer(serializers.ModelSerializer):
    menuitem = serializers.IntegerField(
        source="menuitem_id", read_only=True, allow_null=True, help_text="Null if the dish left the menu since."
    )
    unit_price = serializers.DecimalField(help_text="The price when the order was placed.", **MONEY)
    price = serializers.DecimalField(help_text="unit_price × quantity.", **MONEY)
    options = serializers.ListField(
        child=serializers.DictField(),
        read_only=True,
        help_text='The chosen options as they were: [{"group", "choice", "price_delta"}], for a combo '
        '[{"slot", "dish", "supplement", "options"}]. unit_price includes them.',
    )

    class Meta:
        model = OrderItem
        fields = ("menuitem", "title", "quantity", "unit_price", "price", "options")
        read_only_fields = fields


def _money(value: Decimal) -> str:
    """As DRF's DecimalField(decimal_places=2) renders it (amounts are stored with two places)."""
    return f"{value.quantize(CENT):f}"


def _when(value: datetime | None, time_zone: tzinfo) -> str | None:
    """As DRF's DateTimeField renders it: ISO 8601 in the current time zone, UTC as Z."""
    if value is None:
        return None
    text = value.astimezone(time_zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


CENT = Decimal("0.01")


class OrderSerializer(serializers.ModelSerializer):
    """An order as the API shows it.

    The declared fields are the contract (and the schema); `to_representation` produces the
    same dict directly, because a page of orders is the hottest read after the menu and DRF's
    per-field machinery was most of its cost (bench/: orders_customer, orders_manager). A
    test holds the two equal (`test_serializers.py`).
    """

    items = OrderItemSerializer(many=True, read_only=True)
    subtotal = serializers.DecimalField(**MONEY)
    delivery_fee = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(help_text="Tax rate × (subtotal + delivery fee), rounded half up.", **MONEY)
    tip = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(help_text="subtotal + delivery_fee + tax + tip.", **MONEY)
    customer = serializers.IntegerField(
        source="customer_id", read_only=True, allow_null=True, help_text="Null for a guest order."
    )
    customer_name = serializers.SerializerMethodField()
    delivery_crew = serializers.IntegerField(source="delivery_crew_id", read_only=True, allow_null=True)
    delivery_crew_name = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses you may move this order to now (POST them to `status/`)."
    )
    estimated_ready_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=(
            "The restaurant's estimate, given on accepting: when the order is ready to collect (pickup) or "
            "at the door (delivery). Null until then, or when none was given."
        ),
    )

    class Meta:
        model = Order
        fields = (
            "id",
            "status",
            "fulfilment",
            "delivery_address",
            "scheduled_for",
            "estimated_ready_at",
            "notes",
            "items",
            "subtotal",
            "delivery_fee",
            "tax",
            "tip",
            "total",
            "payment_method",
            "payment_status",
            "delivery_crew",
            "delivery_crew_name",
            "customer",
            "customer_name",
            "created",
            "updated",
            "allowed_transitions",
        )
        read_only_fields = fields

    def get_customer_name(self, order: Order) -> str:
        """The customer's name, or a guest's (then `customer` is null)."""
        return _name(order.customer) if order.customer_id else order.guest_name

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_delivery_crew_name(self, order: Order) -> str | None:
        return _name(order.delivery_crew)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=OrderStatus.choices)))
    def get_allowed_transitions(self, order: Order) -> list[str]:
        return [str(status) for status in lifecycle.transitions_for(order, self._user)]

    # Read once per serializer: with many=True, one child serializer renders every row of a page.
    @cached_property
    def _user(self) -> User | None:
        return getattr(self.context.get("request"), "user", None)

    @cached_property
    def _time_zone(self) -> tzinfo:
        return timezone.get_current_timezone()

    def _item_rows(self, order: Order) -> list[tuple]:
        """The order's items as `selectors.order_item_rows` gives them: from the rows the view
        read for its page (context `item_rows`), else from the prefetched items."""
        rows = self.context.get("item_rows")
        if rows is not None:
            return rows[order.pk]
        items = order.items.all()
        return [
            (item.menuitem_id, item.title, item.quantity, item.unit_price, item.price, item.options) for item in items
        ]

    def to_representation(self, order: Order) -> dict:
        time_zone = self._time_zone
        return {
            "id": order.pk,
            "status": order.status,
            "fulfilment": order.fulfilment,
            "delivery_address": order.delivery_address,
            "scheduled_for": _when(order.scheduled_for, time_zone),
            "estimated_ready_at": _when(order.estimated_ready_at, time_zone),
            "notes": order.notes,
            "items": [
                {
                    "menuitem": menuitem,
                    "title": title,
                    "quantity": quantity,
                    "unit_price": _money(unit_price),
                    "price": _money(price),
                    "options": options,
                }
                for menuitem, title, quantity, unit_price, price, options in self._item_rows(order)
            ],
            "subtotal": _money(order.subtotal),
            "delivery_fee": _money(order.delivery_fee),
            "tax": _money(order.tax),
            "tip": _money(order.tip),
            "total": _money(order.total),
            "payment_method": order.payment_method,
            "payment_status": order.payment_status,
            "delivery_crew": order.delivery_crew_id,
            "delivery_crew_name": self.get_delivery_crew_name(order),
            "customer": order.customer_id,
            "customer_name": self.get_customer_name(order),
            "created": _when(order.created, time_zone),
            "updated": _when(order.updated, time_zone),
            "allowed_transitions": self.get_allowed_transitions(order),
        }


class DeliveryProofSerializer(serializers.ModelSerializer):
    """Who took a delivered order at the door (the driver's proof of delivery)."""

    delivered_by = serializers.IntegerField(
        source="delivered_by_id", read_only=True, allow_null=True, help_text="The driver or manager who delivered it."
    )
    photo = serializers.SerializerMethodField(
        help_text=(
            "The photo taken at the door, if any: a page of the staff site for a signed-in manager (or the "
            "driver who took it), not a public address. Null without a photo."
        )
    )

    class Meta:
        model = DeliveryProof
        fields = ("recipient_name", "delivered_by", "at", "photo")
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo(self, proof: DeliveryProof) -> str | None:
        if not proof.photo:
            return None
        path = reverse("staff:delivery_proof_photo", args=[proof.order_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OrderDetailSerializer(OrderSerializer):
    """One order (every answer about one order: placing it, reading it, moving it): as in a list,
    and for managers the proof of delivery."""

    delivery_proof = serializers.SerializerMethodField(
        help_text="Managers: who took the order at the door, once delivered. Null before, and for everyone else."
    )

    class Meta(OrderSerializer.Meta):
        fields = (*OrderSerializer.Meta.fields, "delivery_proof")
        read_only_fields = fields

    @extend_schema_field(DeliveryProofSerializer(allow_null=True))
    def get_delivery_proof(self, order: Order) -> dict | None:
        if order.status != OrderStatus.DELIVERED or not is_manager_for(self._user, ORDERS_READ):
            return None
        proof = DeliveryProof.objects.filter(order_id=order.pk).first()  # one query: managers, delivered orders
        return None if proof is None else DeliveryProofSerializer(proof, context=self.context).data

    def to_representation(self, order: Order) -> dict:
        return {**super().to_representation(order), "delivery_proof": self.get_delivery_proof(order)}


class OrderPlaceSerializer(serializers.Serializer):
    """What a customer chooses at checkout. Prices and totals are never taken from the client."""

    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    delivery_address = serializers.CharField(max_length=500, help_text="Required for delivery.", **TEXT)
    scheduled_for = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "ISO 8601 with an offset; leave out for as soon as possible. Within opening hours (and before "
            "the order cut-off), not in the past, at most 7 days ahead."
        ),
    )
    tip = serializers.DecimalField(
        max_digits=6,  # a bound on digits too: DRF cannot quantize "1e400" without one (a 500)
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_TIP,
        required=False,
        default=Decimal("0"),
    )
    notes = serializers.CharField(max_length=1000, **TEXT)
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        required=False,
        default=PaymentMethod.CASH,
        help_text="Paid on delivery or collection.",
    )
    guest_name = serializers.CharField(max_length=150, help_text="Guests (with X-Cart-Token) only: your name.", **TEXT)
    guest_email = serializers.CharField(
        max_length=254,
        help_text="Guests only: where the order's e-mails and its tracking link go.",
        **TEXT,
    )
    guest_phone = serializers.CharField(
        max_length=32, help_text="Guests only: a number to call about the order.", **TEXT
    )


class OrderStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    note = serializers.CharField(max_length=500, help_text="Shown to the customer, e.g. why it was rejected.", **TEXT)
    estimated_minutes = serializers.IntegerField(
        min_value=ESTIMATED_MINUTES_MIN,
        max_value=ESTIMATED_MINUTES_MAX,
        required=False,
        allow_null=True,
        help_text=(
            "Only with `accepted`: minutes from now until the order is ready to collect or at the door. "
            "Sets the order's `estimated_ready_at`, which the customer sees."
        ),
    )


class OrderAssignSerializer(serializers.Serializer):
    # pk_field: an id must be an integer; without it 1.5 is read as user 1.
    delivery_crew = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        pk_field=serializers.IntegerField(error_messages={"invalid": "A user id (integer) is required."}),
        help_text="The user id of a member of the delivery crew.",
        error_messages={
            "does_not_exist": "No user with id {pk_value}.",
            "incorrect_type": "A user id (integer) is required.",
        },
    )
    note = serializers.CharField(max_length=500, **TEXT)


class OrderEventSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    integration = serializers.CharField(
        source="api_key.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The integration (API key name) that made this step, if it was one; then `actor` is null.",
    )
    from_status = serializers.ChoiceField(
        choices=OrderStatus.choices, allow_blank=True, read_only=True, help_text='"" for the placement.'
    )
    to_status = serializers.ChoiceField(choices=OrderStatus.choices, read_only=True)

    class Meta:
        model = OrderEvent
        fields = ("id", "kind", "from_status", "to_status", "actor", "integration", "at", "note")
        read_only_fields = fields


# --- documented error bodies -------------------------------------------------------------


class OrderPlacementErrorSerializer(ErrorSerializer):
    """A refused placement: `code` is one of `invalid`, `cart_empty`, `item_unavailable`,
    `below_minimum`, `restaurant_closed`, `invalid_schedule`, `delivery_address_required`."""

    unavailable = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="item_unavailable: `[{menuitem, title}]`."
    )
    minimum_order = serializers.DecimalField(max_digits=None, decimal_places=2, required=False)
    subtotal = serializers.DecimalField(max_digits=None, decimal_places=2, required=False)
    short_by = serializers.DecimalField(
        max_digits=None, decimal_places=2, required=False, help_text="below_minimum: how much more to add."
    )
    opens_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="restaurant_closed, invalid_schedule: when it opens next."
    )


class IdempotencyErrorSerializer(ErrorSerializer):
    order = serializers.IntegerField(help_text="The order the key was first used for.")


class OrderStateErrorSerializer(ErrorSerializer):
    """409: `invalid_transition`, `delivery_crew_required` or `assignment_closed`."""

    current_status = serializers.ChoiceField(choices=OrderStatus.choices)
    allowed = serializers.ListField(
        child=serializers.ChoiceField(choices=OrderStatus.choices), help_text="The statuses it may go to next."
    )
