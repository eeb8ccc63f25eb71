"""Renderers for `Accept` / `?format=`: JSON (default), XML, CSV and YAML.

CSV flattens a page to its `results` and neutralises cells a spreadsheet would run as a
formula (CSV injection): a value starting with = + - @ or a control character gets a leading
apostrophe.
"""

from typing import Any

from rest_framework_csv import renderers as csv_renderers
from rest_framework_xml import renderers as xml_renderers
from rest_framework_yaml import renderers as yaml_renderers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class XMLRenderer(xml_renderers.XMLRenderer):
    root_tag_name = "response"


class YAMLRenderer(yaml_renderers.YAMLRenderer):
    pass


class CSVRenderer(csv_renderers.CSVRenderer):
    def render(self, data: Any, media_type: str | None = None, renderer_context: dict | None = None, writer_opts=None):
        if isinstance(data, dict) and "results" in data and isinstance(data["results"], list):
            data = data["results"]
        return super().render(data, media_type, renderer_context or {})

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
