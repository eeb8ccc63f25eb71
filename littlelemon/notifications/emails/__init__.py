"""The customer e-mails: which event means which e-mail (`catalogue`), how one is built and
rendered (`compose`, templates under `templates/notifications/email/`), and the relay's handler
that sends it (`handler`). docs/emails.md describes them for operators."""
