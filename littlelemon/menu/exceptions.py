from littlelemon.core.exceptions import Conflict


class CategoryNotEmpty(Conflict):
    code = "category_not_empty"
    default_message = "This category still has dishes: move or delete them first."
