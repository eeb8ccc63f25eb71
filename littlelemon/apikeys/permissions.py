"""Who may issue and revoke API keys: managers and admins (an API key may not: the key views
name no scope, so the authentication class refuses keys there)."""

from littlelemon.accounts.permissions import IsManager


class CanManageApiKeys(IsManager):
    message = "Only managers and admins manage API keys."
