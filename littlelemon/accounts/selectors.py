from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .enums import Role
from .models import User
from .usernames import username_key


def role_member_list(*, role: Role | str) -> QuerySet[User]:
    """The users holding `role`, in a stable order."""
    return User.objects.filter(groups__name=role).only("id", "username", "email").order_by("id")


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def username_taken(*, username: str, exclude_pk: int | None = None) -> bool:
    """Usernames are unique as a reader sees them: "Tilly", "tilly", "ＴＩＬＬＹ" (full-width) and
    "tіlly" (a Cyrillic "і") are one name (accounts/usernames.py; the database enforces it too)."""
    return User.objects.filter(username_key=username_key(username)).exclude(pk=exclude_pk).exists()


def email_taken(*, email: str, exclude_pk: int | None = None) -> bool:
    """Email addresses are unique regardless of case (the database enforces it too)."""
    return bool(email) and User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


def staff_member_list() -> QuerySet[User]:
    """Everyone with a role (and every admin), with their roles and whether they use two-factor
    log-in (`uses_two_factor`): two queries, whatever the number of people."""
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(Q(groups__isnull=False) | Q(is_superuser=True))
        .exclude(username__startswith="deleted-", is_active=False)
        .distinct()
        .annotate(uses_two_factor=Exists(devices))
        .prefetch_related("groups")
        .order_by("-is_superuser", "first_name", "username", "pk")
    )


def customer_search(*, query: str, limit: int = 20) -> list[User]:
    """Customers (no role, not deleted) whose username, e-mail, name or phone contains `query`:
    one query, at most `limit` of them."""
    query = query.strip()
    if len(query) < 2:
        return []
    match = (
        Q(username__icontains=query)
        | Q(email__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(phone__icontains=query)
    )
    return list(
        User.objects.filter(match, groups__isnull=True, is_superuser=False, is_staff=False, is_active=True).order_by(
            "username"
        )[:limit]
    )
