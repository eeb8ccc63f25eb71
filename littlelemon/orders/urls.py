from django.urls import path

from . import apis

urlpatterns = [
    path("orders/", apis.OrderListApi.as_view(), name="orders"),
    path("orders/<int:pk>/", apis.OrderDetailApi.as_view(), name="order"),
    path("orders/<int:pk>/status/", apis.OrderStatusApi.as_view(), name="order-status"),
    path("orders/<int:pk>/assign/", apis.OrderAssignApi.as_view(), name="order-assign"),
    path("orders/<int:pk>/take/", apis.OrderTakeApi.as_view(), name="order-take"),
    path("orders/<int:pk>/reorder/", apis.OrderReorderApi.as_view(), name="order-reorder"),
    path("orders/<int:pk>/events/", apis.OrderEventListApi.as_view(), name="order-events"),
]
