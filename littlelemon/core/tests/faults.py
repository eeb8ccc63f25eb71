"""Fault injection for tests: make one step of a service fail, then prove nothing was half-written.

    with fail_on("littlelemon.audit.services.audit_record"):  # the n-th call raises
        with pytest.raises(InjectedFault):
            menu_item_update(item=item, data={"price": "1.00"}, actor=manager)
    assert rows(MenuItem, AuditEntry) == before

Patch the name where the service looks it up (`littlelemon.orders.placement.event_record` if the
orders module imported it by name). For the order and booking services: break the step after
the first writes (the order items' bulk insert, the outbox event) and assert the order, its
items, the cart and the outbox are exactly as before.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pkgutil import resolve_name
from typing import Any
from unittest import mock

from django.db import models


class InjectedFault(Exception):
    """The failure a test injected; nothing in the code under test raises it on its own."""


@contextmanager
def fail_on(target: str, *, call: int = 1, exception: BaseException | None = None) -> Iterator[mock.MagicMock]:
    """Let `target` (a dotted path) work normally except on its `call`-th call, which raises
    `exception` (InjectedFault by default) instead of running."""
    original = resolve_name(target)
    calls = 0

    def maybe_fail(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call:
            raise exception or InjectedFault(f"injected fault in {target} (call {call})")
        return original(*args, **kwargs)

    with mock.patch(target, side_effect=maybe_fail) as patched:
        yield patched


def rows(*tables: type[models.Model]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the given tables, to compare before and after a failed operation."""
    return {table._meta.label: list(table.objects.order_by("pk").values()) for table in tables}
