from littlelemon.core.exceptions import Conflict, InvalidInput


class CategoryNotEmpty(Conflict):
    code = "category_not_empty"
    default_message = "This category still has dishes: move or delete them first."


class NotEnoughPortions(InvalidInput):
    """Fewer of the day's portions are left than the order asks for (the message names the dish)."""

    code = "not_enough_portions"
    default_message = "Not enough portions of this dish are left today."


class OutsideWindow(InvalidInput):
    """A dish asked for outside its availability windows (the message names it and when it is served)."""

    code = "item_not_served_then"
    default_message = "This dish is not served at that time."
