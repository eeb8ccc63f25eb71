from djoser import views as djoser_views
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from littlelemon.api.serializers import ErrorSerializer
from littlelemon.core.ratelimit import LoginRateThrottle, SignupRateThrottle

from . import privacy, selectors, services, two_factor
from .exceptions import NotInRole
from .lockout import lockout_message, lockout_seconds
from .models import User
from .permissions import CanManageRole
from .ratelimit import LoginAccountThrottle, login_succeeded
from .serializers import (
    AccountDeleteSerializer,
    RoleMemberAddSerializer,
    RoleMemberSerializer,
    TokenObtainPairWithCodeSerializer,
    UserExportSerializer,
)


class UserViewSet(djoser_views.UserViewSet):
    """Sign-up (`POST users/`) and the signed-in user's profile (`users/me/`)."""

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(SignupRateThrottle())
        return throttles


class LoginLockedOut(exceptions.Throttled):
    """A 429 whose `Retry-After` is the lockout's length and whose detail says why."""

    default_code = "locked_out"

    def __init__(self, *, wait: int, detail: str):
        super().__init__(detail=detail)
        self.wait = wait


class TokenObtainPairView(jwt_views.TokenObtainPairView):
    """Log in with `username` and `password`; returns an `access` and a `refresh` token.

    After too many failed attempts the account is locked from that address for a while
    (django-axes): a 429 `locked_out` with `Retry-After`, even with the right password. The
    log-in limits shared with the pages (accounts/ratelimit.py) answer a 429 `throttled`: too
    many attempts from one address, or too many failures of one account from addresses it was
    never used from.

    An account that uses two-factor log-in also sends `otp`, its authenticator app's current
    code: without it a 400 `otp_required`, a wrong or used one a 400 `otp_invalid` (counted as a
    failed log-in of the account), too soon after a wrong one a 429 `otp_throttled`.
    """

    throttle_classes = [LoginRateThrottle, LoginAccountThrottle]
    serializer_class = TokenObtainPairWithCodeSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as error:
            raise InvalidToken(error.args[0]) from error
        if two_factor.device_for(serializer.user) is not None:
            code = request.data.get("otp") if hasattr(request.data, "get") else None
            two_factor.two_factor_verify(user=serializer.user, code=code if isinstance(code, str) else None)
        login_succeeded(request, serializer.user)
        return Response(serializer.validated_data, status=status.HTTP_200_OK)

    def handle_exception(self, exc):
        # axes marks the request it was given (this DRF request) when it refuses or locks.
        if getattr(self.request, "axes_locked_out", False):
            exc = LoginLockedOut(wait=lockout_seconds(), detail=lockout_message())
        return super().handle_exception(exc)


class RoleMembersApi(generics.ListCreateAPIView):
    """The users holding a staff role. POST `{"user": id}` adds one."""

    permission_classes = [CanManageRole]
    serializer_class = RoleMemberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return User.objects.none()
        return selectors.role_member_list(role=self.kwargs["role"])

    @extend_schema(request=RoleMemberAddSerializer, responses={200: RoleMemberSerializer, 201: RoleMemberSerializer})
    def post(self, request, *args, **kwargs):
        serializer = RoleMemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        added = services.role_grant(actor=request.user, role=self.kwargs["role"], user=user)
        return Response(
            RoleMemberSerializer(user).data, status=status.HTTP_201_CREATED if added else status.HTTP_200_OK
        )


class RoleMemberApi(generics.GenericAPIView):
    """DELETE takes the role from one user."""

    permission_classes = [CanManageRole]
    serializer_class = RoleMemberSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        user = selectors.user_get(user_id=self.kwargs["user_id"])
        if user is None:
            raise NotInRole(f"No user with id {self.kwargs['user_id']}.")
        services.role_revoke(actor=request.user, role=self.kwargs["role"], user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyDataExportApi(generics.GenericAPIView):
    """GET: a copy of everything the site keeps about the signed-in customer (account, orders
    with their lines and timelines, bookings), as JSON (accounts/privacy.py)."""

    permission_classes = [IsAuthenticated]
    serializer_class = UserExportSerializer

    def get(self, request, *args, **kwargs):
        response = Response(privacy.customer_data_export(user=request.user))
        response["Cache-Control"] = "no-store"
        return response


class MyAccountDeleteApi(generics.GenericAPIView):
    """POST `{"password": ...}`: delete (anonymise) the signed-in customer's account. Orders stay
    for the restaurant's books without personal details; bookings to come are cancelled. A 409
    `open_orders` while an order is under way, `not_a_customer` for a staff account; a 400
    `wrong_password`. Tokens stop working (the account is inactive)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AccountDeleteSerializer

    @extend_schema(responses={204: None, 409: ErrorSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        privacy.account_delete(actor=request.user, user=request.user, password=serializer.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)
