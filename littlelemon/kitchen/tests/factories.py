from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders.models import Order, OrderItem
from littlelemon.orders.tests.factories import OrderFactory

from ..models import Station

__all__ = ["CategoryFactory", "MenuItemFactory", "OrderFactory", "order_with", "station_with"]


def station_with(name: str, *categories, position: int = 0) -> Station:
    station = Station.objects.create(name=name, position=position)
    station.categories.set(categories)
    return station


def order_with(*dishes, quantity: int = 1, **kwargs) -> Order:
    """An order (OrderFactory's) of these menu items, `quantity` of each."""
    order = OrderFactory(**kwargs)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            menuitem=dish,
            title=dish.title,
            unit_price=dish.price,
            quantity=quantity,
            price=dish.price * quantity,
        )
        for dish in dishes
    )
    return order
