"""What an order costs: line prices, the bill (delivery fee, tax, tip) and the quote a cart gets.

Money is `Decimal`, rounded to the cent half up (`littlelemon.core.money`). Totals are computed
here, on the server, never taken from the client. Pure functions: no queries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from littlelemon.core.money import ZERO, percent_of, to_money
from littlelemon.menu.exceptions import OptionsInvalid
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


def _names(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + f" and {titles[-1]}"


def _sold_out_message(items: list[MenuItem]) -> str:
    """ "Soup is sold out: remove it ..."; archived dishes are "no longer on the menu"."""
    sold_out = [item.title for item in items if not item.archived]
    archived = [item.title for item in items if item.archived]
    parts = [
        f"{_names(titles)} {'is' if len(titles) == 1 else 'are'} {what}"
        for titles, what in ((sold_out, "sold out"), (archived, "no longer on the menu"))
        if titles
    ]
    return f"{'; '.join(parts)}: remove {'it' if len(items) == 1 else 'them'} from your cart to order."


class _Line(Protocol):
    """A cart line as `order_quote` reads it: a saved CartLine, or an unsaved one of a guest cart."""

    quantity: int

    @property
    def menuitem(self) -> MenuItem: ...

    @property
    def unit_price(self) -> Decimal: ...


@dataclass(frozen=True)
class Quote:
    """What a cart would cost as an order now, and what would stop it being placed: the one
    computation behind both the cart and checkout pages and `order_place` itself."""

    totals: Totals
    line_prices: list[Decimal]
    unavailable: list[MenuItem]  # sold out, archived or out of today's portions since they were put in the cart
    option_problems: list[str]  # lines whose options no longer hold (a choice ran out, left the dish)
    minimum_order: Decimal
    currency: str

    @property
    def short_of_minimum(self) -> Decimal:
        """How much more the subtotal needs to reach the minimum order (0.00 when it does)."""
        return max(ZERO, to_money(self.minimum_order) - self.totals.subtotal)

    @property
    def off_the_menu(self) -> list[MenuItem]:
        """The cart's dishes archived since they were put in it."""
        return [item for item in self.unavailable if item.archived]

    @property
    def unavailable_message(self) -> str:
        """What stops the order for its dishes (sold out, off the menu); "" when nothing does."""
        return _sold_out_message(self.unavailable) if self.unavailable else ""

    def check(self) -> None:
        """Raises ItemUnavailable (naming the dishes) or BelowMinimum (saying by how much), as
        `order_place` does."""
        if self.unavailable:
            raise ItemUnavailable(
                _sold_out_message(self.unavailable),
                extra={"unavailable": [{"menuitem": item.pk, "title": item.title} for item in self.unavailable]},
            )
        if self.option_problems:
            raise OptionsInvalid(
                " ".join(self.option_problems) + " Change or remove the line to order.",
                extra={"problems": self.option_problems},
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
    """Price cart lines (dishes joined, options priced: `menu.options.lines_priced`) as
    `order_place` will charge them: current menu prices with the options', the delivery fee for a
    delivery, tax, the tip. No query."""
    prices = [line_price(unit_price=line.unit_price, quantity=line.quantity) for line in lines]
    return Quote(
        totals=order_totals(line_prices=prices, fulfilment=Fulfilment(fulfilment), tip=tip, settings=settings),
        line_prices=prices,
        unavailable=[line.menuitem for line in lines if not line.menuitem.orderable],
        option_problems=[problem for line in lines if (problem := getattr(line, "options_problem", ""))],
        minimum_order=settings.minimum_order,
        currency=settings.currency,
    )
