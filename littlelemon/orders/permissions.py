"""Who may do what with orders.

Orders are not guarded by permission classes but by two rules applied in one place each:

- *seeing* an order: `selectors.order_list_visible_to` (own orders; assigned ones for delivery
  crew; open and recently finished ones for the kitchen; all for managers). Every view starts
  there, so an order you may not see is a 404 whatever you try to do with it;
- *acting* on it: `lifecycle.ALLOWED` (who may move it from which status to which), enforced by
  `transitions.order_status_change`, and "managers only" for `transitions.order_assign`: a 403.

Anyone signed in may place orders (staff order lunch too), and so may a guest with a cart token
(`X-Cart-Token`): placing only, they see no list.
"""

from rest_framework import permissions

from .lifecycle import actors_for, transitions_for

__all__ = ["CanPlaceOrders", "actors_for", "transitions_for"]


class CanPlaceOrders(permissions.IsAuthenticated):
    message = "Sign in to order."


class CanPlaceOrdersOrGuest(CanPlaceOrders):
    """Signed in; or, to place an order (POST), a guest sending a cart token (looked up by the view)."""

    message = "Sign in to see orders; to order as a guest, send your cart's X-Cart-Token."

    def has_permission(self, request, view) -> bool:
        if super().has_permission(request, view):
            return True
        return request.method == "POST" and bool(request.headers.get("X-Cart-Token"))
