"""`make screenshots`: PNGs of the customer site's main pages and of the staff screens (kitchen
display, orders board, delivery-crew app), desktop and phone, for the README, and of the "order
placed" e-mail (docs/emails.md) as a mail program shows its HTML.

By default it serves its own demo: a throwaway SQLite database, migrated and seeded with
`seed_demo`, behind `manage.py runserver` on a free loopback port, so your `var/db.sqlite3` is
left alone. `--url http://127.0.0.1:8000` photographs a demo you already run instead (the e-mail
is rendered from the demo's database, so only without `--url`); `--email-only` just the e-mail.

Drives Debian's Chromium (`/usr/bin/chromium`, or $CHROMIUM) with Playwright; PNGs are reduced
to a 256-colour palette so that they stay small in the repository.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")  # the restaurant's (settings.TIME_ZONE)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    ("home", "/"),
    ("menu", "/menu/"),
    ("menu-filtered", "/menu/?search=&category=&dietary=vegan"),
    ("dish", "/menu/greek-salad/"),
    ("dish-options", "/menu/lemon-burger/"),
    ("meal-deal", "/menu/lunch-deal/"),
    ("login", "/account/login/"),
]
# Then as the demo customer (logged in through the page), with these dishes put in the cart.
CUSTOMER = ("customer", "lemon-customer")
CART = ["Greek Salad", "Lamb Kofta", "Fresh Lemonade"]
CUSTOMER_PAGES = [
    ("cart", "/cart/"),
    ("checkout", "/checkout/"),
    ("orders", "/orders/"),
    ("order", None),  # the demo order out for delivery, reached from "My orders"
    ("booking", "/book/?date={tomorrow}&party_size=2"),
    ("bookings", "/bookings/"),
]
# Then each staff member of the demo (logged in through the page: each lands on their screen).
STAFF_PAGES = {
    ("kitchen", "lemon-kitchen"): [("kitchen", "/staff/kitchen/")],
    ("manager", "lemon-manager"): [
        ("board", "/staff/orders/"),
        ("board-order", None),
        ("kitchen-stations", "/staff/kitchen/stations/"),
        ("cash", "/staff/orders/cash/"),
        # The back office.
        ("back-office-menu", "/staff/menu/"),
        ("back-office-dish", "dish-edit"),
        ("back-office-options", "/staff/menu/options/"),
        ("back-office-meal-deal", "meal-deal-edit"),
        ("back-office-settings", "/staff/settings/"),
        ("floor", "/staff/floor/"),
        ("floor-combinations", "/staff/floor/combinations/"),
        ("floor-tables", "/staff/floor/tables/"),
        ("people", "/staff/people/"),
        ("two-factor", "/account/two-factor/"),
        ("report-sales", "/staff/reports/sales/"),
        ("report-dishes", "/staff/reports/dishes/"),
        ("report-hours", "/staff/reports/hours/"),
        ("report-times", "/staff/reports/times/"),
        ("report-bookings", "/staff/reports/bookings/"),
    ],
    ("driver", "lemon-driver"): [("deliveries", "/staff/deliveries/"), ("delivery", None)],
}
# The demo's orders were placed when `seed_demo` ran, for as soon as possible or, while the
# restaurant was closed, for its next opening: the kitchen is shown them as at service time.
STAFF_SCREEN_SETTINGS = {"KITCHEN_SCHEDULED_LEAD_MINUTES": "2880", "KITCHEN_SHOWS_PLACED": "true"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
EMAIL_VIEWPORT = {"width": 720, "height": 900}
# Run in the demo's database by `manage.py shell`: the HTML of the first demo order's receipt,
# rendered by the e-mail handler's own code, written to the file named by EMAIL_HTML.
RENDER_EMAIL = """
import os
from littlelemon.events.models import Delivery, OutboxEvent
from littlelemon.notifications.emails.compose import email_compose, email_message
event = OutboxEvent.objects.filter(type="order.placed").order_by("pk").first()
message = email_message(delivery=Delivery(event=event), composed=email_compose(event))
with open(os.environ["EMAIL_HTML"], "w", encoding="utf-8") as file:
    file.write(message.alternatives[0][0])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):  # noqa: S310 (our own loopback server)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def demo_server():
    """A seeded demo on a free port, in a temporary folder, and the HTML of its "order placed"
    e-mail: yields (url, html); the server is stopped and the folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="littlelemon-screenshots-") as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            # runserver is WSGI (no stream): the screens poll, so that a page settles ("networkidle").
            "LIVE_MODE": "poll",
            **STAFF_SCREEN_SETTINGS,
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        subprocess.run([*manage, "seed_demo", "--quiet-logins"], env=env, check=True, cwd=ROOT)
        email_html = Path(folder) / "email.html"
        subprocess.run(
            [*manage, "shell", "-c", RENDER_EMAIL], env={**env, "EMAIL_HTML": str(email_html)}, check=True, cwd=ROOT
        )
        port = free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url)
            yield url, email_html.read_text(encoding="utf-8")
        finally:
            server.terminate()
            server.wait(timeout=10)


def shrink(path: Path) -> None:
    """A 256-colour palette: a third of the size, indistinguishable for flat UI colours."""
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)


def log_in_and_fill_the_cart(page, url: str, *, fill: bool) -> None:
    page.goto(f"{url}/account/login/")
    page.get_by_label("Username").fill(CUSTOMER[0])
    page.get_by_label("Password").fill(CUSTOMER[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/")
    if fill:  # once: the cart is the account's, the phone finds it filled
        page.goto(f"{url}/menu/")
        for title in CART:
            card = page.locator("#menu-results article").filter(has=page.get_by_role("link", name=title, exact=True))
            card.get_by_role("button", name="Add to cart").click()
            card.locator(".add-to-cart__status").get_by_text("is in your cart").wait_for()


def photograph_email(html: str, out: Path) -> Path:
    """The e-mail's HTML as a mail program shows it: loaded with `set_content`, no site around it."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / "email-order-placed.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=EMAIL_VIEWPORT)
        page.set_content(html)
        page.screenshot(path=str(target), full_page=True)
        browser.close()
    shrink(target)
    return target


def photograph(url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    tomorrow = (datetime.now(tz=ZoneInfo(TIME_ZONE)) + timedelta(days=1)).date()

    def shoot(page, name: str, device: str) -> None:
        page.wait_for_load_state("networkidle")
        target = out / f"{name}-{device}.png"
        page.screenshot(path=str(target))
        shrink(target)
        written.append(target)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for device, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, is_mobile=device == "phone", has_touch=device == "phone")
            page = context.new_page()
            for name, path in PAGES:
                page.goto(f"{url}{path}")
                shoot(page, name, device)
            log_in_and_fill_the_cart(page, url, fill=device == "desktop")
            for name, path in CUSTOMER_PAGES:
                if path is None:
                    page.goto(f"{url}/orders/")
                    card = page.get_by_role("article").filter(has_text="Out for delivery").first
                    card.get_by_role("link").first.click()
                else:
                    page.goto(f"{url}{path.format(tomorrow=tomorrow)}")
                shoot(page, name, device)
            context.close()
            for (username, password), pages in STAFF_PAGES.items():
                context = browser.new_context(
                    viewport=viewport, is_mobile=device == "phone", has_touch=device == "phone"
                )
                page = context.new_page()
                log_in(page, url, username, password)
                for name, path in pages:
                    if path is None or not path.startswith("/"):
                        open_the_first_detail(page, name)
                    else:
                        page.goto(f"{url}{path}")
                    shoot(page, name, device)
                context.close()
        browser.close()
    return written


def log_in(page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{url}/staff/**")


def open_the_first_detail(page, name: str) -> None:
    """An order's page from the board, a delivery's page with its proof form."""
    if name == "board-order":
        page.locator(".order-card__title a").first.click()
    elif name == "back-office-dish":
        page.goto(page.url.split("/staff/")[0] + "/staff/menu/")
        page.locator(".menu-editor__dish th a").first.click()
    elif name == "back-office-meal-deal":  # the demo's Lunch Deal, at its slots
        page.goto(page.url.split("/staff/")[0] + "/staff/menu/")
        page.locator(".menu-editor__dish th a", has_text="Lunch Deal").first.click()
        page.locator("#slots").scroll_into_view_if_needed()
    else:
        page.get_by_role("link", name="Delivered…").first.click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="photograph this running site instead of starting a demo")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--email-only", action="store_true", help="only the e-mail (from a demo of its own)")
    args = parser.parse_args()
    if args.url:
        written = photograph(args.url.rstrip("/"), args.out)
    else:
        with demo_server() as (url, email_html):
            written = [] if args.email_only else photograph(url, args.out)
            written.append(photograph_email(email_html, args.out))
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
