"""WCAG AA contrast, measured in the browser on every customer page as a signed-in customer
and as a visitor, on a desktop and on a phone.

Every visible piece of text is checked against the background it is actually drawn on: the
element's computed colour over the backgrounds of its ancestors, composited (alpha included).
Normal text needs 4.5:1, large text (24 px, or 18.66 px bold) 3:1. Disabled controls are exempt,
as WCAG exempts them.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from littlelemon.orders.models import Order
from littlelemon.restaurant.selectors import restaurant_today

from .journeys import always_open

CONTRAST_FAILURES = """
() => {
  const parse = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const backgroundOf = (element) => {
    const chain = [];
    for (let e = element; e; e = e.parentElement) chain.unshift(e);
    let background = {r: 255, g: 255, b: 255, a: 1};
    for (const e of chain) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour.a > 0) background = over(colour, background);
    }
    return background;
  };
  const failures = [];
  for (const element of document.body.querySelectorAll("*")) {
    const hasText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!hasText) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (style.visibility !== "visible" || style.display === "none" || box.width <= 1 || box.height <= 1) continue;
    if (element.closest(":disabled, [aria-disabled='true']")) continue;
    const background = backgroundOf(element);
    const colour = over(parse(style.color), background);
    const [light, dark] = [luminance(colour), luminance(background)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const text = element.textContent.trim().slice(0, 40);
      failures.push(`${element.tagName.toLowerCase()}.${element.className} "${text}": ${ratio.toFixed(2)}`);
    }
  }
  return failures;
}
"""


def assert_readable(page: Page, path: str) -> None:
    # Every stylesheet applied first: a page measured between two of them (seen once in CI after a
    # form was sent) has white header text on the still white page.
    page.wait_for_load_state("load")
    failures = page.evaluate(CONTRAST_FAILURES)
    assert failures == [], f"{path} ({page.viewport_size['width']} px): text below WCAG AA contrast: {failures}"


def log_in(page: Page) -> None:
    page.goto("/account/login/")
    page.get_by_label("Username").fill("customer")
    page.get_by_label("Password").fill("lemon-customer")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()


@pytest.mark.parametrize("viewport", ["page", "phone"])
def test_every_page_meets_wcag_aa_contrast(request, viewport, demo):
    page: Page = request.getfixturevalue(viewport)
    always_open()
    tomorrow = restaurant_today() + timedelta(days=1)

    visitor_pages = ["/", "/menu/", "/menu/?search=lemon&dietary=vegan", "/menu/lamb-ragu-pappardelle/"]
    visitor_pages += ["/account/login/", "/account/signup/", "/cart/", "/no-such-page/"]
    for path in visitor_pages:
        page.goto(path)
        assert_readable(page, path)

    # A form refused: the error messages and the fields marked invalid.
    page.goto("/account/signup/")
    page.get_by_label("Username").fill("tilly")
    page.get_by_label("Email address").fill("tilly@example.com")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field--invalid .errorlist").first).to_be_visible()
    assert_readable(page, "/account/signup/ with errors")

    log_in(page)
    page.goto("/menu/")
    page.get_by_role("button", name="Add to cart").first.click()
    expect(page.get_by_role("link", name=re.compile(r"^Cart"))).to_have_text(re.compile(r"Cart [1-9]"))
    order = Order.objects.filter(customer__username="customer").order_by("-pk").first()
    signed_in_pages = ["/menu/", "/cart/", "/checkout/", "/orders/", f"/orders/{order.pk}/"]
    signed_in_pages += [f"/book/?date={tomorrow:%Y-%m-%d}&party_size=2", "/bookings/", "/account/"]
    for path in signed_in_pages:
        page.goto(path)
        assert_readable(page, path)

    # The account page's food preferences, one ticked (its highlight) and saved (the message).
    page.goto("/account/")
    page.get_by_role("checkbox", name="Milk").check()
    page.get_by_role("button", name="Save food preferences").click()
    expect(page.get_by_role("status").first).to_have_text(re.compile("Your food preferences are saved"))
    assert_readable(page, "/account/ with food preferences saved")
