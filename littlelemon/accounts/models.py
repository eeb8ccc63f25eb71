from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from .enums import Role
from .usernames import username_key


class UsernameKeyField(models.CharField):
    """`username_key(username)`, computed whenever the row is written: by `save()` and by
    `bulk_create()` alike (both call `pre_save`). A write that names its fields
    (`save(update_fields=[...])`, `QuerySet.update()`) and changes `username` must name this
    field too."""

    def pre_save(self, model_instance, add):
        value = username_key(model_instance.get_username())
        setattr(model_instance, self.attname, value)
        return value


class User(AbstractUser):
    """A person who signs in: a customer, or staff holding one or more roles (groups).

    An admin is a Django superuser and may act as a manager everywhere.
    """

    email = models.EmailField("email address", blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # What usernames are compared by (accounts/usernames.py): unique, so that two look-alike
    # names cannot both exist even when their sign-ups race. Up to 4 characters a username's
    # (case folding expands some). NULL is allowed only so that SQLite adds the column without
    # rebuilding the table (which would drop its triggers); every write fills it.
    username_key = UsernameKeyField(max_length=600, null=True, editable=False)
    # Food preferences (the account page, `/auth/users/me/`): recommendations never offer a dish
    # lacking one of `dietary_requirements` (menu.DietaryTag values) or containing one of
    # `allergens_avoided` (menu.Allergen codes). NULL means none, so that SQLite adds the columns
    # without rebuilding the table (and dropping its triggers): read them through `food_preferences`.
    dietary_requirements = models.JSONField(null=True, blank=True)
    allergens_avoided = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_ci_unique"
            ),
            # An index on an expression: SQLite creates it without rebuilding the table.
            models.UniqueConstraint(models.F("username_key"), name="accounts_user_username_key_unique"),
        ]

    @property
    def food_preferences(self) -> tuple[frozenset[str], frozenset[str]]:
        """(dietary tags every dish must carry, allergen codes no dish may contain)."""
        return frozenset(self.dietary_requirements or ()), frozenset(self.allergens_avoided or ())

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


class StaffPolicy(models.Model):
    """The one row (pk=1) of rules for staff accounts, set by an admin (the Staff screen)."""

    two_factor_required = models.BooleanField(
        default=False,
        help_text="Every staff member must use two-factor log-in: those without it are sent to set it up.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "staff policy"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="accounts_staff_policy_singleton")]

    def __str__(self) -> str:
        return "Staff policy"
