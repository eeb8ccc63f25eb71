"""The API documentation pages in Chromium under the site's own Content-Security-Policy (not the
stricter one the other browser tests put on pages): they render, ask nothing of a third party,
and the policy refuses nothing.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect


@pytest.fixture
def docs_page(browser, live_server):
    """A page that records every request leaving the live server, every Content-Security-Policy
    violation and every JavaScript error."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    here = urlsplit(live_server.url).netloc
    page.elsewhere = []
    page.problems = []

    def record(url: str) -> None:
        # A blob: URL (Redoc's search worker) is made by the page itself, with the page's origin.
        netloc = urlsplit(url.removeprefix("blob:")).netloc
        if netloc != here:
            page.elsewhere.append(url)

    page.on("request", lambda request: record(request.url))
    page.on(
        "console",
        lambda message: page.problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: page.problems.append(f"JavaScript error: {error}"))
    yield page
    context.close()


def test_redoc_renders_the_api_and_loads_nothing_from_elsewhere(docs_page, transactional_db):
    docs_page.goto("/api/redoc/")

    # Redoc renders the whole schema first: seconds on a busy machine.
    expect(docs_page.get_by_role("heading", level=1)).to_contain_text("Little Lemon API", timeout=60_000)
    sidebar = docs_page.locator(".menu-content")
    expect(sidebar).to_contain_text("API docs by Redocly")  # the attribution stays, as text
    expect(sidebar.get_by_role("link", name="API docs by Redocly")).to_have_attribute(
        "href", "https://redocly.com/redoc/"
    )
    assert sidebar.locator("img:visible").count() == 0  # Redocly's logo, which it fetches from its CDN
    docs_page.wait_for_load_state("networkidle")
    assert docs_page.elsewhere == []
    assert docs_page.problems == []


def test_swagger_ui_renders_the_api_and_loads_nothing_from_elsewhere(docs_page, transactional_db):
    docs_page.goto("/api/docs/")

    expect(docs_page.locator(".swagger-ui .title")).to_contain_text("Little Lemon API", timeout=60_000)
    expect(docs_page.locator(".opblock-tag").first).to_be_visible()
    docs_page.wait_for_load_state("networkidle")
    assert docs_page.elsewhere == []
    assert docs_page.problems == []
