from littlelemon.core.exceptions import InvalidInput, NotFound


class UnknownMenuItem(InvalidInput):
    code = "unknown_menuitem"
    default_message = "There is no such dish."


class ItemUnavailable(InvalidInput):
    """A sold-out dish: it cannot be added to a cart, nor ordered (the message names it)."""

    code = "item_unavailable"
    default_message = "This dish is sold out."


class QuantityLimit(InvalidInput):
    code = "quantity_limit"
    default_message = "A cart line holds at most 99 of a dish."


class CartFull(InvalidInput):
    code = "cart_full"
    default_message = "The cart holds as many different dishes as it may."


class CartLineNotFound(NotFound):
    code = "not_found"
    default_message = "No such line in your cart."


class GuestCartNotFound(NotFound):
    """An `X-Cart-Token` that names no cart (mistyped, expired or guessed): nothing says which."""

    code = "cart_not_found"
    default_message = "No cart has this token."
