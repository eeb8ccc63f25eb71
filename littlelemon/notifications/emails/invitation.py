"""The staff invitation e-mail: target "staff_invitation" for each `staff.invited` event
(accounts/invitations.py). The set-password link is made when the e-mail is sent, from the
account as it is then, so no secret waits in the outbox; a repeat carries the same Message-ID.
"""

import logging

from django.conf import settings

from littlelemon.accounts.enums import Role
from littlelemon.accounts.invitations import invitation_pending, invitation_token
from littlelemon.accounts.models import User
from littlelemon.events.handlers import DeliveryFailed
from littlelemon.events.models import Delivery, OutboxEvent
from littlelemon.restaurant.selectors import restaurant_settings_get

from .compose import Composed, _common, email_message, site_link

logger = logging.getLogger(__name__)

TARGET = "staff_invitation"
KIND = "staff_invitation"


class InvitationEmailHandler:
    prefix = TARGET

    def targets(self, event: OutboxEvent) -> list[str]:
        return [TARGET] if event.type == "staff.invited" else []

    def deliver(self, delivery: Delivery, event: OutboxEvent) -> int | None:
        user = User.objects.filter(pk=event.payload.get("user")).prefetch_related("groups").first()
        if user is None or not user.email or not invitation_pending(user):
            raise DeliveryFailed("The invitation was accepted or the account is gone.", permanent=True)
        inviter = User.objects.filter(pk=event.payload.get("invited_by")).first()
        roles = [Role(name).label.lower() for name in sorted(user.roles) if name in Role.values]
        restaurant = restaurant_settings_get()
        context = {
            **_common(restaurant, user),
            "invited_by": (inviter.get_full_name() or inviter.username) if inviter else restaurant.name,
            "role_label": " and ".join(roles) or "staff",
            "username": user.username,
            "accept_url": site_link("web:invitation_accept", invitation_token(user)),
            "days": settings.STAFF_INVITE_DAYS,
        }
        message = email_message(delivery=delivery, composed=Composed(kind=KIND, to=user.email, context=context))
        message.send(fail_silently=False)
        logger.info("staff invitation sent to user %s (delivery %s)", user.pk, delivery.pk)
        return None
