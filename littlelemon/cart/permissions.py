"""Who may use a cart: every signed-in user has one (staff too: they order lunch), and so has a
guest holding a cart token (`X-Cart-Token`, from `POST /api/v1/cart/guest/`).

Ownership is not a permission check here: every selector and service is scoped to the caller,
so another user's line is a 404, never a 403 that would confirm it exists.
"""

from rest_framework import permissions


class HasCart(permissions.IsAuthenticated):
    message = "Sign in to use a cart."


CART_TOKEN_HEADER = "X-Cart-Token"  # noqa: S105 (a header's name)


class HasCartOrToken(HasCart):
    """Signed in, or sending a cart token (which the view then looks up: a wrong one is a 404)."""

    message = f"Sign in, or send a guest cart's token in {CART_TOKEN_HEADER}."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) or bool(request.headers.get(CART_TOKEN_HEADER))
