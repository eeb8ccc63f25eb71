"""Renderers for `Accept` / `?format=`: JSON (default), XML, CSV and YAML.

CSV flattens a page to its `results` and neutralises cells a spreadsheet would run as a
formula (CSV injection): a value starting with = + - @ or a control character gets a leading
apostrophe. An empty list is its header row, so the response is still a CSV document.

XML cannot carry most control characters, nor use any string as an element name: text is
written with such characters replaced by U+FFFD, and a key that is not an XML name (a list
index in a validation error, say) becomes `<item key="...">`. Whatever is stored, the
renderer produces a well-formed document instead of an error.
"""

import re
from typing import Any

from django.utils.encoding import force_str
from rest_framework_csv import renderers as csv_renderers
from rest_framework_xml import renderers as xml_renderers
from rest_framework_yaml import renderers as yaml_renderers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class XMLRenderer(xml_renderers.XMLRenderer):
    root_tag_name = "response"

    def _to_xml(self, xml, data):
        if isinstance(data, dict):
            for key, value in data.items():
                name = str(key)
                if _XML_NAME.match(name) and not name.lower().startswith("xml"):
                    xml.startElement(name, {})
                    self._to_xml(xml, value)
                    xml.endElement(name)
                else:
                    xml.startElement("item", {"key": _NOT_XML_TEXT.sub("\ufffd", name)})
                    self._to_xml(xml, value)
                    xml.endElement("item")
        elif isinstance(data, list | tuple) or data is None:
            super()._to_xml(xml, data)
        else:
            xml.characters(_NOT_XML_TEXT.sub("\ufffd", force_str(data)))


class YAMLRenderer(yaml_renderers.YAMLRenderer):
    pass


class CSVRenderer(csv_renderers.CSVRenderer):
    def render(self, data: Any, media_type: str | None = None, renderer_context: dict | None = None, writer_opts=None):
        if data is None:  # a 204
            return b""
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and "results" in data and isinstance(data["results"], list):
            data = data["results"]
        if data == [] and "header" not in renderer_context:
            renderer_context = {**renderer_context, "header": self._header_for(renderer_context.get("view"))}
        return super().render(data, media_type, renderer_context) or b"\r\n"

    @staticmethod
    def _header_for(view: Any) -> list[str] | None:
        """The columns an empty list would have had: the view's serializer fields, sorted as
        the rows' columns are."""
        get_serializer = getattr(view, "get_serializer", None)
        if get_serializer is None:
            return None
        try:
            fields = get_serializer().fields
        except Exception:  # a view whose serializer needs context it lacks: no header row
            return None
        return sorted(name for name, field in fields.items() if not field.write_only)

    def flatten_list(self, values: list) -> dict[str, Any]:
        # A list of plain values (tags, allergens) is one cell, not a column per element.
        if all(not isinstance(value, dict | list) for value in values):
            return {"": ", ".join(str(value) for value in values)}
        return super().flatten_list(values)

    def flatten_item(self, item: Any) -> dict[str, Any]:
        flat = super().flatten_item(item)
        return {key: self._safe(value) for key, value in flat.items()}

    @staticmethod
    def _safe(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            return "'" + value
        return value
