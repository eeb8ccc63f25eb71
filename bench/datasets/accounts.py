"""The users part of the benchmark dataset (see bench/datasets/__init__.py)."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from bench.datasets import Dataset, dataset_part
from littlelemon.accounts.enums import Role
from littlelemon.accounts.models import User

BENCH_PASSWORD = "bench-password"  # noqa: S105 (benchmark data on a throwaway database)
FIRST_NAMES = ("Ada", "Ben", "Chloe", "Dimitri", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas", "Kostas", "Lena")
LAST_NAMES = ("Adams", "Baker", "Costa", "Diaz", "Evans", "Fischer", "Georgiou", "Haddad", "Ito", "Jensen", "Kim")


@dataset_part("users", models=("accounts.User",))
def seed_users(dataset: Dataset) -> None:
    """1,000 customers a scale, a manager, two cooks and five drivers a scale.

    Publishes `customers` (ids, in username order), `manager`, `kitchen` and `drivers` (ids).
    Everyone's password is BENCH_PASSWORD; it is hashed once (hashing is slow on purpose).
    """
    password = make_password(BENCH_PASSWORD, salt="littlelemonbench")  # a fixed salt: same rows every run
    rng = dataset.rng

    def user(username: str, index: int) -> User:
        return User(
            username=f"bench-{username}",
            email=f"bench-{username}@example.com",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            password=password,
            date_joined=dataset.epoch - timedelta(days=400) + timedelta(minutes=index),
        )

    customers = [user(f"customer-{n:05d}", n) for n in range(1, dataset.count(1000) + 1)]
    staff = {
        Role.MANAGER: [user("manager", 0)],
        Role.KITCHEN: [user(f"kitchen-{n}", n) for n in range(1, dataset.count(2) + 1)],
        Role.DELIVERY_CREW: [user(f"driver-{n}", n) for n in range(1, dataset.count(5) + 1)],
    }
    dataset.bulk_create(User, customers + [member for members in staff.values() for member in members])

    groups = dict(Group.objects.filter(name__in=staff).values_list("name", "id"))
    memberships = [
        User.groups.through(user_id=member.pk, group_id=groups[role])
        for role, members in staff.items()
        for member in members
    ]
    User.groups.through.objects.bulk_create(memberships)

    dataset.publish("users", "customers", [customer.pk for customer in customers])
    dataset.publish("users", "manager", staff[Role.MANAGER][0].pk)
    dataset.publish("users", "kitchen", [member.pk for member in staff[Role.KITCHEN]])
    dataset.publish("users", "drivers", [member.pk for member in staff[Role.DELIVERY_CREW]])
