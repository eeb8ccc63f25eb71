"""Carts and orders: signed-in reads with real JWTs (and the web order page's poll with a
session), and placing orders under load.

The signed-in reads rotate through a pool of users (`USER_POOL`), so that none goes over the
user throttle's rate: `cart` and `cart_conditional` through customers 101 to 300, whose carts
`prepare` sets to the same five dishes as the dataset's 5-line cart (bench/datasets/cart.py);
`orders_customer` and `order_poll` through customers with at least 20 orders (a full first
page) outside the other pools; `orders_manager` through managers `prepare` adds (everyone sees
the same page of the newest 20 orders, with their items). The conditional reads send each
user's own ETag (If-None-Match) and must get a 304.

`order_place` measures placements alone. The dataset gives 12,000 customers a 3-line cart
(bench/datasets/orders.py: `bench-placer-NNNNN`); the wrk Lua script sends request number g of the whole benchmark (the
driver passes each wrk run `bench_offset`, so numbers never repeat between runs) as placer
g + 1: each cart is placed by exactly one request, each request finds a full cart. So `rps` is
placements per second and p50/p99 are the placement's own latency; the carts were filled
beforehand by the dataset, not during the load (the API fills a cart one line per request:
refilling under load would measure four requests per order). Running out of carts is a 400
(`cart_empty`), which counts as an error and fails the run.

After the load, `check_order_place` reads the database: every placer has at most one order,
each order holds exactly its customer's cart (dishes and quantities), a placer with an order
has an empty cart and one without still has all three lines, and there are no more orders
than placement requests (no duplicates) and no fewer than 201 answers (none lost).
"""

import json

from . import USER_POOL, Request, Scenario

CART = "/api/v1/cart/"
ORDERS = "/api/v1/orders/"
PLACE_BODY = json.dumps({"fulfilment": "pickup"})
CART_POOL = range(101, 101 + USER_POOL)  # customers without a seeded cart
BOOKING_POOL = range(501, 901)  # booking_create's customers (bench/scenarios/bookings.py)
FULL_PAGE = 20


def _customer(number: int) -> str:
    return f"bench-customer-{number:05d}"


def _cart_pool():
    """Customers 101 to 300, each with a copy of the 5-line cart (set again at every probe)."""
    from bench.datasets.cart import CART_CUSTOMER
    from littlelemon.accounts.models import User
    from littlelemon.cart.models import CartLine

    source = list(CartLine.objects.filter(user__username=_customer(CART_CUSTOMER)).order_by("id"))
    assert len(source) == 5, f"the dataset has no 5-line cart for {_customer(CART_CUSTOMER)}"
    users = list(User.objects.filter(username__in=[_customer(n) for n in CART_POOL]).order_by("username"))
    CartLine.objects.filter(user__in=users).delete()
    CartLine.objects.bulk_create(
        CartLine(
            user=user,
            menuitem_id=line.menuitem_id,
            quantity=line.quantity,
            price_when_added=line.price_when_added,
            created=line.created,
            updated=line.updated,
        )
        for user in users
        for line in source
    )
    return users


def _orders_pool():
    """Customers with a full first page of orders, outside the cart's and the bookings' pools."""
    from django.db.models import Count

    from littlelemon.accounts.models import User

    others = {_customer(n) for n in (*CART_POOL, *BOOKING_POOL)}
    users = [
        user
        for user in User.objects.filter(username__startswith="bench-customer-")
        .annotate(placed=Count("orders"))
        .filter(placed__gte=FULL_PAGE)
        .order_by("username")
        if user.username not in others
    ][:USER_POOL]
    assert len(users) >= USER_POOL // 4, f"only {len(users)} customers have {FULL_PAGE} orders"
    return users


def _managers():
    """The dataset's manager and enough more (bench-manager-pool-NNN) for the pool."""
    from django.contrib.auth.models import Group

    from littlelemon.accounts.enums import Role
    from littlelemon.accounts.models import User

    manager = User.objects.get(username="bench-manager")
    names = [f"bench-manager-pool-{n:03d}" for n in range(1, USER_POOL)]
    User.objects.filter(username__in=names).delete()
    User.objects.bulk_create(
        User(username=name, email=f"{name}@example.com", password=manager.password, date_joined=manager.date_joined)
        for name in names
    )
    added = list(User.objects.filter(username__in=names).order_by("username"))
    group = Group.objects.get(name=Role.MANAGER)
    User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in added)
    return [manager, *added]


def cart(ctx) -> Request:
    users = _cart_pool()
    return Request(CART, variants=tuple(ctx.bearer(user) for user in users))


def cart_conditional(ctx) -> Request:
    variants = []
    for user in _cart_pool():
        bearer = ctx.bearer(user)
        variants.append(bearer | {"If-None-Match": ctx.etag(CART, bearer)})
    return Request(CART, variants=tuple(variants))


def orders_customer(ctx) -> Request:
    return Request(ORDERS, variants=tuple(ctx.bearer(user) for user in _orders_pool()))


def orders_manager(ctx) -> Request:
    return Request(ORDERS, variants=tuple(ctx.bearer(user) for user in _managers()))


def order_poll(ctx) -> Request:
    """The web order page's status poll (a session, not a token), revalidated with its ETag."""
    from littlelemon.orders.models import Order

    variants = []
    for user in _orders_pool():
        newest = Order.objects.filter(customer=user).order_by("-created", "-id").values_list("id", flat=True)[0]
        path = f"/orders/{newest}/status/"
        cookie = {"Cookie": ctx.session_cookie(user)}
        variants.append({":path": path} | cookie | {"If-None-Match": ctx.etag(path, cookie)})
    return Request(variants[0][":path"], variants=tuple(variants))


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
    Scenario("cart", vs="bare_sql", target=0.35, prepare=cart),
    Scenario("cart_conditional", vs="bare_sql", target=0.4, prepare=cart_conditional, expect=304),
    Scenario("orders_customer", vs="bare_sql", target=0.35, prepare=orders_customer),
    Scenario("orders_manager", vs="bare_sql", target=0.12, prepare=orders_manager, exact_size=False),
    Scenario("order_poll", vs="bare_sql", target=0.4, prepare=order_poll, expect=304),
    Scenario(
        "order_place",
        vs="bare_sql",
        target=None,  # reported: 0 errors, 0 duplicates, 0 lost (the check)
        prepare=order_place,
        read=False,
        expect=201,
        rate_counter="placed",
        check=check_order_place,
    ),
]
