from django.db import models

MAX_QUANTITY = 99  # a cart line (and an order item) holds 1..99 of a dish
MAX_LINES = 100  # distinct lines in one cart: a bound on what one order can hold


class SkipReason(models.TextChoices):
    """Why `cart_merge` left a line of the visitor's cart behind."""

    GONE = "gone", "No longer on the menu"
    UNAVAILABLE = "unavailable", "Sold out"
    OPTIONS_CHANGED = "options_changed", "Its options changed: choose them again"
    CART_FULL = "cart_full", "The cart already holds as many lines as it may"
