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
