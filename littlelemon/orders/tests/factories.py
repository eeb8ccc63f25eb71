"""Orders in any state, for tests of reading and of the lifecycle. Tests of placing orders go
through `placement.order_place` instead, which is the only way real orders are made."""

from decimal import Decimal

import factory

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.enums import Fulfilment, OrderStatus, PaymentStatus
from littlelemon.orders.models import Order, OrderEvent, OrderItem


class OrderFactory(factory.django.DjangoModelFactory):
    """A delivery order of 20.00 with 10% tax; `items=n` adds n items of 4.00 × 1 (for display:
    the totals are not recomputed from them)."""

    class Meta:
        model = Order
        skip_postgeneration_save = True

    customer = factory.SubFactory(UserFactory)
    status = OrderStatus.PLACED
    fulfilment = Fulfilment.DELIVERY
    delivery_address = factory.LazyAttribute(
        lambda order: "1 Lemon Street, Chicago" if order.fulfilment == Fulfilment.DELIVERY else ""
    )
    subtotal = Decimal("20.00")
    delivery_fee = factory.LazyAttribute(
        lambda order: Decimal("5.00") if order.fulfilment == Fulfilment.DELIVERY else Decimal("0.00")
    )
    tax = factory.LazyAttribute(lambda order: ((order.subtotal + order.delivery_fee) / 10).quantize(Decimal("0.01")))
    tip = Decimal("0.00")
    total = factory.LazyAttribute(lambda order: order.subtotal + order.delivery_fee + order.tax + order.tip)
    payment_status = factory.LazyAttribute(
        lambda order: {
            OrderStatus.DELIVERED: PaymentStatus.PAID,
            OrderStatus.COLLECTED: PaymentStatus.PAID,
            OrderStatus.CANCELLED: PaymentStatus.VOID,
            OrderStatus.REJECTED: PaymentStatus.VOID,
        }.get(order.status, PaymentStatus.PENDING)
    )

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            menuitem = MenuItemFactory(price=Decimal("4.00"))
            OrderItem.objects.bulk_create(
                OrderItem(
                    order=self,
                    menuitem=menuitem,
                    title=f"{menuitem.title} {n}",
                    unit_price=menuitem.price,
                    quantity=1,
                    price=menuitem.price,
                )
                for n in range(extracted)
            )

    @factory.post_generation
    def placed_event(self, create, extracted, **kwargs):
        if create:
            OrderEvent.objects.create(
                order=self, kind="placed", from_status="", to_status="placed", actor=self.customer
            )
