from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from .enums import Role


class User(AbstractUser):
    """A person who signs in: a customer, or staff holding one or more roles (groups).

    An admin is a Django superuser and may act as a manager everywhere.
    """

    email = models.EmailField("email address", blank=True)
    phone = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_ci_unique"
            ),
        ]

    @cached_property
    def roles(self) -> frozenset[str]:
        """The role names this user holds, read once per request (the instance is per request)."""
        if self.pk is None:
            return frozenset()
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None:
            return frozenset(group.name for group in prefetched)
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_manager(self) -> bool:
        """Acts as a manager: in the manager group, or an admin."""
        return self.is_superuser or Role.MANAGER in self.roles

    @property
    def is_kitchen(self) -> bool:
        return Role.KITCHEN in self.roles

    @property
    def is_delivery_crew(self) -> bool:
        return Role.DELIVERY_CREW in self.roles

    @property
    def is_staff_member(self) -> bool:
        """Holds any staff role (or is an admin)."""
        return self.is_superuser or bool(self.roles)

    @property
    def is_customer(self) -> bool:
        """A registered user with no staff role."""
        return not self.is_staff_member
