"""What an order costs: line prices, the bill (delivery fee, tax, tip) and the quote a cart gets.

Money is `Decimal`, rounded to the cent half up (`littlelemon.core.money`). Totals are computed
here, on the server, never taken from the client. Pure functions: no queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from littlelemon.core.money import ZERO, percent_of, to_money
from littlelemon.menu.models import MenuItem
from littlelemon.restaurant.models import RestaurantSettings

from .enums import Fulfilment
from .exceptions import BelowMinimum, ItemUnavailable


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    delivery_fee: Decimal
    tax: Decimal
    tip: Decimal
    total: Decimal


def line_price(*, unit_price: Decimal, quantity: int) -> Decimal:
    return to_money(unit_price * quantity)


def order_totals(
    *, line_prices: list[Decimal], fulfilment: Fulfilment, tip: Decimal, settings: RestaurantSettings
) -> Totals:
    """The bill: the delivery fee only for deliveries; tax (`tax_rate` percent, rounded half up
    to the cent) on subtotal + delivery fee; the tip on top, untaxed."""
    subtotal = to_money(sum(line_prices, ZERO))
    delivery_fee = to_money(settings.delivery_fee) if fulfilment == Fulfilment.DELIVERY else ZERO
    tax = percent_of(subtotal + delivery_fee, settings.tax_rate)
    tip = to_money(tip)
    return Totals(subtotal, delivery_fee, tax, tip, subtotal + delivery_fee + tax + tip)


def _sold_out_message(titles: list[str]) -> str:
    names = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + f" and {titles[-1]}"
    verb = "is" if len(titles) == 1 else "are"
    return f"{names} {verb} sold out: remove {'it' if len(titles) == 1 else 'them'} from your cart to order."


class _Line(Protocol):
    """A cart line as `order_quote` reads it: a saved CartLine, or an unsaved one of a guest cart."""

    quantity: int

    @property
    def menuitem(self) -> MenuItem: ...


@dataclass(frozen=True)
class Quote:
    """What a cart would cost as an order now, and what would stop it being placed: the one
    computation behind both the cart and checkout pages and `order_place` itself."""

    totals: Totals
    line_prices: list[Decimal]
    unavailable: list[MenuItem]  # sold out (or out of today's portions) since they were put in the cart
    minimum_order: Decimal
    currency: str

    @property
    def short_of_minimum(self) -> Decimal:
        """How much more the subtotal needs to reach the minimum order (0.00 when it does)."""
        return max(ZERO, to_money(self.minimum_order) - self.totals.subtotal)

    def check(self) -> None:
        """Raises ItemUnavailable (naming the dishes) or BelowMinimum (saying by how much), as
        `order_place` does."""
        if self.unavailable:
            raise ItemUnavailable(
                _sold_out_message([item.title for item in self.unavailable]),
                extra={"unavailable": [{"menuitem": item.pk, "title": item.title} for item in self.unavailable]},
            )
        if self.short_of_minimum:
            subtotal, currency = self.totals.subtotal, self.currency
            raise BelowMinimum(
                f"The minimum order is {self.minimum_order} {currency} and your subtotal is {subtotal} {currency}: "
                f"add {self.short_of_minimum} {currency} more to order.",
                extra={
                    "minimum_order": str(self.minimum_order),
                    "subtotal": str(subtotal),
                    "short_by": str(self.short_of_minimum),
                },
            )


def order_quote(*, lines: Sequence[_Line], fulfilment: str, tip: Decimal = ZERO, settings: RestaurantSettings) -> Quote:
    """Price cart lines (dishes joined) as `order_place` will charge them: current menu prices,
    the delivery fee for a delivery, tax, the tip. No query."""
    prices = [line_price(unit_price=line.menuitem.price, quantity=line.quantity) for line in lines]
    return Quote(
        totals=order_totals(line_prices=prices, fulfilment=Fulfilment(fulfilment), tip=tip, settings=settings),
        line_prices=prices,
        unavailable=[line.menuitem for line in lines if line.menuitem.sold_out],
        minimum_order=settings.minimum_order,
        currency=settings.currency,
    )
