"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """At most `max_length` characters: long passphrases welcome, megabyte "passwords" not (every
    log-in would hash them, and nothing else in a request is unbounded)."""

    def __init__(self, max_length: int = 256):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: use at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at most {self.max_length} characters."
