from django.urls import path

from . import apis

urlpatterns = [
    path("api-keys/", apis.ApiKeyListApi.as_view(), name="api-keys"),
    path("api-keys/<str:prefix>/", apis.ApiKeyDetailApi.as_view(), name="api-key"),
    path("api-keys/<str:prefix>/revoke/", apis.ApiKeyRevokeApi.as_view(), name="api-key-revoke"),
]
