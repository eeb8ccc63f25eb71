"""Who a request made with an API key is: the restaurant's integration named by the key.

Never a user. It is authenticated (`is_authenticated`), holds no role (`is_manager` and the
other role flags are False, so role-based checks written for people refuse it) and has no id,
so nothing can be stored or looked up as its own (no cart, no orders placed, no account).
What it may do is its key's scopes (`has_scope`), which the permission checks, selectors and
services that serve integrations consult through `littlelemon.accounts.permissions.is_manager_for`:
within a scope it acts as a manager does. Audit entries and order timelines name it by its key.
"""

from typing import Any

from .models import ApiKey


class Integration:
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_integration = True
    is_superuser = False
    is_staff = False
    is_manager = False
    is_kitchen = False
    is_delivery_crew = False
    is_staff_member = False
    is_customer = False
    roles: frozenset[str] = frozenset()
    pk = None
    id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key

    def __str__(self) -> str:
        return self.get_username()

    def __repr__(self) -> str:
        return f"<Integration {self.api_key.prefix}>"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Integration) and other.api_key.pk == self.api_key.pk

    def __hash__(self) -> int:
        return hash(("integration", self.api_key.pk))

    @property
    def username(self) -> str:
        return self.get_username()

    def get_username(self) -> str:
        """How the audit trail names it: `api-key:<name> (<prefix>)`."""
        return f"api-key:{self.api_key.name} ({self.api_key.prefix})"

    def get_full_name(self) -> str:
        return self.api_key.name

    def has_scope(self, scope: str) -> bool:
        return self.api_key.grants(scope)

    def has_role(self, role: Any) -> bool:
        return False

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, module: str) -> bool:
        return False


def api_key_of(actor: Any) -> ApiKey | None:
    """The API key an actor acts through (None for a person, a script or nobody)."""
    return actor.api_key if isinstance(actor, Integration) else None
