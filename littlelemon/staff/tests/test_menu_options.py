"""The menu editor's portions, time windows and option groups (/staff/menu/): who may use them,
what is saved (and audited), refusals next to their field with the database unchanged, what the
customer's dish page shows afterwards (its ETag changes), CSRF, escaping and query counts."""

from datetime import UTC, datetime, time
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from littlelemon.audit.models import AuditEntry
from littlelemon.core.exceptions import InvalidInput
from littlelemon.menu import services as menu_services
from littlelemon.menu.combo_slots import combo_slot_save
from littlelemon.menu.models import (
    AvailabilityWindow,
    ComboSlot,
    ComboSlotOption,
    MenuItem,
    MenuItemOptionGroup,
    OptionChoice,
    OptionGroup,
)
from littlelemon.menu.option_groups import menu_item_option_groups_set, option_group_save
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory, group_with_choices
from littlelemon.staff.tests.test_menu import MANAGERS, ROLES, dish_post, expected, signed_in
from littlelemon.web.tests.htmltext import text

pytestmark = pytest.mark.django_db

OPTIONS = reverse("staff:menu_options")
ADD_GROUP = reverse("staff:menu_option_group_add")
MONDAY_NOON = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)  # a Monday, noon in the restaurant (America/Chicago)


def snapshot() -> list:
    return [
        list(MenuItem.objects.order_by("pk").values()),
        list(AvailabilityWindow.objects.order_by("pk").values()),
        list(OptionGroup.objects.order_by("pk").values()),
        list(OptionChoice.objects.order_by("pk").values()),
        list(MenuItemOptionGroup.objects.order_by("pk").values()),
        list(ComboSlot.objects.order_by("pk").values()),
        list(ComboSlotOption.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    ]


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def windows_post(rows=(), initial=0, prefix="windows") -> dict:
    """A windows formset as the page posts it: `rows` (weekday, starts, ends[, delete]) then one blank row."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + 1),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, (weekday, starts, ends, *delete) in enumerate(rows):
        data.update({f"{prefix}-{index}-weekday": weekday, f"{prefix}-{index}-starts": starts})
        data[f"{prefix}-{index}-ends"] = ends
        if delete:
            data[f"{prefix}-{index}-DELETE"] = "on"
    return data


def group_post(name="Size", low="1", high="1", position="0", choices=(), initial=0) -> dict:
    """A group's page as posted: `choices` (id, name, price_delta[, available]) then a blank row."""
    data = {
        "name": name,
        "min_choices": low,
        "max_choices": high,
        "position": position,
        "choices-TOTAL_FORMS": str(len(choices) + 1),
        "choices-INITIAL_FORMS": str(initial),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        f"choices-{len(choices)}-price_delta": "0.00",
        f"choices-{len(choices)}-position": "0",
        f"choices-{len(choices)}-available": "on",
    }
    for index, (pk, choice, delta, *available) in enumerate(choices):
        data.update(
            {
                f"choices-{index}-id": "" if pk is None else str(pk),
                f"choices-{index}-name": choice,
                f"choices-{index}-price_delta": delta,
                f"choices-{index}-position": str(index),
            }
        )
        if not available or available[0]:
            data[f"choices-{index}-available"] = "on"
    return data


def dish_page(dish):
    return Client().get(reverse("web:dish", args=[dish.slug]))


def menu_etag() -> str:
    """The public menu's ETag (the `menu` stamp): a change must show at once, never a 304."""
    return Client().get("/api/v1/menu-items/")["ETag"]


class TestWhoMay:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("path", [OPTIONS, ADD_GROUP, "/staff/menu/options/{group}/"])
    def test_the_pages(self, role, path):
        group = group_with_choices(name="Size", choices=[("Large", "2.00")])
        client, _ = signed_in(role)

        response = client.get(path.format(group=group.pk))

        assert response.status_code == expected(role)
        if role in MANAGERS:
            assert "Size" in response.content.decode() or path == ADD_GROUP

    @pytest.mark.parametrize("role", ROLES)
    def test_saving_a_group(self, role):
        group = group_with_choices(name="Size", choices=[("Large", "2.00")])
        choice = group.choices.get()
        before = snapshot()
        client, _ = signed_in(role)

        response = client.post(
            reverse("staff:menu_option_group_edit", args=[group.pk]),
            group_post(name="Sizes", choices=[(choice.pk, "Large", "2.50")], initial=1),
        )

        assert response.status_code == expected(role, 302)
        choice.refresh_from_db()
        assert choice.price_delta == (Decimal("2.50") if role in MANAGERS else Decimal("2.00"))
        assert (snapshot() == before) is (role not in MANAGERS)

    @pytest.mark.parametrize("role", ROLES)
    def test_adding_a_group(self, role):
        client, _ = signed_in(role)

        response = client.post(ADD_GROUP, group_post(choices=[(None, "Small", "0")]))

        assert response.status_code == expected(role, 302)
        assert OptionGroup.objects.exists() is (role in MANAGERS)

    @pytest.mark.parametrize("role", ROLES)
    def test_windows_and_portions_of_a_dish(self, role):
        dish = MenuItemFactory(price=Decimal("10.00"))
        client, _ = signed_in(role)

        response = client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            {**dish_post(dish.category, price="10.00", daily_portions="5"), **windows_post([("0", "07:00", "11:00")])},
        )

        assert response.status_code == expected(role, 302)
        dish.refresh_from_db()
        assert (dish.daily_portions is not None) is (role in MANAGERS)
        assert AvailabilityWindow.objects.filter(menuitem=dish).exists() is (role in MANAGERS)

    @pytest.mark.parametrize("role", ROLES)
    def test_windows_of_a_category(self, role):
        category = CategoryFactory(title="Breakfast")
        client, _ = signed_in(role)

        response = client.post(
            reverse("staff:menu_category_edit", args=[category.pk]),
            {"title": "Breakfast", **windows_post([("5", "08:00", "11:30")])},
        )

        assert response.status_code == expected(role, 302)
        assert AvailabilityWindow.objects.filter(category=category).exists() is (role in MANAGERS)

    def test_csrf_is_required(self, manager):
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)

        response = client.post(ADD_GROUP, group_post(choices=[(None, "Small", "0")]))

        assert response.status_code == 403
        assert not OptionGroup.objects.exists()


class TestDailyPortions:
    def test_set_shown_on_the_list_and_the_dish_page(self, manager_client, manager, freeze):
        freeze(MONDAY_NOON)
        dish = MenuItemFactory(title="Daily special")
        etag = menu_etag()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            dish_post(dish.category, title="Daily special", daily_portions="5"),
        )

        assert response.status_code == 302
        dish.refresh_from_db()
        assert (dish.daily_portions, dish.portions_left_today) == (5, 5)
        assert AuditEntry.objects.filter(action="menu_item.update", actor=manager).exists()
        row = text(manager_client.get(reverse("staff:menu")).content.decode(), css_class="menu-editor__portions")
        assert row == "5 left today"
        page = dish_page(dish)
        assert menu_etag() != etag
        assert page.status_code == 200
        assert "5 left today" in page.content.decode()
        assert 'value="5"' in manager_client.get(reverse("staff:menu_dish_edit", args=[dish.pk])).content.decode()

    def test_sold_out_for_today_on_the_list(self, manager_client, freeze):
        freeze(MONDAY_NOON)
        MenuItemFactory(daily_portions=3, portions_left=0, portions_date=MONDAY_NOON.date())

        page = manager_client.get(reverse("staff:menu")).content.decode()

        assert "Sold out today" in text(page, css_class="badge--sold-out")

    def test_lowering_keeps_what_was_taken_today(self, manager_client, freeze):
        freeze(MONDAY_NOON)
        dish = MenuItemFactory(daily_portions=12, portions_left=4, portions_date=MONDAY_NOON.date())

        manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]), dish_post(dish.category, daily_portions="10")
        )

        dish.refresh_from_db()
        assert (dish.daily_portions, dish.portions_left) == (10, 2)

    def test_blank_is_unlimited(self, manager_client):
        dish = MenuItemFactory(daily_portions=12)

        manager_client.post(reverse("staff:menu_dish_edit", args=[dish.pk]), dish_post(dish.category))

        dish.refresh_from_db()
        assert dish.daily_portions is None

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("0", "At least 1 portion a day (leave it empty for no limit)."),
            ("-3", "At least 1 portion a day (leave it empty for no limit)."),
            ("2.5", "Enter a whole number of portions, e.g. 12."),
            ("many", "Enter a whole number of portions, e.g. 12."),
            ("10001", "At most 10000 portions a day."),
        ],
    )
    def test_refusals(self, manager_client, value, message):
        dish = MenuItemFactory(daily_portions=7)
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            dish_post(dish.category, price="99.00", daily_portions=value),
        )

        assert response.status_code == 200
        assert message in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before


class TestWindows:
    def test_a_dish_gets_several_windows_a_day(self, manager_client, manager, freeze):
        freeze(MONDAY_NOON)
        dish = MenuItemFactory(title="Porridge")
        etag = menu_etag()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            {
                **dish_post(dish.category, title="Porridge"),
                **windows_post([("0", "07:00", "10:00"), ("0", "15:00", "17:00"), ("2", "07:00", "10:00")]),
            },
        )

        assert response.status_code == 302
        assert list(AvailabilityWindow.objects.filter(menuitem=dish).values_list("weekday", "starts", "ends")) == [
            (0, time(7), time(10)),
            (0, time(15), time(17)),
            (2, time(7), time(10)),
        ]
        entry = AuditEntry.objects.get(action="menu_item.windows", actor=manager)
        assert entry.changes["windows"]["after"] == [
            "Monday 07:00-10:00",
            "Monday 15:00-17:00",
            "Wednesday 07:00-10:00",
        ]
        page = dish_page(dish)
        assert menu_etag() != etag
        assert page.status_code == 200
        assert "Served from 15:00" in page.content.decode()
        form = manager_client.get(reverse("staff:menu_dish_edit", args=[dish.pk])).content.decode()
        assert 'name="windows-1-starts" value="15:00"' in form

    def test_remove_and_blank_rows(self, manager_client):
        dish = MenuItemFactory()
        AvailabilityWindow.objects.create(menuitem=dish, weekday=0, starts=time(7), ends=time(10))
        AvailabilityWindow.objects.create(menuitem=dish, weekday=1, starts=time(7), ends=time(10))

        manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            {**dish_post(dish.category), **windows_post([("0", "07:00", "10:00", "x"), ("1", "07:00", "10:30")], 2)},
        )

        assert list(AvailabilityWindow.objects.values_list("weekday", "ends")) == [(1, time(10, 30))]

    def test_a_form_without_windows_keeps_them(self, manager_client):
        dish = MenuItemFactory()
        AvailabilityWindow.objects.create(menuitem=dish, weekday=0, starts=time(7), ends=time(10))

        manager_client.post(reverse("staff:menu_dish_edit", args=[dish.pk]), dish_post(dish.category))

        assert AvailabilityWindow.objects.count() == 1

    def test_a_new_dish_and_a_new_category_with_windows(self, manager_client):
        category = CategoryFactory()

        manager_client.post(
            reverse("staff:menu_dish_add"), {**dish_post(category), **windows_post([("6", "09:00", "12:00")])}
        )
        manager_client.post(
            reverse("staff:menu_category_add"), {"title": "Lunch", **windows_post([("4", "11:30", "15:00")])}
        )

        dish = MenuItem.objects.get()
        assert list(AvailabilityWindow.objects.filter(menuitem=dish).values_list("weekday", "starts")) == [(6, time(9))]
        assert list(AvailabilityWindow.objects.filter(category__title="Lunch").values_list("weekday", "ends")) == [
            (4, time(15))
        ]

    def test_a_category_window_reaches_its_dishes(self, manager_client, freeze):
        freeze(MONDAY_NOON)
        category = CategoryFactory(title="Breakfast")
        dish = MenuItemFactory(category=category)

        manager_client.post(
            reverse("staff:menu_category_edit", args=[category.pk]),
            {"title": "Breakfast", **windows_post([("1", "07:00", "11:00")])},
        )

        assert "Served tomorrow from 07:00" in dish_page(dish).content.decode()
        page = manager_client.get(reverse("staff:menu_category_edit", args=[category.pk])).content.decode()
        assert 'name="windows-0-ends" value="11:00"' in page

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            (("0", "11:00", "07:00"), "The window ends after it starts, on the same day"),
            (("0", "11:00", "11:00"), "The window ends after it starts, on the same day"),
            (("0", "", "11:00"), "Enter the time it starts."),
            (("0", "7am", "11:00"), "Enter a time such as 07:00."),
            (("9", "07:00", "11:00"), "Select a valid choice."),
            (("", "07:00", "11:00"), "Choose the day."),
        ],
    )
    def test_refusals_on_a_dish(self, manager_client, row, message):
        dish = MenuItemFactory()
        AvailabilityWindow.objects.create(menuitem=dish, weekday=3, starts=time(7), ends=time(10))
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            {**dish_post(dish.category, price="99.00"), **windows_post([row])},
        )

        assert response.status_code == 200
        assert message in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before

    def test_refusal_on_a_category(self, manager_client):
        category = CategoryFactory(title="Breakfast")
        before = snapshot(), list(type(category).objects.values_list("title"))

        response = manager_client.post(
            reverse("staff:menu_category_edit", args=[category.pk]),
            {"title": "Brunch", **windows_post([("0", "12:00", "09:00")])},
        )

        assert response.status_code == 200
        assert "The window ends after it starts" in text(response.content.decode(), css_class="field--invalid")
        assert (snapshot(), list(type(category).objects.values_list("title"))) == before

    def test_the_service_refuses_and_writes_nothing(self):
        dish = MenuItemFactory()
        AvailabilityWindow.objects.create(menuitem=dish, weekday=3, starts=time(7), ends=time(10))
        before = snapshot()

        with pytest.raises(InvalidInput) as refused:
            menu_services.availability_windows_replace(
                menuitem=dish, windows=[(0, time(7), time(9)), (1, time(9), time(8))]
            )

        assert (refused.value.field, refused.value.extra) == ("ends", {"index": 1})
        assert snapshot() == before
        with pytest.raises(InvalidInput):
            menu_services.availability_windows_replace(windows=[(0, time(7), time(9))])
        with pytest.raises(InvalidInput):
            menu_services.availability_windows_replace(menuitem=dish, windows=[(7, time(7), time(9))])
        assert snapshot() == before

    def test_the_service_replaces_a_categorys_windows(self):
        category = CategoryFactory()
        AvailabilityWindow.objects.create(category=category, weekday=3, starts=time(7), ends=time(10))

        created = menu_services.availability_windows_replace(
            category=category, windows=[(0, time(7), time(9)), (0, time(7), time(9)), (0, time(18), time(22))]
        )

        assert len(created) == 2
        assert list(AvailabilityWindow.objects.values_list("category", "weekday", "starts")) == [
            (category.pk, 0, time(7)),
            (category.pk, 0, time(18)),
        ]
        assert AuditEntry.objects.filter(action="category.windows").count() == 1


class TestOptionGroupList:
    def test_lists_groups_with_their_choices(self, manager_client):
        dish = MenuItemFactory()
        group_with_choices(dish=dish, name="Size", min_choices=1, choices=[("Regular", "0"), ("Large", "2.25")])
        extras = group_with_choices(name="Extras", max_choices=3, choices=[("Cheese", "1.00")], position=1)
        extras.choices.update(available=False)

        page = manager_client.get(OPTIONS).content.decode()

        assert "Regular</li>" in page and "Large (+2.25)</li>" in page
        assert page.index("Size") < page.index("Extras")
        assert "exactly 1" in page and "up to 3 (optional)" in page
        assert "Unavailable" in page

    def test_escapes_what_managers_typed(self, manager_client):
        group_with_choices(name="<script>alert(1)</script>", choices=[("<b>x</b>", "0")])

        page = manager_client.get(OPTIONS).content.decode()

        assert "<script>alert(1)</script>" not in page and "<b>x</b>" not in page
        assert "&lt;b&gt;x&lt;/b&gt;" in page

    @pytest.mark.parametrize("size", [1, 10])
    def test_query_count_does_not_grow(self, manager_client, django_assert_num_queries, size):
        for n in range(size):
            dish = MenuItemFactory()
            group_with_choices(dish=dish, name=f"Group {n}", choices=[("A", "0"), ("B", "1.00"), ("C", "2.00")])
        manager_client.get(OPTIONS)

        # session, user, roles, restaurant settings, groups (with their dish counts), their choices
        with django_assert_num_queries(6):
            response = manager_client.get(OPTIONS)

        assert response.content.decode().count('data-choice="') == 3 * size

    @pytest.mark.parametrize("size", [1, 10])
    def test_the_dish_form_query_count_does_not_grow(self, manager_client, django_assert_num_queries, size):
        dish = MenuItemFactory()
        for n in range(size):
            group_with_choices(dish=dish, name=f"Group {n}", choices=[("A", "0"), ("B", "1.00")])
            AvailabilityWindow.objects.create(menuitem=dish, weekday=n % 7, starts=time(7), ends=time(8 + n))
        url = reverse("staff:menu_dish_edit", args=[dish.pk])
        manager_client.get(url)

        # session, user, roles, the dish, its groups, its windows, restaurant settings, the
        # categories (read twice by the category select), every group
        with django_assert_num_queries(10):
            response = manager_client.get(url)

        assert response.content.decode().count('name="option_groups"') == size


class TestOptionGroupEditing:
    def test_add_a_group_with_its_choices(self, manager_client, manager):
        response = manager_client.post(
            ADD_GROUP,
            group_post(
                name=" Size ", choices=[(None, "Regular", "0"), (None, "Large", "2.25"), (None, "Kids", "-1.50", False)]
            ),
        )

        assert response.status_code == 302
        group = OptionGroup.objects.get()
        assert (group.name, group.min_choices, group.max_choices) == ("Size", 1, 1)
        assert list(group.choices.values_list("name", "price_delta", "available", "position")) == [
            ("Regular", Decimal("0.00"), True, 0),
            ("Large", Decimal("2.25"), True, 1),
            ("Kids", Decimal("-1.50"), False, 2),
        ]
        assert AuditEntry.objects.filter(action="option_group.save", actor=manager).exists()

    def test_edit_rename_remove_and_add_choices(self, manager_client, freeze):
        freeze(MONDAY_NOON)
        dish = MenuItemFactory(price=Decimal("10.00"))
        group = group_with_choices(dish=dish, name="Size", min_choices=1, choices=[("Regular", "0"), ("Large", "2.00")])
        regular, large = group.choices.order_by("position")
        etag = menu_etag()
        data = group_post(
            name="Size",
            choices=[(regular.pk, "Regular", "0"), (large.pk, "Large", "2.00"), (None, "Huge", "4.00")],
            initial=2,
        )
        data["choices-1-DELETE"] = "on"
        data["choices-0-name"] = "Medium"

        response = manager_client.post(reverse("staff:menu_option_group_edit", args=[group.pk]), data)

        assert response.status_code == 302
        assert list(group.choices.values_list("pk", "name", "price_delta")) == [
            (regular.pk, "Medium", Decimal("0.00")),
            (OptionChoice.objects.get(name="Huge").pk, "Huge", Decimal("4.00")),
        ]
        page = dish_page(dish)
        assert menu_etag() != etag
        assert page.status_code == 200
        assert "Medium" in page.content.decode() and "Huge" in page.content.decode()
        assert "Large" not in page.content.decode()

    def test_the_edit_page_shows_what_is_saved(self, manager_client):
        group = group_with_choices(name="Extras", max_choices=3, choices=[("Cheese", "1.25")])

        page = manager_client.get(reverse("staff:menu_option_group_edit", args=[group.pk])).content.decode()

        assert 'value="Extras"' in page and 'name="max_choices" value="3"' in page
        assert 'value="Cheese"' in page and 'value="1.25"' in page

    @pytest.mark.parametrize(
        ("overrides", "choices", "message"),
        [
            ({"low": "2", "high": "1"}, [], "The minimum (2) cannot be above the maximum (1)."),
            ({"high": "0", "low": "0"}, [], "A group allows at least 1 choice."),
            ({"low": "-1"}, [], "The minimum is 0 or more."),
            ({"name": " "}, [], "Give the group a name."),
            ({}, [(None, "", "1.00")], "Name the choice."),
            ({}, [(None, "Huge", "abc")], "Enter the price difference as a number"),
            ({}, [(None, "Huge", "1.001")], "A price difference has at most 2 decimal places."),
            ({}, [(None, "Huge", "1000")], "A price difference is at most 999.99."),
            ({}, [(None, "Tiny", "-10.00")], "A price difference of -10.00 would make Soup (10.00) free or less"),
        ],
    )
    def test_refusals_leave_the_groups_unchanged(self, manager_client, overrides, choices, message):
        dish = MenuItemFactory(title="Soup", price=Decimal("10.00"))
        group = group_with_choices(dish=dish, name="Size", choices=[("Regular", "0")])
        regular = group.choices.get()
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_option_group_edit", args=[group.pk]),
            group_post(choices=[(regular.pk, "Renamed", "0"), *choices], initial=1, **overrides),
        )

        assert response.status_code == 200
        assert message in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before

    def test_a_choice_of_another_group_is_refused(self, manager_client):
        group = group_with_choices(name="Size", choices=[("Regular", "0")])
        other = group_with_choices(name="Extras", choices=[("Cheese", "1.00")]).choices.get()
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_option_group_edit", args=[group.pk]),
            group_post(choices=[(other.pk, "Stolen", "0")], initial=0),
        )

        assert "This choice belongs to another group." in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before

    def test_the_service_refuses_and_writes_nothing(self):
        dish = MenuItemFactory(price=Decimal("5.00"))
        group = group_with_choices(dish=dish, name="Size", choices=[("Regular", "0")])
        before = snapshot()
        data = {"name": "Size", "min_choices": 0, "max_choices": 1, "position": 0}
        choice = {"name": "Kids", "available": True, "position": 0}

        with pytest.raises(InvalidInput) as refused:
            option_group_save(group=group, data=data, choices=[{**choice, "price_delta": Decimal("-5.00")}])
        assert (refused.value.field, refused.value.extra) == ("price_delta", {"index": 0})
        with pytest.raises(InvalidInput) as refused:
            option_group_save(group=group, data={**data, "min_choices": 2}, choices=[])
        assert refused.value.field == "min_choices"
        with pytest.raises(InvalidInput):
            option_group_save(data={**data, "max_choices": 0, "min_choices": 0}, choices=[])
        assert snapshot() == before
        saved = option_group_save(group=group, data=data, choices=[{**choice, "price_delta": Decimal("-4.99")}])
        assert list(saved.choices.values_list("name", "price_delta")) == [("Kids", Decimal("-4.99"))]


class TestDishOptionGroups:
    def test_choose_the_groups_a_dish_offers(self, manager_client, manager):
        dish = MenuItemFactory(title="Burger")
        size = group_with_choices(name="Size", choices=[("Regular", "0")], position=0)
        extras = group_with_choices(name="Extras", max_choices=3, choices=[("Cheese", "1.00")], position=1)
        group_with_choices(name="Sauce", choices=[("Ketchup", "0")], position=2)
        etag = menu_etag()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            dish_post(dish.category, title="Burger", option_groups=[str(extras.pk), str(size.pk)]),
        )

        assert response.status_code == 302
        assert list(dish.option_links.values_list("group__name", "position")) == [("Size", 0), ("Extras", 1)]
        assert AuditEntry.objects.get(action="menu_item.option_groups", actor=manager).changes == {
            "option_groups": {"before": [], "after": ["Size", "Extras"]}
        }
        page = dish_page(dish)
        assert menu_etag() != etag
        assert page.status_code == 200
        assert "Cheese" in page.content.decode() and "Ketchup" not in page.content.decode()
        form = manager_client.get(reverse("staff:menu_dish_edit", args=[dish.pk])).content.decode()
        assert f'value="{size.pk}" id="id_option_groups_0" checked' in form

    def test_a_shared_group_and_unticking(self, manager_client):
        soup, stew = MenuItemFactory(), MenuItemFactory()
        size = group_with_choices(dish=soup, name="Size", choices=[("Bowl", "1.00")])
        MenuItemOptionGroup.objects.create(menuitem=stew, group=size)

        manager_client.post(reverse("staff:menu_dish_edit", args=[soup.pk]), dish_post(soup.category))

        assert list(MenuItemOptionGroup.objects.values_list("menuitem", flat=True)) == [stew.pk]
        assert "1" in text(manager_client.get(OPTIONS).content.decode(), css_class="menu-editor__dishes")

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"option_groups": ["999999"]}, "option_groups", "Choose among the option groups listed."),
            (
                {"option_groups": "{cheap}"},
                "option_groups",
                "A choice at -6.00 would make Soup (5.00) cost zero or less",
            ),
        ],
    )
    def test_refusals(self, manager_client, overrides, field, message):
        dish = MenuItemFactory(title="Soup", price=Decimal("5.00"))
        cheap = group_with_choices(name="Kids", choices=[("Half", "-6.00")])
        before = snapshot()
        data = dish_post(dish.category, title="Soup", price="5.00")
        data.update({key: (str(cheap.pk) if value == "{cheap}" else value) for key, value in overrides.items()})

        response = manager_client.post(reverse("staff:menu_dish_edit", args=[dish.pk]), data)

        assert response.status_code == 200
        assert message in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before

    def test_a_price_cut_below_a_choice_is_refused(self, manager_client):
        dish = MenuItemFactory(title="Soup", price=Decimal("8.00"))
        kids = group_with_choices(dish=dish, name="Kids", choices=[("Half", "-4.00")])
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            dish_post(dish.category, title="Soup", price="3.00", option_groups=[str(kids.pk)]),
        )

        assert "A choice at -4.00 would make Soup (3.00) cost zero or less" in text(
            response.content.decode(), css_class="field--invalid"
        )
        assert snapshot() == before
        with pytest.raises(InvalidInput) as refused:
            menu_services.menu_item_update(item=dish, data={"price": Decimal("4.00")})
        assert refused.value.field == "price"
        with pytest.raises(InvalidInput):
            menu_item_option_groups_set(item=MenuItemFactory(price=Decimal("2.00")), groups=[kids])


def slot_post(name="A side", position="0", offers=(), initial=0) -> dict:
    """A slot's page as posted: `offers` (dish id, supplement; the first `initial` the slot's own
    rows) then one blank row."""
    data = {
        "name": name,
        "position": position,
        "offers-TOTAL_FORMS": str(len(offers) + 1),
        "offers-INITIAL_FORMS": str(initial),
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "1000",
        f"offers-{len(offers)}-supplement": "0.00",
        f"offers-{len(offers)}-position": "0",
    }
    for index, (dish, supplement) in enumerate(offers):
        data.update(
            {
                f"offers-{index}-menuitem": str(dish),
                f"offers-{index}-supplement": supplement,
                f"offers-{index}-position": str(index),
            }
        )
    return data


@pytest.fixture
def lunch_deal():
    """A meal deal (9.50) with a slot "A side" offering Fries (+0) and Salad (+1.00), and a drink."""
    deal = MenuItemFactory(title="Lunch deal", price=Decimal("9.50"), is_combo=True)
    fries, salad = MenuItemFactory(title="Fries"), MenuItemFactory(title="Salad")
    side = ComboSlot.objects.create(combo=deal, name="A side", position=0)
    ComboSlotOption.objects.create(slot=side, menuitem=fries, supplement=Decimal("0.00"), position=0)
    ComboSlotOption.objects.create(slot=side, menuitem=salad, supplement=Decimal("1.00"), position=1)
    return deal, side, fries, salad


class TestCombos:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize(
        "path", ["/staff/menu/dishes/{deal}/slots/add/", "/staff/menu/dishes/{deal}/slots/{slot}/"]
    )
    def test_the_pages(self, role, path, lunch_deal):
        deal, side, *_ = lunch_deal
        client, _ = signed_in(role)

        response = client.get(path.format(deal=deal.pk, slot=side.pk))

        assert response.status_code == expected(role)

    @pytest.mark.parametrize("role", ROLES)
    def test_saving_a_slot(self, role, lunch_deal):
        deal, side, fries, salad = lunch_deal
        before = snapshot()
        client, _ = signed_in(role)

        response = client.post(
            reverse("staff:menu_combo_slot_edit", args=[deal.pk, side.pk]),
            slot_post(offers=[(fries.pk, "0.50"), (salad.pk, "1.00")], initial=2),
        )

        assert response.status_code == expected(role, 302)
        assert (snapshot() == before) is (role not in MANAGERS)

    @pytest.mark.parametrize("role", ROLES)
    def test_removing_a_slot(self, role, lunch_deal):
        deal, side, *_ = lunch_deal
        client, _ = signed_in(role)

        response = client.post(reverse("staff:menu_combo_slot_remove", args=[deal.pk, side.pk]))

        assert response.status_code == expected(role, 302)
        assert ComboSlot.objects.exists() is (role not in MANAGERS)

    def test_mark_a_dish_as_a_meal_deal_and_add_a_slot(self, manager_client, manager):
        deal = MenuItemFactory(title="Kids menu")
        burger, juice = MenuItemFactory(title="Mini burger"), MenuItemFactory(title="Apple juice")
        etag = menu_etag()

        manager_client.post(
            reverse("staff:menu_dish_edit", args=[deal.pk]), dish_post(deal.category, title="Kids menu", is_combo="on")
        )
        page = manager_client.get(reverse("staff:menu_dish_edit", args=[deal.pk])).content.decode()
        response = manager_client.post(
            reverse("staff:menu_combo_slot_add", args=[deal.pk]),
            slot_post(name="A drink", offers=[(juice.pk, "0"), (burger.pk, "1.25")]),
        )

        assert "No slots yet" in page and 'id="slots"' in page
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('staff:menu_dish_edit', args=[deal.pk])}#slots"
        slot = ComboSlot.objects.get(combo=deal)
        assert slot.name == "A drink"
        assert list(slot.options.values_list("menuitem__title", "supplement", "position")) == [
            ("Apple juice", Decimal("0.00"), 0),
            ("Mini burger", Decimal("1.25"), 1),
        ]
        assert AuditEntry.objects.filter(action="combo_slot.save", actor=manager, object_id=str(deal.pk)).exists()
        assert menu_etag() != etag
        customer_page = dish_page(deal).content.decode()
        assert "A drink" in customer_page and "Mini burger" in customer_page
        listed = manager_client.get(reverse("staff:menu_dish_edit", args=[deal.pk])).content.decode()
        assert "Mini burger (+1.25)" in listed

    def test_a_new_meal_deal_opens_at_its_slots(self, manager_client):
        category = CategoryFactory()

        response = manager_client.post(reverse("staff:menu_dish_add"), dish_post(category, is_combo="on"))

        deal = MenuItem.objects.get()
        assert deal.is_combo is True
        assert response["Location"] == f"{reverse('staff:menu_dish_edit', args=[deal.pk])}#slots"

    def test_edit_a_slot(self, manager_client, lunch_deal):
        deal, side, fries, salad = lunch_deal
        data = slot_post(name="A side dish", offers=[(salad.pk, "1.50"), (fries.pk, "0")], initial=2)
        data["offers-1-DELETE"] = "on"

        page = manager_client.get(reverse("staff:menu_combo_slot_edit", args=[deal.pk, side.pk])).content.decode()
        manager_client.post(reverse("staff:menu_combo_slot_edit", args=[deal.pk, side.pk]), data)

        assert f'<option value="{salad.pk}" selected>Salad' in page
        side.refresh_from_db()
        assert side.name == "A side dish"
        assert list(side.options.values_list("menuitem", "supplement")) == [(salad.pk, Decimal("1.50"))]
        assert "Fries" not in dish_page(deal).content.decode()

    def test_remove_a_slot(self, manager_client, lunch_deal):
        deal, side, *_ = lunch_deal

        response = manager_client.post(reverse("staff:menu_combo_slot_remove", args=[deal.pk, side.pk]))

        assert response.status_code == 302
        assert not ComboSlot.objects.exists() and not ComboSlotOption.objects.exists()
        assert AuditEntry.objects.filter(action="combo_slot.delete").exists()

    def test_a_slot_of_another_deal_is_not_found(self, manager_client, lunch_deal):
        _, side, *_ = lunch_deal
        other = MenuItemFactory(is_combo=True)

        assert manager_client.get(reverse("staff:menu_combo_slot_edit", args=[other.pk, side.pk])).status_code == 404
        assert manager_client.post(reverse("staff:menu_combo_slot_remove", args=[other.pk, side.pk])).status_code == 404
        assert ComboSlot.objects.filter(pk=side.pk).exists()

    @pytest.mark.parametrize(
        ("case", "field_css", "message"),
        [
            ("blank name", "field--invalid", "Name the slot, e.g. “A side”."),
            ("no dish", "form-errors", "Offer at least one dish in this slot."),
            ("twice", "field--invalid", "Fries is offered twice in this slot."),
            ("a deal", "field--invalid", "Choose a dish on the menu."),
            ("archived", "field--invalid", "Choose a dish on the menu."),
            ("negative", "field--invalid", "A supplement is 0 or more."),
            ("too much", "field--invalid", "A supplement is at most 999.99."),
            ("not a number", "field--invalid", "Enter the supplement as a number, e.g. 1.50."),
        ],
    )
    def test_refusals_leave_the_deal_unchanged(self, manager_client, lunch_deal, case, field_css, message):
        deal, side, fries, salad = lunch_deal
        other_deal = MenuItemFactory(is_combo=True)
        archived = MenuItemFactory(archived=True)
        offers = {
            "blank name": [(fries.pk, "0")],
            "no dish": [],
            "twice": [(fries.pk, "0"), (fries.pk, "1.00")],
            "a deal": [(other_deal.pk, "0")],
            "archived": [(archived.pk, "0")],
            "negative": [(fries.pk, "-1.00")],
            "too much": [(fries.pk, "1000")],
            "not a number": [(fries.pk, "lots")],
        }[case]
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_combo_slot_add", args=[deal.pk]),
            slot_post(name=" " if case == "blank name" else "Sides", offers=offers),
        )

        assert response.status_code == 200
        assert message in text(response.content.decode(), css_class=field_css)
        assert snapshot() == before

    def test_the_service_refuses_and_writes_nothing(self, lunch_deal):
        deal, side, fries, salad = lunch_deal
        plain, other_deal = MenuItemFactory(title="Soup"), MenuItemFactory(is_combo=True)
        before = snapshot()
        offer = {"menuitem": fries.pk, "supplement": Decimal("0"), "position": 0}
        data = {"name": "A side", "position": 0}

        with pytest.raises(InvalidInput, match="Soup is not a meal deal"):
            combo_slot_save(combo=plain, data=data, offers=[offer])
        with pytest.raises(InvalidInput, match="Lunch deal is a meal deal"):
            combo_slot_save(combo=deal, slot=side, data=data, offers=[offer, {**offer, "menuitem": deal.pk}])
        with pytest.raises(InvalidInput) as refused:
            combo_slot_save(combo=deal, slot=side, data=data, offers=[offer, {**offer, "supplement": Decimal("-1")}])
        assert (refused.value.field, refused.value.extra) == ("menuitem", {"index": 1})
        with pytest.raises(InvalidInput, match="A supplement is between"):
            combo_slot_save(combo=deal, slot=side, data=data, offers=[{**offer, "supplement": Decimal("-1")}])
        with pytest.raises(InvalidInput, match="another meal deal"):
            combo_slot_save(combo=other_deal, slot=side, data=data, offers=[offer])
        assert snapshot() == before

    @pytest.mark.parametrize("size", [1, 8])
    def test_the_deal_page_query_count_does_not_grow(self, manager_client, django_assert_num_queries, size):
        deal = MenuItemFactory(is_combo=True)
        for n in range(size):
            slot = ComboSlot.objects.create(combo=deal, name=f"Slot {n}", position=n)
            for dish in MenuItemFactory.create_batch(3):
                ComboSlotOption.objects.create(slot=slot, menuitem=dish)
        url = reverse("staff:menu_dish_edit", args=[deal.pk])
        manager_client.get(url)

        # the dish page's ten (above), the slots and their dishes
        with django_assert_num_queries(12):
            response = manager_client.get(url)

        assert response.content.decode().count('data-offer="') == 3 * size

    @pytest.mark.parametrize("size", [1, 8])
    def test_the_slot_page_query_count_does_not_grow(self, manager_client, django_assert_num_queries, size):
        deal = MenuItemFactory(is_combo=True)
        slot = ComboSlot.objects.create(combo=deal, name="A side")
        for dish in MenuItemFactory.create_batch(size):
            ComboSlotOption.objects.create(slot=slot, menuitem=dish)
        url = reverse("staff:menu_combo_slot_edit", args=[deal.pk, slot.pk])
        manager_client.get(url)

        # session, user, roles, the deal, the slot with its dishes (2), the dishes offered, settings
        with django_assert_num_queries(8):
            response = manager_client.get(url)

        assert response.content.decode().count('" selected>') == size + 3  # and the 3 blank rows' "Choose a dish"
