"""Reading API keys, and finding the key a request presents."""

from django.db.models import QuerySet
from django.utils import timezone

from littlelemon.core.exceptions import NotFound

from .exceptions import ApiKeyExpired, ApiKeyRefused, ApiKeyRevoked
from .models import ApiKey


def api_key_list() -> QuerySet[ApiKey]:
    """Every key, newest first, with who issued it. Nothing secret: the hash is never shown."""
    return ApiKey.objects.select_related("created_by").order_by("-created", "-id")


def api_key_get(*, prefix: str) -> ApiKey:
    """One key by its prefix. Raises NotFound."""
    api_key = api_key_list().filter(prefix=prefix).first()
    if api_key is None:
        raise NotFound("No such API key.")
    return api_key


def api_key_authenticate(*, key: str) -> ApiKey:
    """The usable key `key` is. A malformed key is refused without a query; otherwise one query
    by prefix and a constant-time comparison of the hash (ApiKeyManager.get_from_key).

    Raises ApiKeyRefused (malformed, unknown prefix or wrong secret: one answer for all three),
    ApiKeyRevoked or ApiKeyExpired (only once the secret matched).
    """
    try:
        api_key = ApiKey.objects.get_from_key(key)
    except ApiKey.DoesNotExist:
        raise ApiKeyRefused() from None
    if api_key.revoked:
        raise ApiKeyRevoked()
    if api_key.expiry_date is not None and api_key.expiry_date <= timezone.now():
        raise ApiKeyExpired(f"This API key expired at {api_key.expiry_date.isoformat()}.")
    return api_key
