"""Who may use a cart: every signed-in user has one (staff too: they order lunch).

Ownership is not a permission check here: every selector and service is scoped to the caller,
so another user's line is a 404, never a 403 that would confirm it exists.
"""

from rest_framework import permissions


class HasCart(permissions.IsAuthenticated):
    message = "Sign in to use a cart."
