"""Setup step of `make fuzz`: one user per role and a real access token (JWT) for each.

Run with the fuzz server's environment (same SECRET_KEY and DATABASE_URL), after migrate and
seed_demo. Prints `role token` lines, one per role, for fuzz/run.sh.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.fuzz")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from littlelemon.accounts.models import User  # noqa: E402

ROLES = ("customer", "kitchen", "delivery-crew", "manager", "admin")
#: Ids far from the small integers a fuzzer tries first, so the manager's and admin's random
#: role removals (DELETE /groups/<role>/users/<id>/) rarely hit the other roles' users.
FIRST_ID = 7_000_001


def fuzz_user(role: str) -> User:
    user, _ = User.objects.get_or_create(
        pk=FIRST_ID + ROLES.index(role),
        defaults={"username": f"fuzz-{role}", "email": f"fuzz-{role}@example.com"},
    )
    user.set_unusable_password()  # nobody logs in as these: they only hold tokens
    user.is_superuser = user.is_staff = role == "admin"
    user.save()
    if role not in ("customer", "admin"):
        user.groups.add(Group.objects.get(name=role))
    return user


for role in ROLES:
    print(role, AccessToken.for_user(fuzz_user(role)))
