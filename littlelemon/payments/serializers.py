from rest_framework import serializers

from littlelemon.orders.models import ORDER_MONEY

from .models import Refund


class RefundCreateSerializer(serializers.Serializer):
    """A line (`order_item`) or an `amount`, and a reason."""

    order_item = serializers.IntegerField(required=False, min_value=1)
    amount = serializers.DecimalField(required=False, min_value=0, **ORDER_MONEY)
    reason = serializers.CharField(max_length=500)


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "amount", "reason", "order_item", "status", "refunded_at", "created"]
