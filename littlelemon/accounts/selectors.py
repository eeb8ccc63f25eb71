from django.db.models import QuerySet

from .enums import Role
from .models import User


def role_member_list(*, role: Role | str) -> QuerySet[User]:
    """The users holding `role`, in a stable order."""
    return User.objects.filter(groups__name=role).only("id", "username", "email").order_by("id")


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()
