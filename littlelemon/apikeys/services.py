"""Issuing and revoking API keys, and noting their use.

Issuing and revoking are recorded in the audit trail (`api_key.issue`, `api_key.revoke`).
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from littlelemon.accounts.permissions import is_manager
from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import InvalidInput, PermissionDenied

from . import scopes as scope_names
from .models import ApiKey

MAX_NAME_LENGTH = 50  # AbstractAPIKey.name
# `last_used_at` is written at most this often per key: one conditional UPDATE a minute, not one a request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _check_issuer(actor: Any) -> None:
    if not is_manager(actor):
        raise PermissionDenied("Only managers and admins issue and revoke API keys.")


def api_key_scopes_clean(scopes: Any) -> list[str]:
    """The scopes as stored: known ones, each once, in SCOPES order. Raises InvalidInput
    (not a list of strings, empty, or naming an unknown scope)."""
    if not isinstance(scopes, list | tuple) or not all(isinstance(scope, str) for scope in scopes):
        raise InvalidInput("Scopes are a list of scope names.", field="scopes")
    unknown = scope_names.unknown_scopes(scopes)
    if unknown:
        raise InvalidInput(
            f"Unknown scope{'s' if len(unknown) > 1 else ''}: {', '.join(sorted(set(unknown)))}. "
            f"Known scopes: {', '.join(scope_names.SCOPES)}.",
            field="scopes",
        )
    if not scopes:
        raise InvalidInput("Give the key at least one scope.", field="scopes")
    return scope_names.normalised(scopes)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Name the key after the integration that will use it.", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"A key's name has at most {MAX_NAME_LENGTH} characters.", field="name")
    return name


def _clean_expiry(expiry_date: datetime | None, *, now: datetime) -> datetime | None:
    if expiry_date is not None and expiry_date <= now:
        raise InvalidInput("The expiry must be in the future.", field="expiry_date")
    return expiry_date


@transaction.atomic
def api_key_issue(*, actor: Any, name: str, scopes: Any, expiry_date: datetime | None = None) -> tuple[ApiKey, str]:
    """Issue a key with `scopes` for the integration `name`; returns the key row and the key
    itself, which is not stored anywhere (only its hash): the caller shows it once.

    Raises PermissionDenied (not a manager or admin), InvalidInput (name, scopes, expiry).
    """
    _check_issuer(actor)
    name = _clean_name(name)
    scopes = api_key_scopes_clean(scopes)
    expiry_date = _clean_expiry(expiry_date, now=timezone.now())
    api_key, key = ApiKey.objects.create_key(
        name=name, scopes=scopes, expiry_date=expiry_date, created_by=actor if actor.pk else None
    )
    audit_record(
        actor=actor,
        action="api_key.issue",
        target=api_key,
        changes={
            "prefix": {"before": None, "after": api_key.prefix},
            "scopes": {"before": None, "after": scopes},
            "expiry_date": {"before": None, "after": expiry_date.isoformat() if expiry_date else None},
        },
    )
    return api_key, key


@transaction.atomic
def api_key_revoke(*, actor: Any, api_key: ApiKey) -> ApiKey:
    """Revoke a key for good: from now on it authenticates nothing (401). Revoking a revoked
    key changes nothing. Locks the key's row. Raises PermissionDenied (not a manager or admin)."""
    _check_issuer(actor)
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked:
        return api_key
    api_key.revoked = True
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked", "revoked_at"])
    audit_record(
        actor=actor, action="api_key.revoke", target=api_key, changes={"revoked": {"before": False, "after": True}}
    )
    return api_key


def api_key_used(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Note that the key authenticated a request: at most one conditional UPDATE a minute per
    key (none when the row just read is recent), so concurrent requests write it once."""
    now = now or timezone.now()
    stale_before = now - LAST_USED_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at > stale_before:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before)
    ApiKey.objects.filter(stale, pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
