"""The menu services the back office and the API share: archive, restore, remove (archive or
delete), sold out, category order, and photos; an archived dish cannot be ordered."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from littlelemon.cart import services as cart_services
from littlelemon.cart.exceptions import ItemUnavailable
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.kitchen.tests.factories import order_with
from littlelemon.menu import selectors, services
from littlelemon.menu.exceptions import InvalidPhoto, MenuItemArchived, MenuItemWasOrdered
from littlelemon.menu.models import Category, MenuItem
from littlelemon.menu.photos import photo_process
from littlelemon.orders import placement
from littlelemon.orders.exceptions import ItemUnavailable as OrderItemUnavailable

from .factories import CategoryFactory, MenuItemFactory, admin_dish_form

pytestmark = pytest.mark.django_db


def image_file(fmt: str, size=(300, 200), mode="RGB", name="photo", exif_orientation: int | None = None):
    out = BytesIO()
    image = Image.new(mode, size, "orange")
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return SimpleUploadedFile(f"{name}.{fmt.lower()}", out.getvalue())


class TestRemove:
    def test_never_ordered_is_deleted(self):
        dish = MenuItemFactory()

        assert services.menu_item_remove(item=dish) is True
        assert not MenuItem.objects.exists()

    def test_once_ordered_is_archived(self):
        dish = MenuItemFactory()
        order_with(dish)

        assert services.menu_item_remove(item=dish) is False
        dish.refresh_from_db()
        assert dish.archived is True

    def test_delete_refuses_an_ordered_dish(self):
        dish = MenuItemFactory(title="Soup")
        order_with(dish)

        with pytest.raises(MenuItemWasOrdered, match="Soup was ordered before: archive it instead"):
            services.menu_item_delete(item=dish)
        assert MenuItem.objects.filter(pk=dish.pk, archived=False).exists()


class TestArchived:
    def test_leaves_the_public_lists_not_the_editors(self):
        kept, gone = MenuItemFactory(), MenuItemFactory()
        services.menu_item_archive(item=gone)

        assert list(selectors.menu_item_list()) == [kept]
        assert set(selectors.menu_item_list_all()) == {kept, gone}
        assert list(selectors.menu_item_list_for_editor(archived=True)) == [gone]
        counts = {c.pk: c.item_count for c in selectors.category_list()}
        assert counts[gone.category_id] == 0

    def test_cannot_be_added_to_a_cart_or_ordered(self, customer):
        dish = MenuItemFactory(title="Soup", price=Decimal("30.00"))
        CartLineFactory(user=customer, menuitem=dish, quantity=1)
        services.menu_item_archive(item=dish)

        with pytest.raises(ItemUnavailable, match="Soup is no longer on the menu."):
            cart_services.cart_item_add(owner=customer, menuitem_id=dish.pk, quantity=1)
        with pytest.raises(OrderItemUnavailable) as refused:
            placement.order_place(customer=customer, fulfilment="pickup", now=None)
        assert refused.value.message == "Soup is no longer on the menu: remove it from your cart to order."
        assert refused.value.extra == {"unavailable": [{"menuitem": dish.pk, "title": "Soup"}]}

    def test_sold_out_and_archived_together(self, customer):
        soup, stew = MenuItemFactory(title="Soup"), MenuItemFactory(title="Stew")
        CartLineFactory(user=customer, menuitem=soup)
        CartLineFactory(user=customer, menuitem=stew)
        services.menu_item_set_available(item=soup, available=False)
        services.menu_item_archive(item=stew)

        with pytest.raises(OrderItemUnavailable) as refused:
            placement.order_place(customer=customer, fulfilment="pickup")
        assert refused.value.message == (
            "Soup is sold out; Stew is no longer on the menu: remove them from your cart to order."
        )

    def test_sold_out_is_refused_on_an_archived_dish(self):
        dish = MenuItemFactory(archived=True)

        with pytest.raises(MenuItemArchived):
            services.menu_item_set_available(item=dish, available=False)

    def test_restore(self):
        dish = MenuItemFactory(archived=True)

        services.menu_item_restore(item=dish)

        assert list(selectors.menu_item_list()) == [dish]


class TestHiddenCategories:
    def test_hidden_leave_the_public_lists(self):
        shown, hidden = CategoryFactory(), CategoryFactory(hidden=True)
        dish = MenuItemFactory(category=shown)
        MenuItemFactory(category=hidden)

        assert list(selectors.category_list()) == [shown]
        assert list(selectors.menu_item_list()) == [dish]
        assert set(selectors.category_list_all()) == {shown, hidden}


class TestCategoryMove:
    def test_down_then_past_the_end(self):
        a, _b, c = (
            CategoryFactory(title="A", position=0),
            CategoryFactory(title="B", position=0),
            CategoryFactory(title="C", position=3),
        )

        services.category_move(category=a, offset=1)
        services.category_move(category=c, offset=1)  # already last: nothing moves

        assert list(Category.objects.order_by("position").values_list("title", flat=True)) == ["B", "A", "C"]
        assert [x.position for x in Category.objects.order_by("position")] == [0, 1, 2]


class TestPhotos:
    @pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
    def test_each_format_becomes_a_jpeg(self, fmt):
        photo = photo_process(image_file(fmt, mode="P" if fmt == "GIF" else "RGB"), slug="soup")

        for file in photo:  # smaller than either size: both keep it
            with Image.open(BytesIO(file.read())) as stored:
                assert (stored.format, stored.size, stored.mode) == ("JPEG", (300, 200), "RGB")
        assert photo.full.name.startswith("soup-") and photo.full.name.endswith(".jpg")
        assert photo.card.name == photo.full.name.removesuffix(".jpg") + "-card.jpg"

    def test_the_full_and_the_card_sizes_progressive_without_metadata(self):
        photo = photo_process(image_file("JPEG", size=(3000, 2000), exif_orientation=6), slug="soup")

        stored = {}
        for size, file in photo._asdict().items():
            with Image.open(BytesIO(file.read())) as image:
                stored[size] = (image.format, image.size, image.info.get("progressive"), dict(image.getexif()))
        # Turned upright (the camera's orientation 6), then fitted in 1200 and 600 px.
        assert stored == {"full": ("JPEG", (800, 1200), 1, {}), "card": ("JPEG", (400, 600), 1, {})}
        assert photo.card.size < photo.full.size

    def test_exif_orientation_is_applied_and_metadata_dropped(self):
        photo = photo_process(image_file("JPEG", size=(300, 200), exif_orientation=6), slug="soup")

        for file in photo:
            with Image.open(BytesIO(file.read())) as stored:
                assert stored.size == (200, 300)
                assert not stored.getexif()

    def test_other_formats_are_refused(self):
        with pytest.raises(InvalidPhoto, match="JPEG, PNG, WebP or GIF"):
            photo_process(image_file("BMP"), slug="soup")

    def test_too_many_pixels_is_refused_before_decoding(self, monkeypatch):
        monkeypatch.setattr("littlelemon.menu.photos.PHOTO_MAX_PIXELS", 100)

        with pytest.raises(InvalidPhoto, match="too many pixels"):
            photo_process(image_file("PNG", size=(20, 20)), slug="soup")

    def test_a_truncated_image_is_refused(self):
        upload = image_file("PNG", size=(400, 400))
        broken = SimpleUploadedFile("broken.png", upload.read()[:200])

        with pytest.raises(InvalidPhoto, match="not an image we can read"):
            photo_process(broken, slug="soup")

    def test_a_refused_photo_changes_nothing(self):
        dish = MenuItemFactory(price=Decimal("5.00"))

        with pytest.raises(InvalidPhoto):
            services.menu_item_update(
                item=dish, data={"price": Decimal("6.00"), "image": SimpleUploadedFile("x.jpg", b"text")}
            )
        dish.refresh_from_db()
        assert (dish.price, dish.image.name) == (Decimal("5.00"), "")

    def test_a_photo_replaced_in_the_django_admin_drops_the_card_size_and_both_old_files(
        self, admin_user, django_capture_on_commit_callbacks
    ):
        dish = services.menu_item_update(item=MenuItemFactory(), data={"image": image_file("PNG", size=(1600, 1200))})
        old = (dish.image.name, dish.image_card.name)
        admin = Client()
        admin.force_login(admin_user)
        form = admin_dish_form(dish, image=image_file("PNG", name="from-the-admin"))

        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(f"/admin/menu/menuitem/{dish.pk}/change/", form)

        assert response.status_code == 302, response.content
        dish.refresh_from_db()
        # Stored as the admin stores it (one size): the cards show it, not the old card size.
        assert dish.image.name.startswith("menu/from-the-admin") and dish.image_card.name == ""
        assert default_storage.exists(dish.image.name)
        assert not any(default_storage.exists(name) for name in old)
