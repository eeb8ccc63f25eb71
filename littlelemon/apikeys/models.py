"""API keys: djangorestframework-api-key's model (prefix, hashed key, name, revoked, expiry,
created) with the scopes, the last use and who issued it.

Two departures from the library, both in this module:

- The primary key is an integer. The library's is `<prefix>.<hash>`, which would copy the hash
  into every foreign key, URL and admin log entry that names a key.
- `get_from_key` checks the key's shape before any query, so a malformed key never reaches the
  database (the library looks up whatever precedes the first "." as the prefix), and tells a
  revoked or expired key apart only after its secret has been verified.
"""

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from . import scopes as scope_names

PREFIX_LENGTH = 8
SECRET_LENGTH = 32
# What the library's KeyGenerator makes: get_random_string()'s letters and digits.
KEY_PATTERN = re.compile(rf"([A-Za-z0-9]{{{PREFIX_LENGTH}}})\.[A-Za-z0-9]{{{SECRET_LENGTH}}}")


class ApiKeyManager(BaseAPIKeyManager):
    def assign_key(self, obj: "ApiKey") -> str:
        """Give `obj` a new key (its prefix and hash) and return the key, which is not stored."""
        key, prefix, hashed_key = self.key_generator.generate()
        obj.prefix = prefix
        obj.hashed_key = hashed_key
        return key

    def get_usable_keys(self) -> models.QuerySet:
        return self.filter(revoked=False).filter(
            models.Q(expiry_date__isnull=True) | models.Q(expiry_date__gt=timezone.now())
        )

    def get_from_key(self, key: str) -> "ApiKey":
        """The key whose prefix and secret match `key`, revoked and expired ones included (the
        caller tells them apart). One query by prefix; none for a malformed key. The secret is
        compared in constant time (the library's SHA-512 hasher). Raises DoesNotExist."""
        match = KEY_PATTERN.fullmatch(key)
        if match is None:
            raise self.model.DoesNotExist("Malformed key.")
        api_key = self.filter(prefix=match[1]).first()
        if api_key is None or not api_key.is_valid(key):
            raise self.model.DoesNotExist("Key is not valid.")
        return api_key


class ApiKey(AbstractAPIKey):
    id = models.BigAutoField(primary_key=True)
    scopes = models.JSONField(default=list, blank=True, help_text="Some of: " + ", ".join(scope_names.SCOPES))
    last_used_at = models.DateTimeField(
        null=True, blank=True, help_text="When the key last authenticated a request (to the minute)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        ordering = ["-created", "-id"]
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def grants(self, scope: str) -> bool:
        return scope_names.grants(self.scopes, scope)
