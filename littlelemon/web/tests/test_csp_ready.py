"""Every page satisfies a strict Content-Security-Policy (script-src 'self'; style-src 'self')
without nonces: no inline script or style, no event-handler attributes, nothing off-site.
The browser tests enforce such a policy in Chromium too (browser/conftest.py)."""

import pytest
from django.test import Client

from .htmltext import elements

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["/", "/menu/", "/account/", "/account/password/"]
PAGES = [
    "/",
    "/menu/",
    "/menu/?search=lemon&dietary=vegan",
    "/menu/hummus/",
    "/account/signup/",
    "/account/login/",
    "/account/password/reset/",
    "/account/password/reset/sent/",
    "/account/password/reset/MQ/bad-token/",
    "/account/password/reset/done/",
    "/no/such/page/",
]


def violations(html: str) -> list[str]:
    found = []
    for tag, attributes in elements(html):
        if tag == "style":
            found.append("<style> element")
        if tag == "script" and not attributes.get("src"):
            found.append("inline <script>")
        for name, value in attributes.items():
            if name == "style":
                found.append(f"style attribute on <{tag}>")
            if name.startswith("on") or name.startswith("hx-on"):
                found.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action") and value:
                if value.strip().lower().startswith("javascript:"):
                    found.append(f"javascript: URL on <{tag}>")
                if tag in ("script", "link", "img") and not value.startswith("/"):
                    found.append(f"off-site {name}={value} on <{tag}>")
    return found


def page_htmls(customer) -> dict[str, str]:
    visitor, signed_in = Client(), Client()
    signed_in.force_login(customer)
    pages = {path: visitor.get(path).content.decode() for path in PAGES}
    pages |= {f"{path} (signed in)": signed_in.get(path).content.decode() for path in SIGNED_IN_PAGES}
    pages["menu fragment"] = visitor.get("/menu/?dietary=vegan", headers={"HX-Request": "true"}).content.decode()
    pages["sign-up errors"] = visitor.post("/account/signup/", {"username": "a b"}).content.decode()
    pages["csrf failure"] = Client(enforce_csrf_checks=True).post("/account/login/").content.decode()
    return pages


def test_no_page_needs_an_inline_script_style_or_handler(customer, menu, hours):
    pages = page_htmls(customer)

    assert {path: violations(html) for path, html in pages.items()} == {path: [] for path in pages}
    assert all("<html" in html for path, html in pages.items() if path != "menu fragment")


def test_the_checker_catches_what_it_looks_for():
    html = (
        '<script>alert(1)</script><div style="color:red" onclick="x()"></div><style>p{}</style>'
        '<a href="javascript:void(0)"></a><script src="https://cdn.example/htmx.js"></script>'
    )

    assert violations(html) == [
        "inline <script>",
        "style attribute on <div>",
        "onclick handler on <div>",
        "<style> element",
        "javascript: URL on <a>",
        "off-site src=https://cdn.example/htmx.js on <script>",
    ]
