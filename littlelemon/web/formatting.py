"""How amounts and menu labels read on the pages."""

from decimal import Decimal

from littlelemon.core.money import to_money
from littlelemon.menu.enums import Allergen, DietaryTag

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "JPY": "¥",
    "INR": "₹",
    "MXN": "MX$",
    "BRL": "R$",
}


def format_money(amount: Decimal | int | str, currency: str) -> str:
    """`$1,234.50` for a known currency symbol, `1,234.50 CHF` otherwise; never float."""
    amount = to_money(amount)
    number = f"{abs(amount):,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    text = f"{symbol}{number}" if symbol else f"{number}\N{NO-BREAK SPACE}{currency.upper()}"
    return f"\N{MINUS SIGN}{text}" if amount < 0 else text


def dietary_label(tag: str) -> str:
    return DietaryTag(tag).label if tag in DietaryTag.values else tag


def allergen_label(code: str) -> str:
    return Allergen(code).label if code in Allergen.values else code.replace("-", " ").capitalize()
