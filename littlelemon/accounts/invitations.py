"""Inviting a new staff member by e-mail (the Staff screen).

A manager gives an e-mail address, a name and a role (kitchen or delivery crew; manager: admins
only). `staff_invite` creates the account inactive with no usable password, gives it the role and
writes a `staff.invited` event; the e-mail handler (notifications/emails/invitation.py) sends the
set-password link. The link carries a signed token (`invitation_token`): the user's id and a
digest of the account's state, signed with the time it was made, good for STAFF_INVITE_DAYS. Once
the password is set (`invitation_accept`) the state changes, so the link cannot be used again;
an expired link says so, and the manager can send a new one (`staff_invite_resend`).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import Conflict, InvalidInput
from littlelemon.events.services import event_record

from .enums import Role
from .exceptions import EmailTaken
from .models import User
from .selectors import email_taken, username_taken
from .services import role_manage_check

SALT = "littlelemon.accounts.invitation"
NAME_MAX_LENGTH = 150


class InvitationInvalid(InvalidInput):
    code = "invitation_invalid"
    default_message = "This invitation link is not valid: check that you copied all of it, or ask for a new one."


class InvitationExpired(InvalidInput):
    code = "invitation_expired"
    default_message = "This invitation link has expired: ask your manager to send a new one."


class InvitationUsed(Conflict):
    code = "invitation_used"
    default_message = "This invitation has been used already: log in with the password you chose."


def _state_digest(user: User) -> str:
    """Changes when the invitation is used (a password set, the account activated)."""
    state = f"{user.pk}:{user.password}:{user.is_active}:{user.email}"
    return salted_hmac(SALT, state).hexdigest()[:32]


def invitation_token(user: User) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object({"user": user.pk, "state": _state_digest(user)})


def invitation_user(token: str) -> User:
    """The invited user a token is for, while it may still be used.

    Raises InvitationInvalid, InvitationExpired, InvitationUsed."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token, max_age=settings.STAFF_INVITE_DAYS * 86400)
    except signing.SignatureExpired:
        raise InvitationExpired() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvitationInvalid() from None
    user = User.objects.filter(pk=data.get("user") if isinstance(data, dict) else None).first()
    if user is None:
        raise InvitationInvalid()
    if not constant_time_compare(str(data.get("state", "")), _state_digest(user)):
        if user.is_active and user.has_usable_password():
            raise InvitationUsed()
        raise InvitationInvalid("This invitation link was replaced by a newer one: use the latest e-mail.")
    if user.is_active:
        raise InvitationUsed()
    return user


def _invited_event(user: User, actor: User) -> None:
    event_record(
        type="staff.invited", aggregate="user", aggregate_id=user.pk, payload={"user": user.pk, "invited_by": actor.pk}
    )


@transaction.atomic
def staff_invite(*, actor: User, email: str, first_name: str, last_name: str, role: Role | str) -> User:
    """Create the invited staff member's account (inactive, no usable password, holding `role`;
    their username is the e-mail address) and queue the invitation e-mail.

    Raises PermissionDenied (a manager inviting a manager), EmailTaken (field `email`),
    InvalidInput (field `email`: too long to be a username, `first_name`).
    """
    role = Role(role)
    group = role_manage_check(actor, role)
    email = User.objects.normalize_email(email.strip())
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name:
        raise InvalidInput("Enter the new staff member's first name.", field="first_name")
    if len(email) > User._meta.get_field("username").max_length:
        raise InvalidInput("This address is too long for an account: use a shorter one.", field="email")
    if email_taken(email=email) or username_taken(username=email):
        raise EmailTaken(field="email")
    try:
        with transaction.atomic():
            user = User(username=email, email=email, first_name=first_name[:NAME_MAX_LENGTH], last_name=last_name[:150])
            user.is_active = False
            user.set_unusable_password()
            user.save()
    except IntegrityError:
        raise EmailTaken(field="email") from None
    user.groups.add(group)
    audit_record(
        actor=actor,
        action="staff.invite",
        target=user,
        changes={"email": {"before": None, "after": email}, "roles": {"before": [], "after": [group.name]}},
    )
    _invited_event(user, actor)
    return user


@transaction.atomic
def staff_invite_resend(*, actor: User, user: User) -> User:
    """Send a new link (the old one stops working: the state it was signed with changes).

    Raises PermissionDenied, InvitationUsed (the account is active already)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    roles = [Role(name) for name in user.roles if name in Role.values]
    for role in roles or [Role.KITCHEN]:
        role_manage_check(actor, role)
    if user.is_active:
        raise InvitationUsed("This person has accepted their invitation already.")
    user.set_unusable_password()  # a new random marker: the old link's state no longer matches
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="staff.invite_resend", target=user)
    _invited_event(user, actor)
    return user


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited user's password and activate the account. Locks the user row and checks
    the token again under the lock (two tabs submitting at once: one wins, one is told it was used).

    Raises InvitationInvalid / InvitationExpired / InvitationUsed, InvalidInput (field `password`).
    """
    user = invitation_user(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    invitation_user(token)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    audit_record(actor=user, action="staff.invitation_accept", target=user)
    return user


def invitation_pending(user: Any) -> bool:
    """Invited and not yet accepted."""
    return not user.is_active and not user.has_usable_password() and not user.username.startswith("deleted-")
