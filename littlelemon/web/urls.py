"""The customer site, namespace `web`."""

from django.urls import path

from littlelemon.accounts.ratelimit import login_limited, password_reset_limited

from .views import accounts, bookings, cart, dish, guest, orders, pages, payments, privacy, two_factor

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("menu/", pages.menu, name="menu"),
    path("menu/<slug:slug>/", dish.dish, name="dish"),
    path("menu/<slug:slug>/add/", dish.dish_add, name="dish_add"),
    path("cart/", cart.cart, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/<int:line_id>/", cart.cart_line_update, name="cart_line_update"),
    path("cart/<int:line_id>/remove/", cart.cart_line_remove, name="cart_line_remove"),
    path("checkout/", orders.checkout, name="checkout"),
    path("orders/", orders.orders, name="orders"),
    path("orders/<int:order_id>/", orders.order, name="order"),
    path("orders/<int:order_id>/status/", orders.order_status, name="order_status"),
    path("orders/<int:order_id>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:order_id>/again/", orders.order_again, name="order_again"),
    path("orders/<int:order_id>/pay/", payments.order_pay, name="order_pay"),
    path("orders/<int:order_id>/pay/return/", payments.order_pay_return, name="order_pay_return"),
    path("track/<str:token>/", guest.order_tracked, name="order_tracked"),
    path("track/<str:token>/status/", guest.order_tracked_status, name="order_tracked_status"),
    path("account/claim/", guest.claim_request, name="claim_request"),
    path("account/claim/<str:token>/", guest.claim_confirm, name="claim_confirm"),
    path("book/", bookings.booking, name="booking"),
    path("bookings/", bookings.bookings, name="bookings"),
    path("bookings/<int:booking_id>/", bookings.booking_change, name="booking_change"),
    path("bookings/<int:booking_id>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("account/", accounts.account, name="account"),
    path("account/signup/", accounts.signup, name="signup"),
    # Two-factor log-in (staff), staff invitations, a customer's data (views/two_factor.py, privacy.py).
    path("account/two-factor/", two_factor.two_factor_setup, name="two_factor"),
    path("account/two-factor/qr.svg", two_factor.two_factor_qr, name="two_factor_qr"),
    path("account/two-factor/off/", two_factor.two_factor_disable, name="two_factor_disable"),
    path("account/login/code/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("account/invitation/<str:token>/", privacy.invitation_accept, name="invitation_accept"),
    path("account/data/", privacy.account_data_export, name="account_export"),
    path("account/delete/", privacy.account_delete, name="account_delete"),
    path("account/login/", login_limited(accounts.LoginView.as_view()), name="login"),
    path("account/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/reset/", password_reset_limited(accounts.PasswordResetView.as_view()), name="password_reset"
    ),
    path("account/password/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "account/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
