"""Dish photos on the customer pages (menu.photos): the cards (the menu, the home page's featured
dishes, the recommendations) show the card size with the full one for 2x screens, and a shape
(`width`/`height`) so nothing moves as they load; the dish page shows the full size; a photo
stored before there was a card size shows its full file everywhere."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from littlelemon.menu import services
from littlelemon.menu.models import MenuItem
from littlelemon.recommendations.models import ItemPopularity

from .htmltext import elements

pytestmark = pytest.mark.django_db


def with_photo(dish: MenuItem) -> MenuItem:
    out = BytesIO()
    Image.new("RGB", (1600, 1200), (200, 120, 40)).save(out, format="PNG")
    return services.menu_item_update(item=dish, data={"image": SimpleUploadedFile("photo.png", out.getvalue())})


def with_old_photo(dish: MenuItem) -> MenuItem:
    """A photo stored before the card size existed: the full file only (`image_card` NULL)."""
    MenuItem.objects.filter(pk=dish.pk).update(image="menu/old-photo-0a1b2c3d.jpg", image_card=None)
    dish.refresh_from_db()
    return dish


def card_images(html: bytes) -> list[dict]:
    return [attrs for tag, attrs in elements(html) if tag == "img" and attrs.get("class") == "dish-card__image"]


def expected_card(dish: MenuItem, height: str = "450") -> dict:
    card, full = dish.image_card.url, dish.image.url
    return {
        "class": "dish-card__image",
        "src": card,
        "srcset": f"{card} 1x, {full} 2x",
        "width": "600",
        "height": height,
        "alt": "",
        "loading": "lazy",
    }


def expected_fallback(dish: MenuItem, height: str = "450") -> dict:
    return {
        "class": "dish-card__image",
        "src": dish.image.url,
        "width": "600",
        "height": height,
        "alt": "",
        "loading": "lazy",
    }


def test_the_menu_cards_show_the_card_size_and_the_full_one_for_2x(client, menu):
    hummus, moussaka = with_photo(menu["hummus"]), with_old_photo(menu["moussaka"])
    assert hummus.image_card.name == hummus.image.name.removesuffix(".jpg") + "-card.jpg"

    response = client.get(reverse("web:menu"))

    # Hummus (a new photo), then Moussaka (an old one: its full file, no srcset); no other photo.
    assert card_images(response.content) == [expected_card(hummus), expected_fallback(moussaka)]


def test_the_home_pages_featured_and_popular_cards_too(client, menu):
    hummus, moussaka = with_photo(menu["hummus"]), with_old_photo(menu["moussaka"])
    for dish, share in ((hummus, 0.6), (moussaka, 0.4)):
        ItemPopularity.objects.create(item=dish, weekday=-1, daypart=-1, share=share)

    html = client.get("/").content

    featured = [expected_card(hummus), expected_fallback(moussaka)]
    popular = [expected_card(hummus, height="338"), expected_fallback(moussaka, height="338")]  # 16:9 cards
    assert card_images(html) == featured + popular


def test_the_dish_page_shows_the_full_size(client, menu):
    hummus = with_photo(menu["hummus"])

    html = client.get(reverse("web:dish", args=["hummus"])).content

    [image] = [attrs for tag, attrs in elements(html) if tag == "img" and attrs.get("class") == "dish__image"]
    assert image == {"class": "dish__image", "src": hummus.image.url, "alt": "Hummus"}


def test_a_dish_without_a_photo_has_no_image(client, menu):
    assert card_images(client.get(reverse("web:menu")).content) == []
