from littlelemon.core.exceptions import ApplicationError


class ApiKeyRefused(ApplicationError):
    """A key that authenticates nothing: the authentication class answers 401 with this message."""

    code = "invalid_api_key"
    http_status = 401
    default_message = "Invalid API key."


class ApiKeyRevoked(ApiKeyRefused):
    code = "api_key_revoked"
    default_message = "This API key has been revoked."


class ApiKeyExpired(ApiKeyRefused):
    code = "api_key_expired"
    default_message = "This API key has expired."
