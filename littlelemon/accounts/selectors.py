from django.db.models import QuerySet

from .enums import Role
from .models import User


def role_member_list(*, role: Role | str) -> QuerySet[User]:
    """The users holding `role`, in a stable order."""
    return User.objects.filter(groups__name=role).only("id", "username", "email").order_by("id")


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def username_taken(*, username: str) -> bool:
    """Usernames are unique regardless of case ("Tilly" and "tilly" are one person)."""
    return User.objects.filter(username__iexact=username).exists()


def email_taken(*, email: str, exclude_pk: int | None = None) -> bool:
    """Email addresses are unique regardless of case (the database enforces it too)."""
    return bool(email) and User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()
