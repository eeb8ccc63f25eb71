"""`manage.py seed_demo`: load the demo restaurant. Safe to run again: nothing is duplicated."""

from contextlib import suppress
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.bookings import selectors as booking_selectors
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.enums import ACTIVE_STATUSES, BookingStatus
from littlelemon.bookings.models import Booking, Table, TableCombination
from littlelemon.cart import services as cart_services
from littlelemon.cart.models import CartLine
from littlelemon.core.exceptions import ApplicationError
from littlelemon.events.models import OutboxEvent
from littlelemon.kitchen import services as kitchen_services
from littlelemon.kitchen.models import Station
from littlelemon.menu import services as menu_services
from littlelemon.menu.models import AvailabilityWindow, Category, MenuItem
from littlelemon.orders import guests, placement, transitions
from littlelemon.orders.models import Order
from littlelemon.recommendations.services import recommendations_recompute
from littlelemon.restaurant import services as restaurant_services
from littlelemon.restaurant.models import Closure, OpeningHours
from littlelemon.restaurant.selectors import restaurant_settings_get, restaurant_today, restaurant_tz, schedule_load

from ... import data
from ...history import seed_history
from ...options import menu_options_seed
from ...regulars import regulars_seed


class Command(BaseCommand):
    help = "Load the Little Lemon demo restaurant (menu, users for every role, tables, bookings). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off (never on a real site).")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the server will answer, for the links printed at the end (`make run` passes HOST and PORT).",
        )

    def handle(self, *args, force: bool = False, quiet_logins: bool = False, url: str = "", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo users and data with DEBUG off. Use --force if you really mean it."
            )
        with transaction.atomic():
            last_event = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self._restaurant()
            self._menu()
            self._menu_times_and_portions()
            menu_options_seed()
            self._users()
            self._staff_invitation()
            self._stations()
            self._tables()
            self._combinations()
            self._bookings()
            self._floor_today()
            self._orders()
            self._payments()
            self._guest_order()
            self._back_office()
            seed_history()  # past weeks for the reports (demo/history.py)
            self._regulars()
            self._events_settle(after=last_event)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo restaurant ready: {Category.objects.count()} categories, "
                f"{MenuItem.objects.count()} dishes, {User.objects.count()} users, "
                f"{Table.objects.count()} tables, {Booking.objects.count()} bookings, {Order.objects.count()} orders."
            )
        )
        if not quiet_logins:
            self._print_logins(url.rstrip("/") or "http://127.0.0.1:8000")

    def _restaurant(self) -> None:
        restaurant_services.restaurant_settings_update(data=data.RESTAURANT)
        if not OpeningHours.objects.exists():
            for weekday, ranges in data.OPENING_HOURS.items():
                for opens, closes in ranges:
                    restaurant_services.opening_hours_create(
                        weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
                    )

    def _menu(self) -> None:
        for slug, title, position in data.CATEGORIES:
            category = self._category(slug=slug, title=title, position=position)
            for index, dish in enumerate(data.DISHES[slug], start=1):
                self._dish(category, dish, position=position * 100 + index)

    def _menu_times_and_portions(self) -> None:
        """The categories served only at some times (breakfast, weekend brunch, lunch specials)
        with their windows and dishes, and a daily special with portions."""
        for slug, title, position, windows, dishes in data.TIMED_CATEGORIES:
            category = self._category(slug=slug, title=title, position=position)
            for weekday, (starts, ends) in windows.items():
                AvailabilityWindow.objects.get_or_create(
                    category=category,
                    weekday=weekday,
                    starts=time.fromisoformat(starts),
                    ends=time.fromisoformat(ends),
                )
            for index, dish in enumerate(dishes, start=1):
                self._dish(category, dish, position=position * 100 + index)
        category_slug, *dish, portions = data.DAILY_SPECIAL
        self._dish(Category.objects.get(slug=category_slug), dish, position=0, daily_portions=portions)

    @staticmethod
    def _category(*, slug: str, title: str, position: int) -> Category:
        return Category.objects.filter(slug=slug).first() or menu_services.category_create(
            title=title, slug=slug, position=position
        )

    @staticmethod
    def _dish(category: Category, dish: tuple | list, *, position: int, **fields) -> None:
        """A dish of the demo menu (a `data.DISHES` entry), made unless its category has it."""
        title, price, description, dietary, allergens, featured = dish
        if not MenuItem.objects.filter(title=title, category=category).exists():
            menu_services.menu_item_create(
                title=title,
                price=price,
                description=description,
                category=category,
                dietary=dietary,
                allergens=allergens,
                featured=featured,
                position=position,
                **fields,
            )

    def _back_office(self) -> None:
        """What the back office's menu editor and settings screen show beyond the menu: a hidden
        category (being prepared), an archived dish (off the menu, kept for past orders) and a
        closure coming up, whose reason customers read."""
        seasonal = Category.objects.filter(slug="autumn-specials").first() or menu_services.category_create(
            title="Autumn specials", slug="autumn-specials", position=90, hidden=True
        )
        if not MenuItem.objects.filter(slug="pumpkin-soup").exists():
            menu_services.menu_item_create(
                title="Pumpkin soup", slug="pumpkin-soup", price="7.50", category=seasonal, dietary=["vegan"],
                description="Roasted pumpkin, ginger and a swirl of coconut cream.",
            )  # fmt: skip
        retired = MenuItem.objects.filter(slug="retired-lemon-cake").first()
        if retired is None:
            retired = menu_services.menu_item_create(
                title="Lemon cake (last summer's)", slug="retired-lemon-cake", price="5.00", category=seasonal
            )
        if not retired.archived:
            menu_services.menu_item_archive(item=retired)
        closed_on = restaurant_today() + timedelta(days=45)
        if (
            not Closure.objects.filter(reason="Staff training day").exists()
            and not Closure.objects.filter(date=closed_on).exists()
        ):
            restaurant_services.closure_create(date=closed_on, reason="Staff training day")

    def _users(self) -> None:
        for username, (password, email, role, first_name, last_name) in data.USERS.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=email, first_name=first_name, last_name=last_name)
                user.set_password(password)
                user.is_superuser = user.is_staff = role == "admin"
                user.save()
            if role not in ("admin", "customer"):
                # The role groups come from a migration; recreate one if someone deleted it.
                user.groups.add(Group.objects.get_or_create(name=role)[0])

    @staticmethod
    def _staff_invitation() -> None:
        """A cook invited by the manager who has not chosen a password yet: the Staff screen
        shows the pending invitation (and can send a new link, which the worker e-mails)."""
        from littlelemon.accounts.invitations import staff_invite

        email = "new.cook@littlelemon.localhost"
        manager = User.objects.filter(groups__name="manager").order_by("pk").first()
        if manager is not None and not User.objects.filter(email=email).exists():
            staff_invite(actor=manager, email=email, first_name="Noor", last_name="Haddad", role="kitchen")

    def _stations(self) -> None:
        manager = User.objects.get(username="manager")
        for position, (name, slugs) in enumerate(data.STATIONS.items()):
            if not Station.objects.filter(name__iexact=name).exists():
                categories = list(Category.objects.filter(slug__in=slugs))
                kitchen_services.station_create(actor=manager, name=name, categories=categories, position=position)

    def _tables(self) -> None:
        for label, seats, area in data.TABLES:
            if not Table.objects.filter(label__iexact=label).exists():
                booking_services.table_create(label=label, seats=seats, area=area)

    def _combinations(self) -> None:
        manager = User.objects.get(username="manager")
        for name, labels in data.COMBINATIONS:
            if not TableCombination.objects.filter(name__iexact=name).exists():
                tables = list(Table.objects.filter(label__in=labels))
                booking_services.combination_create(actor=manager, name=name, tables=tables)

    def _bookings(self) -> None:
        """A few upcoming bookings, made through the services at free slots, whenever the demo
        runs (late at night, on a closed day): only those missing are made again."""
        now = timezone.now()
        manager = User.objects.get(username="manager")
        customer = User.objects.get(username="customer")
        upcoming = Booking.objects.filter(status__in=ACTIVE_STATUSES, end__gt=now)
        for who, party_size, preferred, days_ahead, notes in data.BOOKINGS:
            if who == "customer":
                if upcoming.filter(customer=customer, party_size=party_size).exists():
                    continue
                actor, guest = customer, {}
            else:
                if upcoming.filter(guest_name=who).exists():
                    continue
                actor, guest = manager, {"guest_name": who, "guest_phone": data.GUEST_PHONES[who]}
            start = self._free_start(party_size=party_size, preferred=preferred, days_ahead=days_ahead, now=now)
            if start is None:
                self.stderr.write(f"No free slot for {who} ({party_size}) in the next weeks: skipped.")
                continue
            booking_services.booking_create(
                actor=actor, start=start, party_size=party_size, notes=notes, now=now, **guest
            )

    def _floor_today(self) -> None:
        """Today's bookings across statuses, for the bookings floor: made through the services
        with their clock set to when each step would have happened (booked in the morning,
        seated at the start, ...). Only those missing are made again; none on a closed day."""
        now = timezone.now()
        tz = restaurant_tz()
        today = now.astimezone(tz).date()
        morning = datetime.combine(today, time(0), tzinfo=tz)
        manager = User.objects.get(username="manager")
        for guest, party_size, preferred, outcome in data.FLOOR_TODAY:
            if booking_selectors.booking_list_on(day=today).filter(guest_name=guest).exists():
                continue
            slots = booking_selectors.availability_for(day=today, party_size=party_size, staff=True, now=morning).slots
            if not slots:
                continue
            target = datetime.combine(today, time.fromisoformat(preferred), tzinfo=tz)
            start = min(slots, key=lambda slot: abs(slot.start - target)).start
            booking = booking_services.booking_create(
                actor=manager, start=start, party_size=party_size, guest_name=guest, now=morning
            )
            self._floor_status(booking, manager, outcome=outcome, now=now)

    @staticmethod
    def _floor_status(booking: Booking, manager, *, outcome: str, now: datetime) -> None:
        """Each step through the status service, its clock at the moment the step happened."""
        change = booking_services.booking_status_change
        grace = timedelta(minutes=settings.BOOKING_NO_SHOW_GRACE_MINUTES)
        if outcome == BookingStatus.CANCELLED:
            booking_services.booking_cancel(booking=booking, actor=manager, now=booking.start - timedelta(hours=2))
        elif outcome == BookingStatus.NO_SHOW and booking.start + grace <= now:
            change(booking=booking, actor=manager, status=BookingStatus.NO_SHOW, now=booking.start + grace)
        elif booking.start <= now:
            change(booking=booking, actor=manager, status=BookingStatus.SEATED, now=booking.start)
            if booking.end <= now:
                change(booking=booking, actor=manager, status=BookingStatus.COMPLETED, now=booking.end)

    @staticmethod
    def _free_start(*, party_size: int, preferred: str, days_ahead: int, now: datetime) -> datetime | None:
        """The free start nearest `preferred` (local HH:MM) on the first day with one, from `days_ahead` on."""
        tz = restaurant_tz()
        today = now.astimezone(tz).date()
        wanted = time.fromisoformat(preferred)
        for offset in range(days_ahead, days_ahead + 21):
            day = today + timedelta(days=offset)
            slots = booking_selectors.availability_for(day=day, party_size=party_size, now=now).slots
            if slots:
                target = datetime.combine(day, wanted, tzinfo=tz)
                return min(slots, key=lambda slot: abs(slot.start - target)).start
        return None

    def _orders(self) -> None:
        """The demo customer's orders, made as real ones are: a cart, `order_place`, then each
        step by the person whose step it is. Their own cart is put back afterwards."""
        people = {name: User.objects.get(username=name) for name in ("customer", "manager", "kitchen", "driver")}
        customer = people["customer"]
        keys = [order[0] for order in data.ORDERS]
        made = set(
            Order.objects.filter(customer=customer, idempotency_key__in=keys).values_list("idempotency_key", flat=True)
        )
        if not made and Order.objects.filter(customer=customer).exists():
            return  # made on an earlier day: their keys have expired since (orders/housekeeping.py)
        missing = [order for order in data.ORDERS if order[0] not in made]
        if not missing:
            return
        kept = list(CartLine.objects.filter(user=customer).values_list("menuitem_id", "quantity", "selection"))
        scheduled_for = self._order_time()
        for key, fulfilment, dishes, tip, payment_method, status in missing:
            cart_services.cart_clear(owner=customer)
            try:
                for title, quantity in dishes:
                    dish = MenuItem.objects.get(title=title)
                    cart_services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=quantity)
                order, _ = placement.order_place(
                    customer=customer,
                    fulfilment=fulfilment,
                    delivery_address=data.DEMO_ADDRESS,
                    scheduled_for=scheduled_for,
                    tip=tip,
                    payment_method=payment_method,
                    idempotency_key=key,
                )
                for who, step in data.ORDER_PATHS[status]:
                    if step == "assign":
                        transitions.order_assign(order=order, actor=people[who], delivery_crew=people["driver"])
                    else:
                        transitions.order_status_change(order=order, actor=people[who], status=step)
            except (ApplicationError, MenuItem.DoesNotExist) as error:  # e.g. a dish was sold out by hand
                self.stderr.write(f"Demo order {key} skipped: {error}")
        cart_services.cart_clear(owner=customer)
        for menuitem_id, quantity, selection in kept:  # with their options, as they were
            with suppress(ApplicationError):  # sold out meanwhile: left out
                cart_services.cart_item_add(
                    owner=customer,
                    menuitem_id=menuitem_id,
                    quantity=quantity,
                    choices=selection.get("choices"),
                    slots=selection.get("slots"),
                )

    def _payments(self) -> None:
        """A refund on the ledger (littlelemon/payments): the manager gave back a melted dessert
        on the first demo order (its money was collected in person on delivery)."""
        from littlelemon.payments.models import Refund
        from littlelemon.payments.services import refund_request

        order = Order.objects.filter(idempotency_key="demo-order-1", status="delivered").first()
        if order is None or Refund.objects.filter(payment__order=order).exists():
            return
        line = order.items.filter(title="Lemon Dessert").first()
        if line is not None:
            manager = User.objects.get(username="manager")
            refund_request(
                order=order.pk, actor=manager, amount=None, order_item_id=line.pk, reason="Dessert arrived melted"
            )

    def _regulars(self) -> None:
        """The regulars' past orders (demo/regulars.py), then the recommendations learnt from them."""
        regulars_seed()
        recommendations_recompute()

    def _guest_order(self) -> None:
        """One order placed without an account (guest checkout), to follow by its tracking link
        (printed with the logins) and to claim by signing up as gina@example.com."""
        if Order.objects.filter(customer__isnull=True, guest_email=data.GUEST["email"]).exists():
            return
        guest_cart = cart_services.guest_cart_create()
        try:
            for title, quantity in data.GUEST_DISHES:
                dish = MenuItem.objects.get(title=title)
                cart_services.cart_item_add(owner=guest_cart, menuitem_id=dish.pk, quantity=quantity)
            placement.order_place(
                guest_cart=guest_cart,
                guest=guests.guest_details_checked(**data.GUEST),
                fulfilment="pickup",
                scheduled_for=self._order_time(),
                idempotency_key="demo-guest-1",
            )
        except (ApplicationError, MenuItem.DoesNotExist) as error:
            self.stderr.write(f"Demo guest order skipped: {error}")

    def _order_time(self):
        """None (as soon as possible) while the restaurant takes orders, else half an hour after it opens."""
        settings = restaurant_settings_get()
        now = timezone.now()
        schedule = schedule_load()
        if schedule.accepts_orders_at(now, cutoff_minutes=settings.order_cutoff_minutes):
            return None
        opening = schedule.next_opening(now)
        return opening + timedelta(minutes=30) if opening else None

    @staticmethod
    def _events_settle(*, after: int) -> None:
        """The demo's bookings and orders are history, not news: their outbox events are marked
        routed and delivered, so the worker e-mails nobody about them (nor calls any webhook)."""
        now = timezone.now()
        OutboxEvent.objects.filter(pk__gt=after, routed_at__isnull=True).update(routed_at=now, delivered_at=now)

    @staticmethod
    def _guest_tracking_line(url: str) -> str:
        order = Order.objects.filter(customer__isnull=True, guest_email=data.GUEST["email"]).first()
        if order is None:
            return ""
        return f"  Guest order  {url}/track/{guests.order_tracking_token(order)}/\n"

    def _print_logins(self, url: str) -> None:
        self.stdout.write("\nDemo logins (username / password):")
        for username, (password, _email, role, *_names) in data.USERS.items():
            self.stdout.write(f"  {role:<14} {username:<10} / {password}")
        self.stdout.write(
            "\nOnce the server is up:\n"
            f"  Web site     {url + '/':<33} (menu: /menu/, log in: /account/login/)\n"
            f"  Staff        {url + '/staff/':<33} (manager: orders board, kitchen: display, driver: deliveries)\n"
            f"  API docs     {url + '/api/docs/':<33} (Redoc: /api/redoc/, schema: /api/schema/)\n"
            f"  Admin        {url}/admin/\n"
            f"{self._guest_tracking_line(url)}"
            f"  API root     {url}/api/v1/menu-items/\n"
        )
