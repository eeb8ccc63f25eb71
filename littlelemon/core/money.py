"""Money is Decimal with two places, rounded half up, never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to cents, half up (2.345 -> 2.35), as a receipt does."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent`% of `amount`, rounded to cents half up."""
    return to_money(amount * percent / Decimal(100))


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
