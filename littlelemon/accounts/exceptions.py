from littlelemon.core.exceptions import NotFound


class NotInRole(NotFound):
    code = "not_in_role"
    default_message = "This user does not hold that role."
