from decimal import Decimal

import pytest

from littlelemon.core.money import percent_of, to_money


@pytest.mark.parametrize(
    ("value", "expected"), [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), (3, "3.00")]
)
def test_to_money_rounds_half_up_to_cents(value, expected):
    assert to_money(value) == Decimal(expected)


def test_percent_of():
    assert percent_of(Decimal("19.99"), Decimal("8.875")) == Decimal("1.77")
