"""The back office's menu editor in a browser: a manager uploads a dish's photo, marks the dish
sold out from the list (htmx, no reload), and a customer sees both on the menu; 360 px and
WCAG AA contrast of the editor's pages."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import Page, expect

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import PASSWORD, UserFactory
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import CategoryFactory, MenuItemFactory

from .journeys import always_open, staff_log_in
from .test_contrast import assert_readable
from .test_phone import horizontal_overflow


@pytest.fixture
def restaurant(transactional_db):
    always_open()
    for role in Role:  # an earlier transactional test may have emptied the table of roles
        Group.objects.get_or_create(name=role)
    UserFactory(username="mario", first_name="Mario", roles=["manager"])
    mains = CategoryFactory(title="Mains", slug="mains")
    return MenuItemFactory(title="Moussaka", slug="moussaka", category=mains, price=Decimal("14.00"))


def png(path) -> str:
    Image.new("RGB", (1600, 1200), (230, 180, 40)).save(path, format="PNG")
    return str(path)


def serve_media(route) -> None:
    name = route.request.url.split("/media/", 1)[1]
    if not default_storage.exists(name):
        route.fulfill(status=404)
        return
    with default_storage.open(name) as file:
        route.fulfill(status=200, content_type="image/jpeg", body=file.read())


def test_upload_a_photo_mark_sold_out_and_the_customer_sees_it(page: Page, new_page, restaurant, tmp_path):
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    page.get_by_role("navigation", name="Staff screens").get_by_role("link", name="Menu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Menu")

    page.get_by_role("link", name="Moussaka", exact=True).click()
    page.get_by_label("Photo").set_input_files(png(tmp_path / "moussaka.png"))
    # The test CSP is added by re-fetching documents (conftest's route), which loses a multipart
    # body's file: this one POST goes to the server as the browser sent it (it answers a redirect,
    # whose page comes back through the CSP route).
    page.route(
        "**/staff/menu/dishes/*/",
        lambda route: route.continue_() if route.request.method == "POST" else route.fallback(),
    )
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/staff/menu/#dish-\d+$"), timeout=15_000)
    expect(page.locator(".staff-messages")).to_contain_text("“Moussaka” saved.")
    restaurant.refresh_from_db()
    assert restaurant.image.name.startswith("menu/moussaka-") and restaurant.image.name.endswith(".jpg")

    row = page.locator(f"#dish-{restaurant.pk}")
    row.get_by_role("button", name="Mark Moussaka sold out").click()
    expect(row.locator(".badge--sold-out")).to_have_text("Sold out")  # swapped in place by htmx
    expect(row.get_by_role("button", name="Put Moussaka back on sale")).to_be_visible()
    assert MenuItem.objects.get(pk=restaurant.pk).available is False

    customer = new_page()
    # The photos live in the test settings' in-memory storage, which the server's /media/ cannot
    # read: the browser is answered from that storage.
    customer.route("**/media/**", serve_media)
    customer.goto("/menu/")
    card = customer.locator(".dish-card", has_text="Moussaka")
    expect(card).to_have_class(re.compile(r"dish-card--sold-out"))
    image = card.locator("img.dish-card__image")
    restaurant.refresh_from_db()
    expect(image).to_have_attribute("src", f"/media/{restaurant.image_card.name}")  # the card size
    expect(image).to_have_attribute(
        "srcset", f"/media/{restaurant.image_card.name} 1x, /media/{restaurant.image.name} 2x"
    )
    # A 1x screen loads the card size (1600 x 1200 uploaded: 600 x 450), shown in the card's 4:3.
    image.scroll_into_view_if_needed()
    customer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    shown = image.evaluate("img => [img.currentSrc, img.naturalWidth, img.naturalHeight, img.width / img.height]")
    assert shown[0].endswith(f"/media/{restaurant.image_card.name}") and shown[1:3] == [600, 450]
    assert shown[3] == pytest.approx(4 / 3, abs=0.01)
    # A 2x screen loads the full size instead.
    sharp = new_page(device_scale_factor=2)
    sharp.route("**/media/**", serve_media)
    sharp.goto("/menu/")
    image = sharp.locator(".dish-card", has_text="Moussaka").locator("img.dish-card__image")
    image.scroll_into_view_if_needed()
    sharp.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    shown = image.evaluate("img => [img.currentSrc, img.naturalWidth]")
    # (1200 px at the density `2x` declares: 600 CSS px, as the card size at 1x.)
    assert shown[0].endswith(f"/media/{restaurant.image.name}") and shown[1] == 600


def test_without_javascript_sold_out_still_works(new_page, restaurant):
    page = new_page(java_script_enabled=False)
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    page.goto("/staff/menu/")

    page.get_by_role("button", name="Mark Moussaka sold out").click()

    expect(page.locator(".staff-messages")).to_contain_text("“Moussaka” is sold out.")
    assert MenuItem.objects.get(pk=restaurant.pk).available is False


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_the_editor_fits_and_meets_wcag_aa_contrast(request, viewport, restaurant):
    page: Page = request.getfixturevalue(viewport)
    staff_log_in(page, "mario", PASSWORD, lands_on="/staff/orders/")
    for path in ("/staff/menu/", f"/staff/menu/dishes/{restaurant.pk}/", "/staff/settings/"):
        page.goto(path)
        assert horizontal_overflow(page) == 0, f"{path} scrolls sideways"
        assert_readable(page, path)
