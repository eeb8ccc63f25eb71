"""The cart part of the benchmark dataset (see bench/datasets/__init__.py).

`bench-customer-00002` has a 5-line cart (the `cart` scenario); customers 3 to 100 have carts
of 1 to 5 lines, so the table holds other people's lines too. Every dish in a cart is on sale.
"""

from bench.datasets import Dataset, dataset_part
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import MenuItem

CART_CUSTOMER = 2  # bench-customer-00002: 5 lines


@dataset_part("cart", models=("cart.CartLine",), after=("users", "menu"))
def seed_carts(dataset: Dataset) -> None:
    rng = dataset.rng
    customers = dataset.ids("users", "customers")
    dishes = list(MenuItem.objects.filter(available=True).order_by("id").values_list("id", "price"))
    lines = []
    for number in range(CART_CUSTOMER, 101):
        size = 5 if number == CART_CUSTOMER else rng.randrange(1, 6)
        for pk, price in rng.sample(dishes, size):
            lines.append(
                CartLine(
                    user_id=customers[number - 1],
                    menuitem_id=pk,
                    quantity=rng.randrange(1, 4),
                    price_when_added=price,
                    created=dataset.epoch,
                    updated=dataset.epoch,
                )
            )
    dataset.bulk_create(CartLine, lines)
