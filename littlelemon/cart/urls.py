from django.urls import path

from . import apis

urlpatterns = [
    path("cart/", apis.CartApi.as_view(), name="cart"),
    path("cart/guest/", apis.GuestCartApi.as_view(), name="cart-guest"),
    path("cart/items/", apis.CartItemsApi.as_view(), name="cart-items"),
    path("cart/items/<int:pk>/", apis.CartItemApi.as_view(), name="cart-item"),
]
