"""The staff screens, namespace `staff` (under /staff/)."""

from django.urls import path

from .views import board, deliveries, floor, home, kitchen, menu, menu_options, payments, people, reports, restaurant

app_name = "staff"

urlpatterns = [
    path("", home.home, name="home"),
    path("kitchen/", kitchen.kitchen, name="kitchen"),
    path("kitchen/board/", kitchen.kitchen_board, name="kitchen_board"),
    path("kitchen/orders/<int:order_id>/status/", kitchen.kitchen_order_status, name="kitchen_order_status"),
    path("kitchen/station/", kitchen.kitchen_station_choose, name="kitchen_station"),
    path("kitchen/stations/", kitchen.stations, name="kitchen_stations"),
    path("kitchen/stations/<int:station_id>/", kitchen.station_edit, name="kitchen_station_edit"),
    path("kitchen/stations/<int:station_id>/delete/", kitchen.station_delete, name="kitchen_station_delete"),
    path("orders/", board.board, name="orders"),
    # The manager's order board (views/board.py).
    path("orders/columns/", board.board_columns, name="orders_columns"),
    path("orders/pause/", board.orders_pause, name="orders_pause"),
    path("orders/extend/", board.estimates_extend, name="orders_extend"),
    path("orders/<int:order_id>/", board.order_detail, name="order_detail"),
    path("orders/<int:order_id>/accept/", board.order_accept, name="order_accept"),
    path("orders/<int:order_id>/advance/", board.order_advance, name="order_advance"),
    path("orders/<int:order_id>/reject/", board.order_stop, {"action": "reject"}, name="order_reject"),
    path("orders/<int:order_id>/cancel/", board.order_stop, {"action": "cancel"}, name="order_cancel"),
    path("orders/<int:order_id>/assign/", board.order_assign, name="order_assign"),
    path("orders/<int:order_id>/refund/", payments.order_refund, name="order_refund"),
    path("orders/cash/", payments.cash, name="orders_cash"),
    path("orders/cash/<int:driver_id>/received/", payments.cash_received, name="orders_cash_received"),
    # The bookings floor (views/floor.py).
    path("floor/", floor.floor, name="floor"),
    path("floor/bookings/new/", floor.floor_booking_new, name="floor_booking_new"),
    path("floor/walk-in/", floor.floor_walk_in, name="floor_walk_in"),
    path("floor/bookings/<int:booking_id>/", floor.floor_booking, name="floor_booking"),
    path("floor/bookings/<int:booking_id>/status/", floor.floor_booking_status, name="floor_booking_status"),
    path("floor/combinations/", floor.floor_combinations, name="floor_combinations"),
    path("floor/combinations/<int:combination_id>/", floor.floor_combination, name="floor_combination"),
    path("deliveries/", deliveries.deliveries, name="deliveries"),
    # The delivery-crew app (staff/views/deliveries.py).
    path("deliveries/list/", deliveries.delivery_list, name="delivery_list"),
    path("deliveries/<int:order_id>/", deliveries.delivery, name="delivery"),
    path("deliveries/<int:order_id>/on-my-way/", deliveries.delivery_on_my_way, name="delivery_on_my_way"),
    path("deliveries/<int:order_id>/delivered/", deliveries.delivery_delivered, name="delivery_delivered"),
    path("deliveries/<int:order_id>/take/", deliveries.delivery_take, name="delivery_take"),
    path("deliveries/<int:order_id>/photo/", deliveries.delivery_proof_photo, name="delivery_proof_photo"),
    path("deliveries/manifest.webmanifest", deliveries.manifest, name="deliveries_manifest"),
    path("deliveries/sw.js", deliveries.service_worker, name="deliveries_sw"),
    path("deliveries/offline/", deliveries.offline, name="deliveries_offline"),
    # The back office's menu editor and restaurant settings (views/menu.py, views/restaurant.py).
    path("menu/", menu.menu, name="menu"),
    path("menu/categories/add/", menu.category_add, name="menu_category_add"),
    path("menu/categories/<int:category_id>/", menu.category_edit, name="menu_category_edit"),
    path("menu/categories/<int:category_id>/move/", menu.category_move, name="menu_category_move"),
    path("menu/dishes/add/", menu.dish_add, name="menu_dish_add"),
    path("menu/dishes/<int:item_id>/", menu.dish_edit, name="menu_dish_edit"),
    path("menu/dishes/<int:item_id>/availability/", menu.dish_availability, name="menu_dish_availability"),
    path("menu/dishes/<int:item_id>/remove/", menu.dish_remove, name="menu_dish_remove"),
    path("menu/dishes/<int:item_id>/restore/", menu.dish_restore, name="menu_dish_restore"),
    path("menu/options/", menu_options.option_groups, name="menu_options"),
    path("menu/options/add/", menu_options.option_group_edit, name="menu_option_group_add"),
    path("menu/options/<int:group_id>/", menu_options.option_group_edit, name="menu_option_group_edit"),
    path("settings/", restaurant.settings_page, name="settings"),
    path("settings/hours/", restaurant.opening_hours, name="settings_hours"),
    path("settings/closures/", restaurant.closures, name="settings_closures"),
    path("settings/closures/<int:closure_id>/delete/", restaurant.closure_delete, name="settings_closure_delete"),
    # The reports (views/reports.py).
    path("reports/", reports.reports, name="reports"),
    path("reports/<slug:slug>/", reports.reports, name="report"),
    path("reports/<slug:slug>/csv/", reports.report_csv, name="report_csv"),
    # Staff accounts and customers' data (staff/views/people.py).
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="people_invite"),
    path("people/policy/", people.policy, name="people_policy"),
    path("people/<int:user_id>/roles/", people.person_role, name="people_role"),
    path("people/<int:user_id>/resend/", people.invite_resend, name="people_resend"),
    path("people/<int:user_id>/two-factor/reset/", people.two_factor_reset, name="people_two_factor_reset"),
    path("people/customers/<int:user_id>/", people.customer, name="people_customer"),
    path("people/customers/<int:user_id>/export/", people.customer_export, name="people_customer_export"),
    path("people/customers/<int:user_id>/delete/", people.customer_delete, name="people_customer_delete"),
]
