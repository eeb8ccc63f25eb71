import re
from pathlib import Path

import pytest
from django.db import transaction

from littlelemon.core.tests.receivers import http_receiver
from littlelemon.events.models import OutboxEvent
from littlelemon.events.services import event_record
from littlelemon.notifications.webhooks import services

DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


@pytest.fixture
def loopback_allowed(settings):
    """Tests reach their receiver on 127.0.0.1 over http: allow both, as the docs say to."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    return settings


@pytest.fixture
def receiver(loopback_allowed):
    """A real HTTP receiver on 127.0.0.1 (core/tests/receivers.py)."""
    with http_receiver() as receiver:
        yield receiver


@pytest.fixture
def make_endpoint(loopback_allowed, manager):
    def make(url: str = "http://127.0.0.1:9/hook", event_types=("order.placed",), **kwargs):
        return services.webhook_endpoint_create(url=url, event_types=list(event_types), actor=manager, **kwargs)

    return make


def record_event(type: str = "order.placed", aggregate_id: int = 1, **payload) -> OutboxEvent:
    with transaction.atomic():
        return event_record(
            type=type, aggregate=type.split(".")[0], aggregate_id=aggregate_id, payload=payload or {"order_id": 1}
        )


def documented_verify():
    """The `verify` function of docs/webhooks.md, executed from the doc itself so it cannot drift."""
    text = DOCS.read_text()
    block = re.search(r"<!-- verify-snippet[^>]*-->\s*```python\n(.*?)```", text, re.DOTALL)
    assert block, "docs/webhooks.md has lost its verification snippet"
    namespace: dict = {}
    exec(compile(block.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify"]
