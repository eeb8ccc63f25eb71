"""Data-driven attack and junk inputs: declare an endpoint once, get every hostile body thrown at it.

A `Target` is an endpoint that takes a body, the role that may call it, a valid body, and which
of its fields are free text, constrained strings or numbers. From that, test_attack_inputs.py
derives, for every target:

- bodies no client should send (malformed JSON, duplicate keys, deep nesting, wrong types,
  huge, negative and over-precise numbers, 1 MB strings, control characters, a body over the
  size limit, an unsupported content type): each must be a 4xx in the API's error shape that
  changed nothing in the database;
- text a client may send (any script, emoji and right-to-left marks, markup, SQL-looking
  strings, template syntax): each must be stored exactly as sent, and escaped where shown
  (the admin, CSV exports).

Adding an endpoint (cart lines, orders, bookings) is adding a `Target` row.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from conftest import api_client_for, user_with_role
from littlelemon.audit.models import AuditEntry
from littlelemon.core.tests.faults import rows


@dataclass(frozen=True)
class Number:
    """A numeric field, with the in-range-looking values that its rules refuse."""

    name: str
    kind: str  # "integer" or "decimal"
    refused: tuple[Any, ...] = ()  # e.g. zero and negatives for a price


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str  # may hold {placeholders} filled from `setup`
    role: str
    valid: Callable[[dict[str, Any]], dict[str, Any]]
    models: tuple[type[models.Model], ...]  # tables a refused request must leave as they were
    text: tuple[str, ...] = ()  # free text, stored and shown: any character but controls
    strings: tuple[str, ...] = ()  # constrained strings (slugs, e-mail addresses, usernames)
    numbers: tuple[Number, ...] = ()
    setup: Callable[[Any], dict[str, Any]] = field(default=lambda user: {})
    stored: Callable[[dict[str, Any], dict[str, Any]], models.Model] | None = None  # (ctx, response body) -> row
    listed_at: str | None = None  # the list that shows what it stores (for the CSV export)
    refusals: frozenset[int] = frozenset({400})  # what a refused value gets

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Call:
    response: Any
    context: dict[str, Any]
    before: dict[str, list[dict[str, Any]]]  # the target's tables just before the request

    def body(self) -> Any:
        return self.response.json()


def call(target: Target, body: Callable[[dict[str, Any]], Any], *, content_type: str = "application/json") -> Call:
    """Send `body(context)` to `target` as a fresh user in its role: a dict or list is encoded as
    JSON, str and bytes go as they are."""
    user = user_with_role(target.role)
    context = target.setup(user)
    client = api_client_for(user)
    data = body(context)
    if not isinstance(data, str | bytes):
        data = json.dumps(data)
    before = database_state(target)
    response = client.generic(target.method, target.path.format(**context), data, content_type=content_type)
    return Call(response, context, before)


def database_state(target: Target) -> dict[str, list[dict[str, Any]]]:
    """Every row of the target's tables (and the audit trail): what a refusal must not change."""
    return rows(*target.models, AuditEntry)


# --- bodies that are refused whatever the endpoint -----------------------------------------

MALFORMED_BODIES: dict[str, bytes | str] = {
    "truncated JSON": '{"title": ',
    "not JSON at all": "title=Soup",
    "a JSON list instead of an object": "[1, 2, 3]",
    "a bare JSON string": '"Soup"',
    "JSON null": "null",
    "NaN, which JSON does not have": '{"price": NaN}',
    "Infinity, which JSON does not have": '{"price": Infinity}',
    "bytes that are not UTF-8": b'{"title": "\xff\xfe"}',
    "a trailing comma": '{"title": "Soup",}',
    "nesting 100 levels deep": '{"title": ' + "[" * 100 + "]" * 100 + "}",
    "nesting 100000 levels deep": "[" * 100_000 + "]" * 100_000,
    "an unpaired surrogate": '{"title": "\\ud800"}',
}


def duplicate_key_body(valid: dict[str, Any]) -> str:
    """The valid body with its first field given twice, the second time with another value."""
    first, value = next(iter(valid.items()))
    inner = json.dumps(valid)[1:-1]
    return "{" + inner + ", " + json.dumps(first) + ": " + json.dumps(_other(value)) + "}"


def _other(value: Any) -> Any:
    if isinstance(value, str):
        return value + " (second)"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return None


# --- values refused in one field -------------------------------------------------------------

ONE_MEGABYTE = "x" * 1_000_000

TEXT_JUNK: dict[str, Any] = {
    "a list": ["Soup"],
    "an object": {"title": "Soup"},
    "a 1 MB string": ONE_MEGABYTE,
    "a NUL byte": "Soup\x00",
    "an escape sequence": "\x1b[31mSoup",
    "a bell": "Soup\x07",
    "a backspace": "Soup\x08\x08\x08\x08Pie",
}

NUMBER_JUNK: dict[str, Any] = {
    "letters": "abc",
    "a list": [1],
    "an object": {"value": 1},
    "a boolean": True,
    "10**30": 10**30,
    "-10**30": -(10**30),
    "1e308": 1e308,
    "10 decimal places": "1.1234567890",
}

INTEGER_ONLY_JUNK: dict[str, Any] = {"a fraction": 1.5, "a fraction as text": "2.5"}


def field_junk(target: Target) -> list[tuple[str, str, Any]]:
    """(field, description, value) for every refused single-field value of `target`."""
    cases = [(name, what, value) for name in (*target.text, *target.strings) for what, value in TEXT_JUNK.items()]
    for number in target.numbers:
        junk = dict(NUMBER_JUNK)
        if number.kind == "integer":
            junk |= INTEGER_ONLY_JUNK
        junk |= {f"out of range ({value!r})": value for value in number.refused}
        cases += [(number.name, what, value) for what, value in junk.items()]
    return cases


# --- text that must be accepted and stored exactly ------------------------------------------

ACCEPTED_TEXT: dict[str, str] = {
    "accents and an emoji": "Crème brûlée 🍋",
    "Arabic": "مطعم الليمون",
    "Chinese": "柠檬小馆",
    "a right-to-left override": "\u202egnp.exe",
    "a combining accent": "Cafe\u0301",
    "a zero-width space": "Lem\u200bon",
    "mathematical letters": "𝔏𝔢𝔪𝔬𝔫",
    "a script tag": "<script>alert(1)</script>",
    "an image with onerror": '<img src=x onerror="alert(1)">',
    "SQL": "'; DROP TABLE menu_menuitem; --",
    "SQL tautology": "' OR '1'='1",
    "template syntax": "{{ 7*7 }} {% now %} ${7*7}",
    "a spreadsheet formula": '=HYPERLINK("http://x")',
    "tab and new line": "Soup\tof the\nday",
}

HOSTILE_MARKUP = "<script>alert('pwned')</script>"


def over_the_limit_body() -> str:
    return '{"title": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + '"}'
