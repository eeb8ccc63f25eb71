"""Error pages in the site's style. The 500 page reads nothing from the database."""

import pytest

from .htmltext import text


@pytest.mark.urls("littlelemon.web.tests.urls_failing")
def test_500_page_renders_without_touching_the_database(client):
    """No django_db mark: pytest-django raises on any query, so this proves the page needs none."""
    client.raise_request_exception = False

    response = client.get("/fail/")

    assert response.status_code == 500
    assert text(response.content, tag="h1") == "Something went wrong on our side"
    assert text(response.content, css_class="brand__name") == "Little Lemon"
    assert '<link rel="stylesheet" href="/static/web/app.css">' in response.content.decode()
    assert "Visit us" not in response.content.decode()  # the footer's restaurant details need the database


@pytest.mark.django_db
def test_404_page_keeps_the_sites_header_and_footer(client, menu, hours):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert text(response.content, tag="h1") == "We can't find that page"
    assert text(response.content, tag="title") == "Page not found · Little Lemon"
    assert "Menu" in text(response.content, css_class="site-nav")
    assert "Opening hours" in text(response.content, css_class="site-footer")
