from decimal import Decimal

import pytest

from littlelemon.pages.formatting import allergen_label, dietary_label, format_money


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("7.99"), "USD", "$7.99"),
        (Decimal("1234.5"), "usd", "$1,234.50"),
        (Decimal("2.345"), "EUR", "€2.35"),  # half up, as a receipt
        ("0", "GBP", "£0.00"),
        (Decimal("-5"), "USD", "\N{MINUS SIGN}$5.00"),
        (Decimal("12.00"), "CHF", "12.00\N{NO-BREAK SPACE}CHF"),
    ],
)
def test_format_money(amount, currency, expected):
    assert format_money(amount, currency) == expected


def test_labels():
    assert dietary_label("gluten-free") == "Gluten-free"
    assert dietary_label("keto") == "keto"
    assert allergen_label("tree-nuts") == "Tree nuts"
    assert allergen_label("sulphites") == "Sulphur dioxide and sulphites"
    assert allergen_label("pine-nuts") == "Pine nuts"
