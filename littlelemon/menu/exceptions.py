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


class MenuItemArchived(Conflict):
    code = "menu_item_archived"
    default_message = "This dish is archived: put it back on the menu first."


class MenuItemWasOrdered(Conflict):
    code = "menu_item_was_ordered"
    default_message = "This dish was ordered before: archive it instead (past orders keep their lines)."


class InvalidPhoto(InvalidInput):
    code = "invalid_photo"
    default_message = "The photo must be a JPEG, PNG, WebP or GIF image."


class OptionsInvalid(InvalidInput):
    """A dish's options or a combo's slots were chosen against its rules (the message names the
    group or slot; `extra` carries its id, so a page can put the message next to it)."""

    code = "invalid_options"
    default_message = "These options cannot be chosen for this dish."


class OptionRequired(OptionsInvalid):
    code = "option_required"


class OptionCountInvalid(OptionsInvalid):
    code = "option_count"


class OptionNotOffered(OptionsInvalid):
    code = "option_not_offered"


class OptionUnavailable(OptionsInvalid):
    code = "option_unavailable"


class ComboSlotInvalid(OptionsInvalid):
    code = "combo_slot_invalid"


class ComboDishNotOffered(OptionsInvalid):
    code = "combo_dish_not_offered"
