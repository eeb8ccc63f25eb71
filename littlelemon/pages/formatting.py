"""How amounts and menu labels read on the pages."""

from littlelemon.core.money import CURRENCY_SYMBOLS, format_money  # noqa: F401 (the pages' filters use them)
from littlelemon.menu.enums import Allergen, DietaryTag


def dietary_label(tag: str) -> str:
    return DietaryTag(tag).label if tag in DietaryTag.values else tag


def allergen_label(code: str) -> str:
    return Allergen(code).label if code in Allergen.values else code.replace("-", " ").capitalize()
