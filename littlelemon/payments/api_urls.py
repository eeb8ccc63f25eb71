"""The payments' API routes, under /api/v1/ (littlelemon/api/urls.py)."""

from django.urls import path

from . import apis

urlpatterns = [
    path("orders/<int:pk>/refunds/", apis.OrderRefundApi.as_view(), name="order-refunds"),
]
