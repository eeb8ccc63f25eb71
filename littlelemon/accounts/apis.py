from djoser import views as djoser_views
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework_simplejwt import views as jwt_views

from littlelemon.api.throttling import LoginRateThrottle, SignupRateThrottle

from . import selectors, services
from .exceptions import NotInRole
from .models import User
from .permissions import CanManageRole
from .serializers import RoleMemberAddSerializer, RoleMemberSerializer


class UserViewSet(djoser_views.UserViewSet):
    """Sign-up (`POST users/`) and the signed-in user's profile (`users/me/`)."""

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(SignupRateThrottle())
        return throttles


class TokenObtainPairView(jwt_views.TokenObtainPairView):
    """Log in with `username` and `password`; returns an `access` and a `refresh` token."""

    throttle_classes = [LoginRateThrottle]


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
