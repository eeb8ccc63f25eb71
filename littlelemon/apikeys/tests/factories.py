"""API keys for tests: issued through the model's manager (the services are tested on their own)."""

from typing import Any

from rest_framework.test import APIClient

from littlelemon.apikeys.models import ApiKey


def issue_key(scopes: list[str], *, name: str = "Front-desk POS", **fields: Any) -> tuple[ApiKey, str]:
    """(the key's row, the key itself)."""
    return ApiKey.objects.create_key(name=name, scopes=scopes, **fields)


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
