"""The restaurant part of the benchmark dataset (see bench/datasets/__init__.py).

No opening hours and no closures: the restaurant is open around the clock, so the benchmark
can place ASAP orders and book tables whatever the time of day it runs (a restaurant with no
hours configured is always open: restaurant/selectors.py). The settings row gets a tax rate
and a delivery fee, so that totals are computed as a real restaurant's are.
"""

from decimal import Decimal

from bench.datasets import Dataset, dataset_part
from littlelemon.restaurant.models import RestaurantSettings

TAX_RATE = Decimal("8.250")
DELIVERY_FEE = Decimal("3.50")


@dataset_part("restaurant", models=("restaurant.OpeningHours", "restaurant.Closure"))
def seed_restaurant(dataset: Dataset) -> None:
    """Publishes `tax_rate` and `delivery_fee`."""
    RestaurantSettings.objects.update_or_create(
        pk=1, defaults={"tax_rate": TAX_RATE, "delivery_fee": DELIVERY_FEE, "minimum_order": Decimal("0.00")}
    )
    dataset.publish("restaurant", "tax_rate", TAX_RATE)
    dataset.publish("restaurant", "delivery_fee", DELIVERY_FEE)
