"""Carts and orders: signed-in reads with real JWTs, and placing orders under load.

`order_place` measures placements alone. The dataset gives 12,000 customers a 3-line cart
(bench/datasets/orders.py: `bench-placer-NNNNN`); the wrk Lua script sends request number
g of the whole benchmark (the driver passes each wrk run `bench_offset`, so numbers never
repeat between runs) as placer g + 1: each cart is placed by exactly one request, each request
finds a full cart. So `rps` is placements per second and p50/p99 are the placement's own
latency; the carts were filled beforehand by the dataset, not during the load (the API fills
a cart one line per request: refilling under load would measure four requests per order).
Running out of carts is a 400 (`cart_empty`), which counts as an error and fails the run.

After the load, `check_order_place` reads the database: every placer has at most one order,
each order holds exactly its customer's cart (dishes and quantities), a placer with an order
has an empty cart and one without still has all three lines, and there are no more orders
than placement requests (no duplicates) and no fewer than 201 answers (none lost).
"""

import json

from . import Request, Scenario

CART = "/api/v1/cart/"
ORDERS = "/api/v1/orders/"
PLACE_BODY = json.dumps({"fulfilment": "pickup"})


def _user(number: int):
    from littlelemon.accounts.models import User

    return User.objects.get(username=f"bench-customer-{number:05d}")


def cart(ctx) -> Request:
    from bench.datasets.cart import CART_CUSTOMER
    from littlelemon.cart.models import CartLine

    user = _user(CART_CUSTOMER)
    assert CartLine.objects.filter(user=user).count() == 5, "the cart scenario's customer has no 5-line cart"
    return Request(CART, headers=ctx.bearer(user))


def orders_customer(ctx) -> Request:
    from bench.datasets.orders import ORDERS_CUSTOMER, ORDERS_CUSTOMER_COUNT

    user = _user(ORDERS_CUSTOMER)
    assert user.orders.count() == ORDERS_CUSTOMER_COUNT
    return Request(ORDERS, headers=ctx.bearer(user))


def orders_manager(ctx) -> Request:
    from littlelemon.accounts.models import User

    return Request(ORDERS, headers=ctx.bearer(User.objects.get(username="bench-manager")))


LUA_ORDER_PLACE = r"""
counters = {"placed", "max_span"}
placed, max_span = 0, 0
local sent = 0

request = function()
  local g = bench_offset + sent * thread_count + thread_id
  sent = sent + 1
  max_span = sent * thread_count
  local token = TOKENS[g + 1] or TOKENS[#TOKENS]  -- past the last cart: that customer's is empty, a 400
  return wrk.format("POST", "/api/v1/orders/", {Authorization = token, ["Content-Type"] = "application/json"},
    PLACE_BODY)
end

response = function(status, headers, body)
  if status == 201 then placed = placed + 1 end
end
"""


def _placers():
    from bench.datasets.orders import PLACER_PREFIX
    from littlelemon.accounts.models import User

    return User.objects.filter(username__startswith=PLACER_PREFIX).order_by("username")


def order_place(ctx) -> Request:
    """The probe places the last placer's cart; the load places the others, each once."""
    placers = list(_placers())
    assert len(placers) > 1, "the dataset has no bench-placer customers"
    probe, load = placers[-1], placers[:-1]
    tokens = ",\n".join(_lua(ctx.bearer(user)["Authorization"]) for user in load)
    lua = f"TOKENS = {{\n{tokens}\n}}\nPLACE_BODY = {_lua(PLACE_BODY)}\n" + LUA_ORDER_PLACE
    return Request(ORDERS, method="POST", headers=ctx.bearer(probe), body=PLACE_BODY, lua=lua)


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII is a valid Lua string literal


def check_order_place(counters: dict[str, int], *, quick: bool = False) -> dict:
    """After the load (see the module's docstring). Some order must have been placed."""
    import random

    from bench.datasets.orders import placer_carts
    from littlelemon.cart.models import CartLine
    from littlelemon.demo.management.commands.seed_bench import SEED
    from littlelemon.orders.models import Order, OrderItem

    placers = _placers()
    orders: dict[int, list[int]] = {}
    for order_id, customer in Order.objects.filter(customer__in=placers).values_list("id", "customer_id"):
        orders.setdefault(customer, []).append(order_id)
    items: dict[int, list[tuple[int, int]]] = {}
    for order_id, dish, quantity in OrderItem.objects.filter(order__customer__in=placers).values_list(
        "order_id", "menuitem_id", "quantity"
    ):
        items.setdefault(order_id, []).append((dish, quantity))
    carts: dict[int, list[tuple[int, int]]] = {}
    for user, dish, quantity in CartLine.objects.filter(user__in=placers).values_list(
        "user_id", "menuitem_id", "quantity"
    ):
        carts.setdefault(user, []).append((dish, quantity))
    # What each cart held: the dataset part again, with the seed seed_bench gave it.
    seeded = placer_carts(random.Random(f"{SEED}:placers"))
    held = {
        pk: sorted((dish, quantity) for dish, quantity, _ in cart)
        for pk, cart in zip(placers.values_list("pk", flat=True), seeded, strict=True)
    }
    placed_twice = sum(1 for ids in orders.values() if len(ids) > 1)
    not_one_cart = sum(
        1
        for customer, ids in orders.items()
        for order_id in ids
        if sorted(items.get(order_id, [])) != held[customer] or customer in carts
    )
    untouched = sum(1 for pk, cart in held.items() if pk not in orders and sorted(carts.get(pk, [])) == cart)
    total = sum(len(ids) for ids in orders.values())
    placed = counters.get("placed", 0)
    result = {
        "orders": total,
        "placed_201": placed,
        "placed_twice": placed_twice,
        "not_one_cart": not_one_cart,
        "duplicates": placed_twice + not_one_cart,
        "lost": max(0, placed - total),
        "carts_untouched": untouched,
        "carts_left_partial": len(held) - untouched - len(orders),
    }
    result["ok"] = (
        result["duplicates"] == 0 and result["lost"] == 0 and result["carts_left_partial"] == 0 and placed > 0
    )
    return result


SCENARIOS = [
    Scenario("cart", vs="bare_sql", target=0.5, prepare=cart),
    Scenario("orders_customer", vs="bare_sql", target=0.5, prepare=orders_customer),
    Scenario("orders_manager", vs="bare_sql", target=0.3, prepare=orders_manager, exact_size=False),
    Scenario(
        "order_place",
        vs="bare_sql",
        target=0.1,
        prepare=order_place,
        read=False,
        expect=201,
        rate_counter="placed",
        check=check_order_place,
    ),
]
