"""The API's session authentication (for the pages' htmx calls), aware of two-factor log-in."""

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from .two_factor import SESSION_STATE, session_verified


class VerifiedSessionAuthentication(SessionAuthentication):
    """Django's session, as DRF reads it (with its CSRF check), except that the session of a
    user who uses two-factor log-in counts only once it has given its code: a session signed
    in through the admin's log-in page, say, is anonymous to the API until then. What the
    session must show is the state kept at log-in (accounts/two_factor.py): no query."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        session = request._request.session
        state = session.get(SESSION_STATE)
        if isinstance(state, dict) and state.get("enrolled") and not session_verified(request._request):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes it as the session cookie it is (drf-spectacular)."""

    target_class = "littlelemon.accounts.authentication.VerifiedSessionAuthentication"
