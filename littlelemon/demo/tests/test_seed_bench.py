"""`manage.py seed_bench`: the benchmark dataset is the documented size and the same every run."""

import pytest
from django.core.management import CommandError, call_command

import bench.datasets as benchdata
from bench.datasets.orders import PLACER_PREFIX, PLACERS
from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings.models import Booking, Table
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import Category, MenuItem
from littlelemon.orders.models import Order
from littlelemon.restaurant.models import OpeningHours
from littlelemon.restaurant.selectors import restaurant_today

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Category.objects.order_by("id").values_list("id", "slug", "title", "position")),
        list(MenuItem.objects.order_by("id").values()),
        list(User.objects.order_by("id").values("id", "username", "password", "first_name", "date_joined")),
        sorted(User.groups.through.objects.values_list("user_id", "group__name")),
    )


def test_scale_1_is_the_documented_size_and_the_same_every_time(capsys):
    call_command("seed_bench", "--scale", "1")
    first = snapshot()
    call_command("seed_bench", "--scale", "1")

    assert snapshot() == first
    categories, items, users, roles = first
    assert (len(categories), len(items)) == (10, 500)
    assert [c[1] for c in categories][:5] == ["starters", "mezze", "salads", "soups", "mains"]
    assert items[0]["id"] == 1 and items[-1]["id"] == 500  # ids restart: scenarios can rely on them
    assert sum(username.startswith("bench-customer-") for username in (u["username"] for u in users)) == 1000
    assert {role for _, role in roles} == {"manager", "kitchen", "delivery-crew"}
    assert User.objects.get(username="bench-customer-00001").check_password("bench-password")
    assert MenuItem.objects.filter(category__slug="mains", description__icontains="lemon").exists()
    assert "Benchmark dataset at scale 1 ready" in capsys.readouterr().out
    # What the benchmark's scenarios rely on (bench/scenarios/).
    assert Order.objects.count() == 20_000
    assert Order.objects.filter(customer__username="bench-customer-00001").count() == 50
    assert CartLine.objects.filter(user__username="bench-customer-00002").count() == 5
    placers = User.objects.filter(username__startswith=PLACER_PREFIX)
    assert placers.count() == PLACERS and not Order.objects.filter(customer__in=placers).exists()
    assert CartLine.objects.filter(user__in=placers).count() == 3 * PLACERS
    assert (Table.objects.count(), OpeningHours.objects.count()) == (30, 0)  # always open
    assert Booking.objects.filter(start__date__gt=restaurant_today()).exists()


def test_scale_2_doubles_every_count_and_keeps_the_first_rows():
    call_command("seed_bench", "--scale", "1")
    small = snapshot()
    call_command("seed_bench", "--scale", "2")

    categories, items, users, _ = snapshot()
    assert (len(categories), len(items)) == (20, 1000)
    assert sum(u["username"].startswith("bench-customer-") for u in users) == 2000
    assert items[:3] == small[1][:3]  # the same generator: a bigger scale only adds rows
    assert {"mains", "mains-2"} <= {c[1] for c in categories}


def test_it_refuses_a_database_with_other_users():
    UserFactory(username="real-customer")

    with pytest.raises(CommandError, match="users seed_bench did not make"):
        call_command("seed_bench", "--scale", "1")

    assert User.objects.filter(username="real-customer").exists()
    assert not MenuItem.objects.exists()


class TestRegistry:
    @pytest.fixture
    def parts(self, monkeypatch):
        registered = {}
        monkeypatch.setattr(benchdata, "_PARTS", registered)
        monkeypatch.setattr(benchdata, "part_modules_import", lambda: None)
        return registered

    def test_a_part_runs_after_the_parts_it_needs(self, parts):
        for name, after in (("orders", ("users", "menu")), ("users", ()), ("bookings", ("users",)), ("menu", ())):
            benchdata.dataset_part(name, models=(), after=after)(lambda dataset: None)

        order = [part.name for part in benchdata.dataset_parts()]

        assert order.index("orders") > max(order.index("users"), order.index("menu"))
        assert order.index("bookings") > order.index("users")

    def test_an_unknown_need_is_named(self, parts):
        benchdata.dataset_part("orders", models=(), after=("carts",))(lambda dataset: None)

        with pytest.raises(LookupError, match="'carts' \\(needed by 'orders'\\)"):
            benchdata.dataset_parts()

    def test_the_real_parts_are_discovered(self):
        assert {"users", "menu"} <= {part.name for part in benchdata.dataset_parts()}

    def test_published_ids_are_shared_and_a_missing_one_is_explained(self):
        dataset = benchdata.Dataset(scale=1, seed=1)
        dataset.publish("users", "customers", [1, 2])

        assert dataset.ids("users", "customers") == [1, 2]
        with pytest.raises(KeyError, match="is it listed in `after`"):
            dataset.ids("menu", "items")
