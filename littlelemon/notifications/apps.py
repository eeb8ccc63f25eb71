from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """E-mails and outgoing webhooks: the handlers the outbox relay delivers events to."""

    name = "littlelemon.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from littlelemon.events.handlers import handler_register

        from .emails.handler import EmailHandler
        from .emails.invitation import InvitationEmailHandler
        from .webhooks.sending import WebhookHandler

        handler_register(EmailHandler())  # target "email"
        handler_register(InvitationEmailHandler())  # target "staff_invitation"
        handler_register(WebhookHandler())  # targets "webhook:<endpoint id>"
