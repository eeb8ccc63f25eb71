from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory
from littlelemon.orders.models import Order, OrderItem
from littlelemon.orders.tests.factories import OrderFactory

from ..models import Station

__all__ = ["CategoryFactory", "MenuItemFactory", "OrderFactory", "combo_item", "order_with", "station_with"]


def station_with(name: str, *categories, position: int = 0) -> Station:
    station = Station.objects.create(name=name, position=position)
    station.categories.set(categories)
    return station


def _item(order: Order, dish, *, quantity: int, **fields) -> OrderItem:
    return OrderItem(
        order=order,
        menuitem=dish,
        title=dish.title,
        unit_price=dish.price,
        quantity=quantity,
        price=dish.price * quantity,
        **fields,
    )


def order_with(*dishes, quantity: int = 1, **kwargs) -> Order:
    """An order (OrderFactory's) of these menu items, `quantity` of each."""
    order = OrderFactory(**kwargs)
    OrderItem.objects.bulk_create(_item(order, dish, quantity=quantity) for dish in dishes)
    return order


def combo_item(order: Order, combo, *components, quantity: int = 1) -> OrderItem:
    """An item of `combo` on `order`, its slots (in order) filled with `components`, as placement
    keeps it: the options' snapshot by name and the selection by id."""
    slots = list(zip(combo.slots.all(), components, strict=True))
    item = _item(
        order,
        combo,
        quantity=quantity,
        options=[{"slot": slot.name, "dish": dish.title, "supplement": "0.00", "options": []} for slot, dish in slots],
        selection={"choices": [], "slots": [{"slot": slot.pk, "dish": dish.pk, "choices": []} for slot, dish in slots]},
    )
    item.save()
    return item
