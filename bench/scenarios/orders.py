"""Carts and orders: signed-in reads with real JWTs, and placing orders under load.

`order_place` is driven by a wrk Lua script that keeps carts filled through the public API.
Each of 32 customers (one per wrk connection) (littlelemon/orders/bench.py: `order_place_customers`, who have no seeded
orders) owns three dishes no other of them uses, and runs the cycle: add dish 1, add dish 2,
add dish 3, place (pickup). A customer has at most one request in flight: a response names
its customer (the order's `customer`, or the cart line's `menuitem`, which only one customer
uses), and only then is that customer's next request sent. A line left in a cart by a wrk run
that stopped mid-cycle shows up as a quantity above 1 when the cycle adds it again: the
script sets it back to 1 (PATCH) before placing, so every order is exactly one fill. (A run's
requests still in flight when wrk stops are answered long before the next run of the same
target: the driver runs every other target in between.)

The scenario's `rps` is placements per second (the `placed` counter: 201 answers to the POST),
so each one includes refilling its cart: four requests (five after an interrupted run);
p50/p99 are over all of those requests. After the load, `check_order_place` reads the
database: every order those customers have is exactly one fill of their three dishes, one
each, and there are no more orders than placement requests (no duplicates) and no fewer than
201 answers (none lost).
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
    from littlelemon.cart.bench import CART_CUSTOMER
    from littlelemon.cart.models import CartLine

    user = _user(CART_CUSTOMER)
    assert CartLine.objects.filter(user=user).count() == 5, "the cart scenario's customer has no 5-line cart"
    return Request(CART, headers=ctx.bearer(user))


def orders_customer(ctx) -> Request:
    from littlelemon.orders.bench import ORDERS_CUSTOMER, ORDERS_CUSTOMER_COUNT

    user = _user(ORDERS_CUSTOMER)
    assert user.orders.count() == ORDERS_CUSTOMER_COUNT
    return Request(ORDERS, headers=ctx.bearer(user))


def orders_manager(ctx) -> Request:
    from littlelemon.accounts.models import User

    return Request(ORDERS, headers=ctx.bearer(User.objects.get(username="bench-manager")))


def _dishes_by_customer() -> dict[int, list[int]]:
    """Three dishes on sale for each order_place customer, none shared (user id -> dish ids)."""
    from littlelemon.menu.models import MenuItem
    from littlelemon.orders.bench import order_place_customers

    dishes = list(MenuItem.objects.filter(available=True).order_by("id").values_list("id", flat=True))
    customers = [_user(number) for number in order_place_customers()]
    assert len(dishes) >= 3 * len(customers), "not enough dishes on sale for order_place"
    return {user.pk: dishes[3 * n : 3 * n + 3] for n, user in enumerate(customers)}


LUA_ORDER_PLACE = r"""
counters = {"placed", "place_sent", "fills", "fixed", "idle", "failed"}
placed, place_sent, fills, fixed, idle, failed = 0, 0, 0, 0, 0, 0
local mine, by_item, by_user, cursor = {}, {}, {}, 0

init = function(args)
  for i, c in ipairs(CUSTOMERS) do
    if (i - 1) % thread_count == thread_id then
      local me = {headers = c[1], user = c[2], items = c[3], step = 1, busy = false, fix = nil}
      table.insert(mine, me)
      by_user[c[2]] = me
      for _, item in ipairs(c[3]) do by_item[item] = me end
    end
  end
end

local function headers(me)
  return {Authorization = me.headers, ["Content-Type"] = "application/json"}
end

request = function()
  for _ = 1, #mine do
    cursor = cursor % #mine + 1
    local me = mine[cursor]
    if not me.busy then
      me.busy = true
      if me.fix then
        local line = me.fix
        me.fix = nil
        return wrk.format("PATCH", "/api/v1/cart/items/" .. line .. "/", headers(me), '{"quantity": 1}')
      end
      if me.step <= 3 then
        return wrk.format("POST", "/api/v1/cart/items/", headers(me),
          '{"menuitem": ' .. me.items[me.step] .. ', "quantity": 1}')
      end
      place_sent = place_sent + 1
      return wrk.format("POST", "/api/v1/orders/", headers(me), PLACE_BODY)
    end
  end
  idle = idle + 1  -- every customer has a request in flight: ask for something harmless
  return wrk.format("GET", "/health", {})
end

response = function(status, headers, body)
  if status == 201 and body:find('"customer_name"', 1, true) then
    local me = by_user[tonumber(body:match('"customer":%s*(%d+)'))]
    if me then
      placed = placed + 1
      me.step, me.busy = 1, false
      return
    end
  elseif status == 200 or status == 201 then
    local item = tonumber(body:match('"menuitem":%s*(%d+)') or "")
    local me = item and by_item[item]
    if me then
      if tonumber(body:match('"quantity":%s*(%d+)')) ~= 1 then
        me.fix = body:match('"id":%s*(%d+)')  -- left from a stopped run: back to 1 first
        fixed = fixed + 1
      end
      if me.items[me.step] == item then
        me.step = me.step + 1
        if me.step == 4 then fills = fills + 1 end
      end
      me.busy = false
      return
    end
    if body:find('"status"', 1, true) then return end  -- /health
  end
  failed = failed + 1  -- its customer stays busy: the run reports the error
end
"""


def order_place(ctx) -> Request:
    """One placement for the probe (bench-customer-00965, its cart filled here), and the Lua
    cycle above for the load."""
    from littlelemon.cart import services as cart_services
    from littlelemon.cart.models import CartLine

    dishes = _dishes_by_customer()
    probe = _user(965)
    CartLine.objects.filter(user=probe).delete()
    for dish in list(dishes.values())[0]:
        cart_services.cart_item_add(user=probe, menuitem_id=dish, quantity=1)
    customers = ",\n".join(
        "{" + f"{_lua(ctx.bearer(_user_by_pk(pk))['Authorization'])}, {pk}, {{{', '.join(map(str, items))}}}" + "}"
        for pk, items in dishes.items()
    )
    lua = f"CUSTOMERS = {{\n{customers}\n}}\nPLACE_BODY = {_lua(PLACE_BODY)}\n{LUA_ORDER_PLACE}"
    return Request(ORDERS, method="POST", headers=ctx.bearer(probe), body=PLACE_BODY, lua=lua)


def _user_by_pk(pk: int):
    from littlelemon.accounts.models import User

    return User.objects.get(pk=pk)


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII is a valid Lua string literal


def check_order_place(counters: dict[str, int], *, quick: bool = False) -> dict:
    """After the load: every order the order_place customers have is one whole fill of their
    three dishes (one each), none is a duplicate and none was lost. Some order must have been
    placed, except in a quick run on a busy machine: two one-second runs of 32 customers may
    not complete a four-request cycle."""
    from littlelemon.cart.models import CartLine
    from littlelemon.orders.models import Order, OrderItem

    dishes = _dishes_by_customer()
    expected = {pk: sorted((dish, 1) for dish in items) for pk, items in dishes.items()}
    orders = list(Order.objects.filter(customer__in=dishes).values_list("id", "customer_id", "subtotal"))
    lines: dict[int, list[tuple[int, int]]] = {}
    for order_id, dish, quantity in OrderItem.objects.filter(order__customer__in=dishes).values_list(
        "order_id", "menuitem_id", "quantity"
    ):
        lines.setdefault(order_id, []).append((dish, quantity))
    not_one_fill = [
        order_id for order_id, customer, _ in orders if sorted(lines.get(order_id, [])) != expected[customer]
    ]
    placed, sent = counters.get("placed", 0), counters.get("place_sent", 0)
    result = {
        "orders": len(orders),
        "placed_201": placed,
        "place_requests": sent,
        "not_one_fill": len(not_one_fill),
        "duplicates": max(0, len(orders) - sent) + len(not_one_fill),
        "lost": max(0, placed - len(orders)),
        "lines_left_in_carts": CartLine.objects.filter(user__in=dishes).count(),
    }
    result["ok"] = result["duplicates"] == 0 and result["lost"] == 0 and (placed > 0 or quick)
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
