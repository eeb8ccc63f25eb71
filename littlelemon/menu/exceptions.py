from littlelemon.core.exceptions import Conflict, InvalidInput


class CategoryNotEmpty(Conflict):
    code = "category_not_empty"
    default_message = "This category still has dishes: move or delete them first."


class MenuItemArchived(Conflict):
    code = "menu_item_archived"
    default_message = "This dish is archived: put it back on the menu first."


class MenuItemWasOrdered(Conflict):
    code = "menu_item_was_ordered"
    default_message = "This dish was ordered before: archive it instead (past orders keep their lines)."


class InvalidPhoto(InvalidInput):
    code = "invalid_photo"
    default_message = "The photo must be a JPEG, PNG, WebP or GIF image."
