"""One hierarchy for every rule a request can break.

Services raise these; the API's exception handler (littlelemon.api.exceptions) turns them into
`{"detail", "code", "fields"}` with `http_status`, and the web pages into a form error on
`field` (or a page message when there is none).
"""

from typing import Any, ClassVar


class ApplicationError(Exception):
    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 400
    default_message: ClassVar[str] = "The request could not be completed."

    def __init__(self, message: str | None = None, *, field: str | None = None, extra: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.field = field
        self.extra = extra or {}
        super().__init__(self.message)


class InvalidInput(ApplicationError):
    code = "invalid"
    default_message = "Invalid input."


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    http_status = 403
    default_message = "You do not have permission to perform this action."


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409
    default_message = "The request conflicts with the current state."
