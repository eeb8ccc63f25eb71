"""The arithmetic on tiny histories whose scores are computed by hand."""

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from littlelemon.recommendations import scoring
from littlelemon.recommendations.scoring import ANY, Basket

MONDAY_NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # a Monday, lunch


def basket(*items, at=MONDAY_NOON, customer=1):
    return Basket(customer=customer, at=at, items=items)


@pytest.mark.parametrize(
    ("hour", "part"),
    [(5, "breakfast"), (10, "breakfast"), (11, "lunch"), (14, "lunch"), (15, "afternoon"), (17, "dinner"),
     (21, "dinner"), (22, "night"), (23, "night"), (0, "night"), (4, "night")],
)  # fmt: skip
def test_every_hour_has_one_part_of_the_day(hour, part):
    assert scoring.DAYPARTS[scoring.daypart_of(hour)][0] == part


class TestPairScores:
    def test_the_shrunk_lift_by_hand(self):
        # 4 orders; dishes 1 and 2 together 3 times: E = 3·3/4 = 2.25, score = log((3 + 1) / (2.25 + 1)).
        history = [basket(1, 2), basket(1, 2), basket(1, 2), basket(3)]

        pairs = scoring.pair_scores(history, shrinkage=1.0, min_support=2)

        assert pairs[1] == [(2, pytest.approx(math.log(4 / 3.25)), 3)]
        assert pairs[2] == [(1, pytest.approx(math.log(4 / 3.25)), 3)]
        assert 3 not in pairs

    def test_a_dish_in_every_order_goes_with_nothing_in_particular(self):
        # Water (9) is in every order: its lift with anything is exactly 1, its score 0: not kept.
        history = [basket(1, 2, 9), basket(1, 2, 9), basket(3, 4, 9), basket(3, 4, 9), basket(5, 9)]

        pairs = scoring.pair_scores(history, min_support=1)

        assert 9 not in pairs
        assert [other for other, *_ in pairs[1]] == [2]

    def test_shrinkage_ranks_a_pair_seen_often_above_a_rare_pair_of_equal_lift(self):
        # (1, 2): 20 orders of 100 hold both, each alone in 20: lift 5. (3, 4): 1 order of both,
        # each alone in 1: lift 100, but seen once.
        history = [basket(1, 2)] * 20 + [basket(3, 4)] + [basket(5)] * 79

        pairs = scoring.pair_scores(history, min_support=1)

        assert pairs[1][0][1] > pairs[3][0][1]

    def test_pairs_seen_fewer_times_than_the_minimum_are_dropped(self):
        history = [basket(1, 2), basket(1, 2), basket(3)] * 1

        assert scoring.pair_scores(history, min_support=3) == {}

    def test_keeps_the_best_partners_only(self):
        history = [basket(1, other) for other in range(2, 12) for _ in range(3)] + [basket(99)] * 30

        pairs = scoring.pair_scores(history, min_support=3, top=4)

        assert len(pairs[1]) == 4


class TestPopularity:
    def test_shares_by_slot_with_age_weights_by_hand(self):
        now = MONDAY_NOON
        # Dish 1 at Monday lunch now (weight 1), dish 2 at Monday lunch one half-life ago (weight
        # 0.5), dish 3 on a Tuesday evening now.
        history = [
            basket(1, at=now),
            basket(2, at=now - timedelta(days=28)),
            basket(3, at=now - timedelta(days=6) + timedelta(hours=7)),
        ]

        slots = scoring.popularity_scores(history, now=now, half_life_days=28)

        monday_lunch = (0, scoring.daypart_of(12))
        assert slots[monday_lunch] == {1: pytest.approx(1 / 1.5), 2: pytest.approx(0.5 / 1.5)}
        assert 3 not in slots[monday_lunch]
        everything = slots[ANY, ANY]
        total = 1 + 0.5 + 0.5 ** (6 / 28 - 7 / 24 / 28)
        assert everything[1] == pytest.approx(1 / total)

    def test_popular_now_blends_the_slot_the_part_of_the_day_and_all(self):
        slots = {(0, 1): {1: 1.0}, (ANY, 1): {2: 1.0}, (ANY, ANY): {3: 1.0}}

        blended = scoring.popular_now(slots, weekday=0, daypart=1)

        assert blended == {1: 0.5, 2: 0.35, 3: 0.15}
        assert scoring.popular_now(slots, weekday=3, daypart=1) == {2: 0.35, 3: 0.15}


class TestUsuals:
    def test_recent_and_frequent_dishes_with_the_last_order_lifted(self):
        now = MONDAY_NOON
        history = [
            basket(1, 2, at=now - timedelta(days=60)),  # weight 0.5 (one half-life)
            basket(1, at=now - timedelta(days=120)),  # weight 0.25
            basket(3, at=now - timedelta(days=1)),  # the last order: + LAST_ORDER_BONUS
        ]

        scores = scoring.usual_scores(history, now=now, half_life_days=60)

        assert scores[1] == pytest.approx(0.75)
        assert scores[2] == pytest.approx(0.5)
        assert scores[3] == pytest.approx(0.5 ** (1 / 60) + scoring.LAST_ORDER_BONUS)
        assert scoring.usual_scores([], now=now) == {}


class TestRanking:
    def test_cart_scores_sum_over_the_carts_dishes(self):
        pairs = {1: [(3, 0.5, 4)], 2: [(3, 0.25, 4), (4, 1.0, 9)]}

        assert scoring.cart_pair_scores(pairs, [1, 2]) == {3: 0.75, 4: 1.0}

    def test_popularity_times_lift(self):
        scores = scoring.with_popularity({3: math.log(4)}, {3: 0.1, 5: 0.3})

        # 3 is a third as popular as 5 but four times as likely with the cart: it comes first.
        assert scores[3] == pytest.approx(math.log(0.4))
        assert scores[5] == pytest.approx(math.log(0.3))
        assert scoring.ranked(scores, limit=2) == [3, 5]

    def test_ranked_excludes_and_fills_from_the_fallback(self):
        ranked = scoring.ranked({1: 2.0, 2: 1.0}, limit=3, exclude=[1], fallback={7: 0.5, 8: 0.9})

        assert ranked == [2, 8, 7]
        assert scoring.ranked({1: 2.0, 2: 1.0}, limit=5, allowed={2}) == [2]

    def test_the_random_baseline_never_offers_an_excluded_dish(self):
        drawn = scoring.random_ranking(list(range(10)), limit=5, exclude=[0, 1], rng=random.Random(3))

        assert len(set(drawn)) == 5
        assert not {0, 1} & set(drawn)
