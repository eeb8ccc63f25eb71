"""Recomputing from the orders, and when it is due."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from littlelemon.core.periodic import periodic_jobs
from littlelemon.core.stamps import stamps_read
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.enums import OrderStatus
from littlelemon.recommendations import scoring
from littlelemon.recommendations.models import ItemPair, ItemPopularity, RecommendationState
from littlelemon.recommendations.services import baskets_from_orders, recommendations_due, recommendations_recompute
from littlelemon.recommendations.tasks import recommendations_refresh

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)


@pytest.fixture
def dishes():
    return [MenuItemFactory(title=title) for title in ("Falafel", "Hummus", "Water", "Cake")]


def test_orders_become_local_baskets_of_distinct_dishes(customer, place, dishes):
    falafel, hummus, *_ = dishes
    # 23:30 in Chicago on a Sunday is 05:30 UTC on Monday: the basket is Sunday night's.
    late = datetime(2026, 6, 7, 23, 30, tzinfo=TZ)
    order = place(customer, [falafel, hummus, falafel], at=late)
    place(customer, [hummus], status="pending_payment" if "pending_payment" in OrderStatus.values else "placed")

    baskets = list(baskets_from_orders())

    assert baskets[0].items == (falafel.pk, hummus.pk)
    assert baskets[0].customer == customer.pk
    assert (baskets[0].at.weekday(), baskets[0].at.hour) == (6, 23)
    assert order.pk


def test_recompute_writes_the_pairs_and_shares_the_scoring_computes(customer, other_customer, place, dishes, freeze):
    falafel, hummus, water, cake = dishes
    now = freeze(timezone.now())
    for _ in range(4):
        place(customer, [falafel, hummus], at=now - timedelta(days=1))
    place(other_customer, [cake], at=now - timedelta(days=2))
    place(other_customer, [water], at=now - timedelta(days=2))

    state = recommendations_recompute()

    expected = scoring.pair_scores(list(baskets_from_orders()))
    rows = {(p.item_id, p.other_id): (p.score, p.support) for p in ItemPair.objects.all()}
    assert rows == {
        (falafel.pk, hummus.pk): (pytest.approx(expected[falafel.pk][0][1]), 4),
        (hummus.pk, falafel.pk): (pytest.approx(expected[falafel.pk][0][1]), 4),
    }
    overall = dict(ItemPopularity.objects.filter(weekday=-1, daypart=-1).values_list("item_id", "share"))
    # Orders weigh 0.5 per POPULARITY_HALF_LIFE_DAYS of age: 4 a day old (a), 2 two days old (b).
    a, b = (0.5 ** (days / scoring.POPULARITY_HALF_LIFE_DAYS) for days in (1, 2))
    assert overall == {
        falafel.pk: pytest.approx(4 * a / (4 * a + 2 * b)),
        hummus.pk: pytest.approx(4 * a / (4 * a + 2 * b)),
        cake.pk: pytest.approx(b / (4 * a + 2 * b)),
        water.pk: pytest.approx(b / (4 * a + 2 * b)),
    }
    assert state.orders_seen == 6
    assert state.computed_at == now
    assert RecommendationState.objects.get().last_order_id == state.last_order_id


def test_recompute_replaces_everything_and_changes_the_stamp(customer, place, dishes):
    falafel, hummus, *_ = dishes
    for _ in range(3):
        place(customer, [falafel, hummus])
    recommendations_recompute()
    before = stamps_read(["recommendations"])
    hummus.delete()  # a dish taken off the menu: its scores go (cascade), orders keep their lines

    recommendations_recompute()

    assert not ItemPair.objects.exists()
    assert not ItemPopularity.objects.filter(item_id=hummus.pk).exists()
    assert stamps_read(["recommendations"]) != before


def test_due_nightly_and_after_enough_new_orders(customer, place, dishes, freeze, settings):
    settings.RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS = 3
    settings.RECOMMENDATIONS_RECOMPUTE_HOURS = 24
    now = freeze(timezone.now())
    assert recommendations_due()  # never computed
    recommendations_recompute()
    assert not recommendations_due()

    place(customer, [dishes[0]])
    place(customer, [dishes[1]])
    assert not recommendations_due()
    place(customer, [dishes[2]])
    assert recommendations_due()  # three new orders

    recommendations_recompute()
    freeze(now + timedelta(hours=23, minutes=59))
    assert not recommendations_due()
    freeze(now + timedelta(hours=24))
    assert recommendations_due()  # the night's


def test_the_periodic_task_recomputes_only_when_due(customer, place, dishes):
    assert recommendations_refresh.func() is True
    computed = RecommendationState.objects.get().computed_at

    assert recommendations_refresh.func() is False
    assert RecommendationState.objects.get().computed_at == computed
    assert "littlelemon.recommendations.tasks.recommendations_refresh" in [job.name for job in periodic_jobs()]
