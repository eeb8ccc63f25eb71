from littlelemon.core.exceptions import InvalidInput, NotFound


class NotInRole(NotFound):
    code = "not_in_role"
    default_message = "This user does not hold that role."


class UsernameTaken(InvalidInput):
    code = "username_taken"
    default_message = "A user with that username already exists."


class EmailTaken(InvalidInput):
    code = "email_taken"
    default_message = "An account with this email address already exists."
