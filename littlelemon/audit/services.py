"""Recording changes in the audit trail. Domain services call these inside their transaction.

    before = audit_snapshot(item)
    ...  # change and save item
    audit_record(actor=actor, action="menu_item.update", target=item,
                 changes=audit_changes(before, audit_snapshot(item)))

A create is `audit_changes({}, audit_snapshot(obj))`, a delete `audit_changes(audit_snapshot(obj), {})`
(recorded before the row goes, while it still has its id).
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from .context import current_origin
from .models import AuditEntry

#: Bookkeeping columns that change on every save and say nothing about the change.
_IGNORED = {"id", "created", "updated", "password", "last_login"}


def audit_snapshot(instance: models.Model, *, fields: list[str] | None = None) -> dict[str, Any]:
    """The instance's column values as JSON-ready data: a relation is written as the related
    object's text (a category's title), a file as its name, Decimals and dates as strings."""
    snapshot: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in _IGNORED or (fields is not None and field.name not in fields):
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            value = None if related is None else str(related)
        else:
            value = field.value_from_object(instance)
            if isinstance(value, models.fields.files.FieldFile):
                value = value.name or ""
        snapshot[field.name] = value
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`{field: {"before": ..., "after": ...}}` for every field whose value differs (a field
    present on one side only counts as None on the other)."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry, inside the caller's transaction.

    `actor` is the user who made the change (None, or an anonymous user, for scripts), or an
    integration (littlelemon.apikeys.principal), recorded by name: `api-key:<name> (<prefix>)`.
    `target` fills object_type/object_id/object_repr from a model instance; pass them
    explicitly for something that is not one. The client address and user agent come from
    the current request, when there is one (littlelemon.audit.context).

    Raises RuntimeError outside a transaction: an entry must commit or roll back with its change.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the transaction that makes the change")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
        object_repr = object_repr or str(target)
    if actor is not None and not actor.is_authenticated:
        actor = None
    # An integration (a request made with an API key) is no user: it is named, not linked.
    actor_name = actor.get_username() if actor else ""
    if getattr(actor, "is_integration", False):
        actor = None
    origin = current_origin()
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        changes=changes or {},
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
    )
