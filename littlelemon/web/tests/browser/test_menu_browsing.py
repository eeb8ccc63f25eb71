"""A visitor finds a dish: home, menu, filters (with and without JavaScript), the dish page."""

import re

from playwright.sync_api import Page, expect

from littlelemon.menu import services as menu_services
from littlelemon.menu.models import MenuItem


def results(page: Page):
    return page.locator("#menu-results")


def dish_titles(page: Page) -> list[str]:
    return results(page).get_by_role("heading", level=3).all_inner_texts()


def test_from_home_to_a_filtered_menu_to_a_dish(page: Page, demo):
    menu_services.menu_item_update(item=MenuItem.objects.get(slug="tabbouleh"), data={"available": False})

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Little Lemon")
    expect(page.get_by_role("heading", name="Featured dishes")).to_be_visible()
    page.get_by_role("link", name="Order now").click()

    expect(page).to_have_url(re.compile(r"/menu/$"))
    status = page.get_by_role("status")
    expect(status).to_have_text("51 dishes on the menu")
    # htmx swaps the results in place: the page is never reloaded while filtering.
    page.wait_for_load_state()  # htmx bound (a click does not wait for the next page's scripts)
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("searchbox", name="Search dishes").fill("lemon")
    expect(status).to_have_text("11 dishes found · Clear filters")
    expect(page).to_have_url(re.compile(r"search=lemon"))

    page.get_by_role("checkbox", name="Vegan").check()
    expect(status).to_have_text("4 dishes found · Clear filters")
    assert dish_titles(page) == ["Stuffed Grape Leaves", "Hummus", "Tabbouleh", "Fresh Lemonade"]
    sold_out = results(page).get_by_role("article").filter(has_text="Tabbouleh")
    expect(sold_out.get_by_text("Sold out")).to_be_visible()

    page.get_by_label("Category").select_option(label="Mezze")
    expect(status).to_have_text("1 dish found · Clear filters")
    assert dish_titles(page) == ["Hummus"]
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page).to_have_url(re.compile(r"/menu/\?search=lemon&category=mezze&dietary=vegan$"))

    results(page).get_by_role("link", name="Hummus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hummus")
    # The dish itself (below it, "Pairs well with" shows other dishes' cards).
    dish = page.get_by_role("article", name="Hummus", exact=True)
    expect(dish.get_by_text("$6.50")).to_be_visible()
    expect(dish.get_by_role("list", name="Dietary")).to_contain_text("Vegan")
    expect(dish.get_by_role("heading", name="Allergens")).to_be_visible()
    expect(dish.get_by_role("listitem").filter(has_text="Sesame")).to_be_visible()

    # Back in the history: the filtered menu as it was (the URL carries the filters).
    page.go_back()
    expect(page.get_by_role("status")).to_have_text("1 dish found · Clear filters")
    expect(page.get_by_role("checkbox", name="Vegan")).to_be_checked()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("status")).to_have_text("51 dishes on the menu")


def test_the_menu_filters_work_without_javascript(new_page, demo):
    page = new_page(java_script_enabled=False)
    page.goto("/menu/")

    page.get_by_role("searchbox", name="Search dishes").fill("lamb")
    page.get_by_label("Category").select_option(label="From the Grill")
    page.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/menu/\?search=lamb&category=grill$"))
    expect(page.get_by_role("status")).to_have_text("1 dish found · Clear filters")
    assert dish_titles(page) == ["Lamb Kofta"]

    page.get_by_role("checkbox", name="Dairy-free").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 dish found · Clear filters")
    expect(page.get_by_role("checkbox", name="Dairy-free")).to_be_checked()
    expect(page).to_have_url(re.compile(r"dietary=dairy-free"))


def test_an_unknown_address_is_the_sites_404_page(page: Page, demo):
    response = page.goto("/menu/no-such-dish/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="See the menu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Menu")


def test_keyboard_users_skip_to_the_content_and_see_where_they_are(page: Page, demo):
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    page.keyboard.press("Tab")
    order_now = page.get_by_role("link", name="Order now")
    expect(order_now).to_be_focused()
    outline = order_now.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"
