"""Sign-up, food preferences and role management. Each function checks its rules itself, so
every caller (API, web pages, staff pages, shell) is held to the same rules; role changes go to
the audit trail."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.menu.enums import Allergen, DietaryTag

from .enums import Role
from .exceptions import EmailTaken, NotInRole, UsernameTaken
from .models import User
from .permissions import can_manage_role
from .selectors import email_taken, username_taken
from .usernames import username_script_problem


def _checked_username(username: str) -> str:
    """The username as it will be stored (NFKC, as Django's user model keeps it), checked.

    Raises InvalidInput (field `username`)."""
    username = User.normalize_username(username)
    problems = []
    try:
        for validator in User._meta.get_field("username").validators:
            validator(username)
    except ValidationError as error:
        problems = error.messages
    problem = username_script_problem(username)
    if problems or problem:
        raise InvalidInput(" ".join([*problems, *([problem] if problem else [])]), field="username")
    return username


@transaction.atomic
def user_sign_up(*, username: str, email: str, password: str) -> User:
    """Create a customer account (no staff role) with a usable, validated password. The API's
    sign-up (the djoser serializer) and the web page both call this.

    Raises InvalidInput (field `username`: letters, digits and @.+-_ only, one script),
    UsernameTaken (field `username`: the name, or one a reader would take for it, exists:
    accounts/usernames.py), EmailTaken (field `email`) or InvalidInput (field `password`: Django's
    password validators' messages). The database's unique constraints settle a race between two
    sign-ups for the same name or address, with the same errors.
    """
    email = User.objects.normalize_email(email)
    username = _checked_username(username)
    if username_taken(username=username):
        raise UsernameTaken(field="username")
    if email_taken(email=email):
        raise EmailTaken(field="email")
    try:
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        # Another sign-up committed first: whichever of the two constraints it was, the same
        # answer as when the check above sees it.
        if username_taken(username=username):
            raise UsernameTaken(field="username") from None
        if email_taken(email=email):
            raise EmailTaken(field="email") from None
        raise


# What each food preference holds, and how an unknown code in it is named.
FOOD_PREFERENCES = {"dietary_requirements": (DietaryTag, "dietary tag"), "allergens_avoided": (Allergen, "allergen")}


def _food_codes_checked(codes: Iterable[str], *, field: str) -> list[str]:
    """`codes` as stored: sorted, each once. Raises InvalidInput (field `field`) for a code of the
    wrong kind or that the menu does not know, naming it and the known ones."""
    choices, kind = FOOD_PREFERENCES[field]
    if isinstance(codes, str | bytes) or not isinstance(codes, Iterable):
        raise InvalidInput(f"A list of {kind} codes is required.", field=field)
    codes = list(codes)
    for code in codes:
        if not isinstance(code, str) or code not in choices.values:
            known = ", ".join(choices.values)
            raise InvalidInput(f"Unknown {kind} {str(code)[:40]!r}: choose from {known}.", field=field)
    return sorted(set(codes))


def user_food_preferences_set(
    *, user: User, dietary_requirements: Iterable[str] | None = None, allergens_avoided: Iterable[str] | None = None
) -> User:
    """Set the user's food preferences, which recommendations respect: the dietary tags
    (menu.DietaryTag values) every recommended dish must carry and the allergens (menu.Allergen
    codes) none may contain. None leaves that list as it is; an empty list clears it. Stored
    sorted, each code once. The API's profile (`PATCH /auth/users/me/`) and the account page both
    call this.

    Raises InvalidInput (field `dietary_requirements` or `allergens_avoided`: not a list, or a
    code the menu does not know); nothing is saved then. Writes only these two columns; no lock
    (the whole list is replaced: the last write wins).
    """
    given = {"dietary_requirements": dietary_requirements, "allergens_avoided": allergens_avoided}
    checked = {field: _food_codes_checked(codes, field=field) for field, codes in given.items() if codes is not None}
    for field, codes in checked.items():
        setattr(user, field, codes)
    if checked:
        user.save(update_fields=list(checked))
    return user


def role_manage_check(actor: User, role: Role, user: User | None = None) -> Group:
    """The group of `role`, when `actor` may give or take it (from `user`, when given).
    Raises PermissionDenied."""
    if not can_manage_role(actor, role):
        raise PermissionDenied(
            "Only an admin may manage managers."
            if role == Role.MANAGER
            else "Only managers and admins may manage staff roles."
        )
    if user is not None and user.is_superuser and not actor.is_superuser:
        raise PermissionDenied("Only an admin may change an admin's roles.")
    if user is not None and role == Role.MANAGER and user.pk == actor.pk:
        raise PermissionDenied("You cannot change your own manager role.")
    return Group.objects.get(name=role)


def _role_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@transaction.atomic
def role_grant(*, actor: User, role: Role, user: User) -> bool:
    """Put `user` in `role`. Returns False when they already held it (nothing changes).

    Raises PermissionDenied when `actor` may not manage `role` (managers: kitchen and delivery
    crew; admins: manager too), nor change an admin's roles (a manager) or their own manager role.
    """
    group = role_manage_check(actor, role, user)
    before = _role_names(user)
    if group.name in before:
        return False
    user.groups.add(group)
    audit_record(
        actor=actor,
        action="role.grant",
        target=user,
        changes={"roles": {"before": before, "after": sorted([*before, group.name])}},
    )
    return True


@transaction.atomic
def role_revoke(*, actor: User, role: Role, user: User) -> None:
    """Take `role` from `user`.

    Raises PermissionDenied when `actor` may not manage `role` (as `role_grant`), NotInRole when
    `user` does not hold it.
    """
    group = role_manage_check(actor, role, user)
    before = _role_names(user)
    if group.name not in before:
        raise NotInRole(f"User {user.pk} does not hold the {role} role.")
    user.groups.remove(group)
    audit_record(
        actor=actor,
        action="role.revoke",
        target=user,
        changes={"roles": {"before": before, "after": [name for name in before if name != group.name]}},
    )
