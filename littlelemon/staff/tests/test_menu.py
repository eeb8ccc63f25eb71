"""The back office's menu editor (/staff/menu/): who may use it, categories (add, rename,
reorder, hide), dishes (add, edit, photo, sold out / back on, archive or delete), what the
customer menu and the API show afterwards (their ETag changes), CSRF, escaping, query counts."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from conftest import user_with_role
from littlelemon.audit.models import AuditEntry
from littlelemon.cart.models import CartLine
from littlelemon.kitchen.tests.factories import CategoryFactory, MenuItemFactory, order_with
from littlelemon.menu import services
from littlelemon.menu.models import Category, MenuItem
from littlelemon.orders.models import OrderItem
from littlelemon.web.tests.htmltext import text

pytestmark = pytest.mark.django_db

MENU = reverse("staff:menu")
ROLES = ("anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin")
MANAGERS = {"manager", "admin"}
HTMX = {"HX-Request": "true"}
ITEMS_API = "/api/v1/menu-items/"


class Media:
    """The default storage (in memory under the test settings, S3 or disk elsewhere)."""

    def exists(self, name: str) -> bool:
        return default_storage.exists(name)

    def open_image(self, name: str) -> Image.Image:
        with default_storage.open(name) as file:
            image = Image.open(BytesIO(file.read()))
            image.load()
            return image

    def photos(self) -> set[str]:
        return set(default_storage.listdir("menu")[1]) if default_storage.exists("menu") else set()


@pytest.fixture
def media() -> Media:
    return Media()


def signed_in(role: str) -> tuple[Client, object]:
    user = user_with_role(role)
    client = Client()
    if user is not None:
        client.force_login(user)
    return client, user


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def expected(role: str, success: int = 200) -> int:
    if role == "anonymous":
        return 302
    return success if role in MANAGERS else 403


def png_bytes(size=(2400, 1600), mode="RGB", color=(200, 120, 40)) -> bytes:
    out = BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return out.getvalue()


def dish_post(in_category, **overrides) -> dict:
    data = {
        "title": "Lemon tart",
        "category": in_category.pk,
        "price": "6.50",
        "description": "Sharp and sweet.",
        "dietary": ["vegetarian"],
        "allergens": ["eggs", "milk"],
        "featured": "on",
        "available": "on",
        "position": "2",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def snapshot() -> list:
    return [
        list(Category.objects.order_by("pk").values_list("pk", "title", "position", "hidden")),
        list(MenuItem.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    ]


class TestWhoMay:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize(
        "path",
        [
            MENU,
            f"{MENU}?archived=1",
            "/staff/menu/categories/add/",
            "/staff/menu/categories/{category}/",
            "/staff/menu/dishes/add/",
            "/staff/menu/dishes/{dish}/",
            "/staff/menu/dishes/{dish}/remove/",
        ],
    )
    def test_the_pages(self, role, path):
        dish = MenuItemFactory()
        client, _ = signed_in(role)

        response = client.get(path.format(category=dish.category_id, dish=dish.pk))

        assert response.status_code == expected(role)
        if role == "anonymous":
            assert response["Location"].startswith(reverse("web:login"))

    @pytest.mark.parametrize("role", ROLES)
    def test_sold_out(self, role):
        dish = MenuItemFactory(available=True)
        client, _ = signed_in(role)

        response = client.post(reverse("staff:menu_dish_availability", args=[dish.pk]), {"available": "0"})

        assert response.status_code == expected(role, 302)
        dish.refresh_from_db()
        assert dish.available is (role not in MANAGERS)

    @pytest.mark.parametrize("role", ROLES)
    def test_adding_a_category(self, role):
        client, _ = signed_in(role)

        response = client.post("/staff/menu/categories/add/", {"title": "Soups"})

        assert response.status_code == expected(role, 302)
        assert Category.objects.filter(title="Soups").exists() is (role in MANAGERS)

    @pytest.mark.parametrize("role", ROLES)
    def test_editing_a_dish(self, role):
        dish = MenuItemFactory(price=Decimal("10.00"))
        client, _ = signed_in(role)

        response = client.post(reverse("staff:menu_dish_edit", args=[dish.pk]), dish_post(dish.category, price="11.00"))

        assert response.status_code == expected(role, 302)
        dish.refresh_from_db()
        assert dish.price == (Decimal("11.00") if role in MANAGERS else Decimal("10.00"))

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("action", ["remove", "restore", "move"])
    def test_the_other_actions(self, role, action):
        dish = MenuItemFactory(archived=action == "restore")
        CategoryFactory(position=dish.category.position + 1)
        before = snapshot()
        client, _ = signed_in(role)
        urls = {
            "remove": (reverse("staff:menu_dish_remove", args=[dish.pk]), {}),
            "restore": (reverse("staff:menu_dish_restore", args=[dish.pk]), {}),
            "move": (reverse("staff:menu_category_move", args=[dish.category_id]), {"direction": "down"}),
        }
        url, data = urls[action]

        response = client.post(url, data)

        assert response.status_code == expected(role, 302)
        assert (snapshot() != before) is (role in MANAGERS)

    def test_menu_is_in_the_nav_of_managers_only(self, manager_client):
        kitchen_client, _ = signed_in("kitchen")

        assert 'href="/staff/menu/"' in manager_client.get(reverse("staff:orders")).content.decode()
        assert 'href="/staff/menu/"' not in kitchen_client.get(reverse("staff:kitchen")).content.decode()


class TestMenuList:
    def test_lists_categories_in_order_with_their_dishes(self, manager_client):
        mains = CategoryFactory(title="Mains", position=2)
        starters = CategoryFactory(title="Starters", position=1, hidden=True)
        MenuItemFactory(title="Soup", category=starters)
        MenuItemFactory(title="Steak", category=mains, available=False)
        MenuItemFactory(title="Old stew", category=mains, archived=True)

        page = manager_client.get(MENU).content.decode()

        assert page.index("Starters") < page.index("Mains")
        assert "Hidden" in text(page, css_class="menu-editor__category--hidden")
        assert "Soup" in page and "Steak" in page and "Old stew" not in page
        archived = manager_client.get(f"{MENU}?archived=1").content.decode()
        assert "Old stew" in archived and "Steak" not in archived

    @pytest.mark.parametrize("size", [1, 12])
    def test_query_count_does_not_grow(self, manager_client, django_assert_num_queries, size):
        for _ in range(size):
            category = CategoryFactory()
            MenuItemFactory.create_batch(3, category=category)
        manager_client.get(MENU)  # warm the session and the settings row

        # session, user, roles, categories, dishes, restaurant settings (the currency)
        with django_assert_num_queries(6):
            response = manager_client.get(MENU)

        assert response.status_code == 200
        assert response.content.decode().count('data-dish="') == 3 * size

    def test_escapes_what_managers_typed(self, manager_client):
        category = CategoryFactory(title="<script>alert(1)</script>")
        MenuItemFactory(title="<img src=x onerror=alert(2)>", category=category)

        page = manager_client.get(MENU).content.decode()

        assert "<script>alert(1)</script>" not in page
        assert "<img src=x onerror" not in page
        assert "&lt;img src=x onerror=alert(2)&gt;" in page


class TestCategories:
    def test_add_goes_last_and_is_audited(self, manager_client, manager):
        CategoryFactory(position=7)

        response = manager_client.post("/staff/menu/categories/add/", {"title": "  Desserts "})

        assert response.status_code == 302
        category = Category.objects.get(title="Desserts")
        assert (category.slug, category.position, category.hidden) == ("desserts", 8, False)
        assert AuditEntry.objects.filter(action="category.create", actor=manager).exists()

    def test_a_blank_name_is_refused(self, manager_client):
        before = snapshot()

        response = manager_client.post("/staff/menu/categories/add/", {"title": ""})

        assert response.status_code == 200
        assert "Give the category a name." in response.content.decode()
        assert snapshot() == before

    def test_rename_and_hide(self, manager_client):
        category = CategoryFactory(title="Starters")
        MenuItemFactory(title="Soup", category=category)

        response = manager_client.post(
            reverse("staff:menu_category_edit", args=[category.pk]), {"title": "Small plates", "hidden": "on"}
        )

        assert response.status_code == 302
        category.refresh_from_db()
        assert (category.title, category.hidden) == ("Small plates", True)
        assert "Soup" not in Client().get(reverse("web:menu")).content.decode()
        assert Client().get(reverse("web:dish", args=[MenuItem.objects.get().slug])).status_code == 404
        api = Client().get("/api/v1/categories/").json()["results"]
        assert api == []
        assert Client().get(ITEMS_API).json()["count"] == 0

    def test_reorder(self, manager_client):
        first, second, third = (CategoryFactory(title=t, position=p) for t, p in (("A", 5), ("B", 5), ("C", 9)))

        manager_client.post(reverse("staff:menu_category_move", args=[third.pk]), {"direction": "up"})
        manager_client.post(reverse("staff:menu_category_move", args=[first.pk]), {"direction": "up"})  # already first

        assert list(Category.objects.order_by("position").values_list("title", "position")) == [
            ("A", 0),
            ("C", 1),
            ("B", 2),
        ]


class TestDishes:
    def test_add(self, manager_client, manager):
        category = CategoryFactory()

        response = manager_client.post("/staff/menu/dishes/add/", dish_post(category))

        assert response.status_code == 302
        dish = MenuItem.objects.get()
        assert (dish.title, dish.price, dish.category, dish.featured, dish.available, dish.position) == (
            "Lemon tart",
            Decimal("6.50"),
            category,
            True,
            True,
            2,
        )
        assert (dish.dietary, dish.allergens, dish.slug) == (["vegetarian"], ["eggs", "milk"], "lemon-tart")
        assert AuditEntry.objects.filter(action="menu_item.create", actor=manager).exists()

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"price": "0"}, "price", "The price must be greater than 0."),
            ({"price": "abc"}, "price", "Enter the price as a number, e.g. 12.50."),
            ({"price": "1.234"}, "price", "A price has at most 2 decimal places."),
            ({"price": "100000"}, "price", "The price must be at most 99999.99."),
            ({"title": "   "}, "title", "Give the dish a name."),
            ({"category": "999999"}, "category", "Choose one of the menu's categories."),
            ({"position": "-1"}, "position", "The position is 0 or more."),
            ({"allergens": ["arsenic"]}, "allergens", "Select a valid choice."),
            ({"description": "x" * 2001}, "description", "at most 2000 characters"),
        ],
    )
    def test_refusals_leave_the_menu_unchanged(self, manager_client, overrides, field, message):
        dish = MenuItemFactory()
        before = snapshot()

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]), dish_post(dish.category, **overrides)
        )

        assert response.status_code == 200
        assert message in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before

    def test_edit_a_dish_of_someone_elses_category(self, manager_client):
        dish = MenuItemFactory(title="Soup", allergens=["celery"], vegan=True)
        mains = CategoryFactory(title="Mains")

        manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]),
            dish_post(mains, title="Soup of the day", dietary=[], allergens=[], featured=None, available=None),
        )

        dish.refresh_from_db()
        assert (dish.title, dish.category, dish.dietary, dish.allergens) == ("Soup of the day", mains, [], [])
        assert (dish.featured, dish.available) == (False, False)

    def test_the_edit_form_shows_what_is_saved(self, manager_client):
        dish = MenuItemFactory(title="Soup", price=Decimal("4.20"), vegan=True, allergens=["celery"])

        page = manager_client.get(reverse("staff:menu_dish_edit", args=[dish.pk])).content.decode()

        assert 'value="Soup"' in page and 'value="4.20"' in page
        assert 'value="vegan" id="id_dietary_1" checked' in page
        assert 'value="celery" id="id_allergens_0" checked' in page


class TestPhotos:
    def test_a_png_is_resized_and_stored_as_jpeg(self, manager_client, media):
        dish = MenuItemFactory(slug="lemon-tart")
        photo = SimpleUploadedFile("tart.png", png_bytes(), content_type="image/png")

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]), {**dish_post(dish.category), "image": photo}
        )

        assert response.status_code == 302
        dish.refresh_from_db()
        assert dish.image.name.startswith("menu/lemon-tart-") and dish.image.name.endswith(".jpg")
        assert dish.image_card.name == dish.image.name.removesuffix(".jpg") + "-card.jpg"
        full, card = media.open_image(dish.image.name), media.open_image(dish.image_card.name)
        assert (full.format, full.size, card.format, card.size) == ("JPEG", (1200, 800), "JPEG", (600, 400))
        assert f'srcset="{dish.image_card.url} 1x, {dish.image.url} 2x"' in Client().get(reverse("web:menu")).text
        # The editor's list shows the card size as its thumbnail.
        assert f'class="menu-editor__thumb" src="{dish.image_card.url}"' in manager_client.get(MENU).text

    def test_a_transparent_png_is_flattened(self, manager_client, media):
        dish = MenuItemFactory()
        photo = SimpleUploadedFile("logo.png", png_bytes((40, 30), "RGBA", (0, 0, 0, 0)), content_type="image/png")

        manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]), {**dish_post(dish.category), "image": photo}
        )

        dish.refresh_from_db()
        stored = media.open_image(dish.image.name)
        assert (stored.mode, stored.size, stored.getpixel((0, 0))) == ("RGB", (40, 30), (255, 255, 255))

    def test_a_text_file_named_jpg_is_refused(self, manager_client, media):
        dish = MenuItemFactory()
        before, photos = snapshot(), media.photos()
        fake = SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg")

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]), {**dish_post(dish.category, price="99.00"), "image": fake}
        )

        assert response.status_code == 200
        assert "This file is not an image we can read" in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before
        assert media.photos() == photos

    def test_too_big_is_refused(self, manager_client, media, settings):
        settings.MENU_PHOTO_MAX_BYTES = 1000
        dish = MenuItemFactory()
        before, photos = snapshot(), media.photos()
        photo = SimpleUploadedFile("big.png", png_bytes((600, 600)) + b"\0" * 1000, content_type="image/png")

        response = manager_client.post(
            reverse("staff:menu_dish_edit", args=[dish.pk]), {**dish_post(dish.category), "image": photo}
        )

        assert response.status_code == 200
        assert "at most 1000 bytes is accepted" in text(response.content.decode(), css_class="field--invalid")
        assert snapshot() == before
        assert media.photos() == photos

    def test_replacing_and_clearing_delete_the_old_files(
        self, manager_client, media, django_capture_on_commit_callbacks
    ):
        dish = MenuItemFactory()
        url = reverse("staff:menu_dish_edit", args=[dish.pk])

        def files() -> tuple[str, str]:
            stored = MenuItem.objects.get()
            return stored.image.name, stored.image_card.name

        with django_capture_on_commit_callbacks(execute=True):
            manager_client.post(url, {**dish_post(dish.category), "image": SimpleUploadedFile("a.png", png_bytes())})
        first = files()
        with django_capture_on_commit_callbacks(execute=True):
            manager_client.post(url, {**dish_post(dish.category), "image": SimpleUploadedFile("b.png", png_bytes())})
        second = files()

        assert set(first).isdisjoint(second)
        assert [media.exists(name) for name in first + second] == [False, False, True, True]
        with django_capture_on_commit_callbacks(execute=True):
            manager_client.post(url, {**dish_post(dish.category), "image-clear": "on"})
        assert files() == ("", "")
        assert not any(media.exists(name) for name in second)

    def test_deleting_a_dish_deletes_both_files(self, manager_client, media, django_capture_on_commit_callbacks):
        dish = MenuItemFactory()
        url = reverse("staff:menu_dish_edit", args=[dish.pk])
        with django_capture_on_commit_callbacks(execute=True):
            manager_client.post(url, {**dish_post(dish.category), "image": SimpleUploadedFile("a.png", png_bytes())})
        dish.refresh_from_db()
        names = (dish.image.name, dish.image_card.name)
        assert all(media.exists(name) for name in names)

        with django_capture_on_commit_callbacks(execute=True):
            services.menu_item_remove(item=dish)

        assert not MenuItem.objects.exists()
        assert not any(media.exists(name) for name in names)

    def test_a_photo_stored_before_the_card_size_is_replaced_cleanly(
        self, manager_client, media, django_capture_on_commit_callbacks
    ):
        default_storage.save("menu/old-0a1b2c3d.jpg", BytesIO(png_bytes((40, 30))))
        dish = MenuItemFactory()
        MenuItem.objects.filter(pk=dish.pk).update(image="menu/old-0a1b2c3d.jpg", image_card=None)
        url = reverse("staff:menu_dish_edit", args=[dish.pk])
        assert 'class="menu-editor__thumb" src="/media/menu/old-0a1b2c3d.jpg"' in manager_client.get(MENU).text

        with django_capture_on_commit_callbacks(execute=True):
            response = manager_client.post(
                url, {**dish_post(dish.category), "image": SimpleUploadedFile("a.png", png_bytes())}
            )

        assert response.status_code == 302
        dish.refresh_from_db()
        assert not media.exists("menu/old-0a1b2c3d.jpg")
        assert media.exists(dish.image.name) and media.exists(dish.image_card.name)

    def test_the_api_upload_goes_through_the_same_checks(self, client_as, manager, media):
        dish = MenuItemFactory()
        api = client_as(manager)

        response = api.patch(
            f"{ITEMS_API}{dish.pk}/",
            {"image": SimpleUploadedFile("x.png", png_bytes((2000, 500)))},
            format="multipart",
        )

        assert response.status_code == 200
        dish.refresh_from_db()
        full, card = media.open_image(dish.image.name), media.open_image(dish.image_card.name)
        assert (full.format, full.size, card.format, card.size) == ("JPEG", (1200, 300), "JPEG", (600, 150))
        # The API keeps `image` as it was: the full size (the cards' size is the site's affair).
        assert response.json()["image"].endswith(f"/media/{dish.image.name}")
        assert "image_card" not in response.json()


class TestSoldOut:
    def test_htmx_swaps_the_row(self, manager_client):
        dish = MenuItemFactory(title="Soup", available=True)
        url = reverse("staff:menu_dish_availability", args=[dish.pk])

        response = manager_client.post(url, {"available": "0"}, headers=HTMX)

        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith(f'<tr id="dish-{dish.pk}"')
        assert "Sold out" in text(page, css_class="badge--sold-out")
        assert 'name="available" value="1"' in page
        dish.refresh_from_db()
        assert dish.available is False
        assert "dish-card--sold-out" in Client().get(reverse("web:menu")).content.decode()

        manager_client.post(url, {"available": "1"}, headers=HTMX)
        dish.refresh_from_db()
        assert dish.available is True

    def test_without_javascript_back_to_the_list(self, manager_client):
        dish = MenuItemFactory(title="Soup")

        response = manager_client.post(reverse("staff:menu_dish_availability", args=[dish.pk]), {"available": "0"})

        assert response.status_code == 302
        assert response["Location"] == f"{MENU}#dish-{dish.pk}"
        assert "“Soup” is sold out." in manager_client.get(MENU).content.decode()

    def test_an_archived_dish_is_refused(self, manager_client):
        dish = MenuItemFactory(archived=True, available=True)

        response = manager_client.post(
            reverse("staff:menu_dish_availability", args=[dish.pk]), {"available": "0"}, headers=HTMX
        )

        assert "is archived: put it back on the menu first." in response.content.decode()
        dish.refresh_from_db()
        assert dish.available is True

    def test_csrf_is_required(self, manager):
        dish = MenuItemFactory()
        client = Client(enforce_csrf_checks=True)
        client.force_login(manager)

        response = client.post(reverse("staff:menu_dish_availability", args=[dish.pk]), {"available": "0"})

        assert response.status_code == 403
        dish.refresh_from_db()
        assert dish.available is True

    def test_the_api_etag_changes(self, manager_client):
        dish = MenuItemFactory()
        before = Client().get(ITEMS_API)

        manager_client.post(reverse("staff:menu_dish_availability", args=[dish.pk]), {"available": "0"})

        after = Client().get(ITEMS_API, headers={"If-None-Match": before["ETag"]})
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert after.json()["results"][0]["available"] is False


class TestArchiveOrDelete:
    def test_a_dish_never_ordered_is_deleted(self, manager_client):
        dish = MenuItemFactory(title="Soup")

        confirm = manager_client.get(reverse("staff:menu_dish_remove", args=[dish.pk])).content.decode()
        response = manager_client.post(reverse("staff:menu_dish_remove", args=[dish.pk]))

        assert "was never ordered, so it is <strong>deleted</strong>" in confirm
        assert response.status_code == 302
        assert not MenuItem.objects.exists()
        assert AuditEntry.objects.filter(action="menu_item.delete").exists()

    def test_a_dish_once_ordered_is_archived(self, manager_client, customer):
        dish = MenuItemFactory(title="Soup")
        order = order_with(dish)
        CartLine.objects.create(user=customer, menuitem=dish, quantity=2, price_when_added=dish.price)
        etag = Client().get(ITEMS_API)["ETag"]

        confirm = manager_client.get(reverse("staff:menu_dish_remove", args=[dish.pk])).content.decode()
        manager_client.post(reverse("staff:menu_dish_remove", args=[dish.pk]))

        assert "so it is <strong>archived</strong>" in confirm
        dish.refresh_from_db()
        assert dish.archived is True
        assert OrderItem.objects.get(order=order).menuitem == dish
        # Off the customer menu, the API's lists and its detail, and unorderable from the cart.
        assert "Soup" not in Client().get(reverse("web:menu")).content.decode()
        listed = Client().get(ITEMS_API)
        assert listed["ETag"] != etag and listed.json()["count"] == 0
        assert Client().get(f"{ITEMS_API}{dish.pk}/").status_code == 404
        shopper = Client()
        shopper.force_login(customer)
        cart = shopper.get(reverse("web:cart")).content.decode()
        assert "No longer on the menu: remove it to order." in cart
        assert "Soup is no longer on the menu: remove it from your cart to order." in cart
        added = shopper.post(reverse("web:cart_add"), {"menuitem": dish.pk, "quantity": 1}, follow=True)
        assert "Soup is no longer on the menu." in added.content.decode()
        assert CartLine.objects.get(user=customer).quantity == 2
        # Admins and managers still see it, and can put it back.
        assert "Soup" in manager_client.get(f"{MENU}?archived=1").content.decode()
        manager_client.post(reverse("staff:menu_dish_restore", args=[dish.pk]))
        dish.refresh_from_db()
        assert dish.archived is False

    def test_the_api_delete_archives_an_ordered_dish(self, client_as, manager):
        ordered, never = MenuItemFactory(), MenuItemFactory()
        order_with(ordered)
        api = client_as(manager)

        assert api.delete(f"{ITEMS_API}{ordered.pk}/").status_code == 204
        assert api.delete(f"{ITEMS_API}{never.pk}/").status_code == 204

        assert list(MenuItem.objects.values_list("pk", "archived")) == [(ordered.pk, True)]
