from django.db.models import QuerySet

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
