"""Request body parsers: DRF's, strict about what no honest client sends.

Every API body passes through here, so these rules hold for every endpoint, present and future:

- JSON with a key twice (`{"price": 1, "price": 100}`) is refused: a proxy or log reading the
  first value and the application the last is how such bodies smuggle values past checks.
- JSON nested deeper than `MAX_DEPTH` is refused (Python's decoder would otherwise raise
  RecursionError, a 500).
- Text with control characters other than tab, line feed and carriage return is refused in any
  value or key, JSON or form: NUL cannot be stored by PostgreSQL, the others cannot be written
  to XML and only ever come from junk or attacks (terminal escapes in logs).
- Text with an unpaired UTF-16 surrogate (`"\\ud800"` in JSON) is refused: it cannot be encoded
  to UTF-8, so no database can store it.

A refusal is a 400 naming the field: `{"fields": {"items[0].note": ["..."]}}`.
"""

import codecs
import json
import re
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32

_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
UNSAFE_TEXT_MESSAGE = "Text may not contain control characters (other than tab and line breaks) or unpaired surrogates."


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _child_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_text(data: Any, path: str = "") -> None:
    """Raise ValidationError naming the first unsafe string (key or value) in parsed `data`.

    Iterative, so a deep structure cannot exhaust the stack; refuses nesting beyond MAX_DEPTH.
    """
    stack: list[tuple[Any, str, int]] = [(data, path, 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(f"The body is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(value, str):
            if _UNSAFE_TEXT.search(value):
                raise ValidationError({path or "non_field_errors": [UNSAFE_TEXT_MESSAGE]})
        elif isinstance(value, dict):
            for key, child in value.items():
                child_path = _child_path(path, key)
                if _UNSAFE_TEXT.search(key):
                    raise ValidationError({path or "non_field_errors": [UNSAFE_TEXT_MESSAGE]})
                stack.append((child, child_path, depth + 1))
        elif isinstance(value, list):
            stack.extend((child, _child_path(path, index), depth + 1) for index, child in enumerate(value))


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                object_pairs_hook=_unique_keys,
                parse_constant=_refuse_constant,
            )
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.") from None
        except ValueError as exc:  # also UnicodeDecodeError: bytes that are not UTF-8
            raise ParseError(f"JSON parse error - {exc}") from None
        check_text(data)
        return data


def _check_form(data) -> None:
    for key, values in data.lists():
        check_text({key: None})
        for value in values:
            check_text(value, path=key)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _check_form(parsed.data)
        return parsed
