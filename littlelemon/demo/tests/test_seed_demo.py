from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from littlelemon.accounts.models import User
from littlelemon.demo import data
from littlelemon.menu.models import Category, MenuItem
from littlelemon.restaurant.models import OpeningHours
from littlelemon.restaurant.selectors import restaurant_settings_get

pytestmark = pytest.mark.django_db


def counts():
    return Category.objects.count(), MenuItem.objects.count(), User.objects.count()


def test_seed_demo_is_believable_and_idempotent(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first == (8, 40, len(data.USERS))
    assert MenuItem.objects.filter(featured=True).count() >= 4
    assert MenuItem.objects.filter(vegan=True).exists()
    roles = {u.username: (u.is_superuser, sorted(u.roles)) for u in User.objects.all()}
    assert roles == {
        "admin": (True, []),
        "manager": (False, ["manager"]),
        "kitchen": (False, ["kitchen"]),
        "driver": (False, ["delivery-crew"]),
        "customer": (False, []),
    }
    assert User.objects.get(username="manager").check_password("lemon-manager")
    assert OpeningHours.objects.count() == 11
    assert restaurant_settings_get().delivery_fee == Decimal("4.99")
    output = capsys.readouterr().out
    assert "manager    / lemon-manager" in output
    assert "Web site     http://127.0.0.1:8000/ " in output
    assert "http://127.0.0.1:8000/api/docs/" in output


def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0)

    call_command("seed_demo", "--force", "--quiet-logins")
    assert counts()[1] == 40
