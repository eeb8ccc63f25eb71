from django.urls import path
from rest_framework_simplejwt import views as jwt_views

from . import apis
from .enums import Role

user_create = apis.UserViewSet.as_view({"post": "create"})
user_me = apis.UserViewSet.as_view({"get": "me", "patch": "me"})

urlpatterns = [
    path("auth/users/", user_create, name="user-create"),
    path("auth/users/me/", user_me, name="user-me"),
    path("auth/users/me/export/", apis.MyDataExportApi.as_view(), name="user-me-export"),
    path("auth/users/me/delete/", apis.MyAccountDeleteApi.as_view(), name="user-me-delete"),
    path("auth/jwt/create/", apis.TokenObtainPairView.as_view(), name="jwt-create"),
    path("auth/jwt/refresh/", jwt_views.TokenRefreshView.as_view(), name="jwt-refresh"),
    path("auth/jwt/verify/", jwt_views.TokenVerifyView.as_view(), name="jwt-verify"),
    path("auth/jwt/blacklist/", jwt_views.TokenBlacklistView.as_view(), name="jwt-blacklist"),
]

for role in Role:
    urlpatterns += [
        path(f"groups/{role.value}/users/", apis.RoleMembersApi.as_view(), {"role": role}, name=f"role-{role.value}"),
        path(
            f"groups/{role.value}/users/<int:user_id>/",
            apis.RoleMemberApi.as_view(),
            {"role": role},
            name=f"role-{role.value}-member",
        ),
    ]
