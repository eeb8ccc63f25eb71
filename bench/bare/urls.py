import json
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = Path(settings.BARE_CONST_FILE).read_bytes() if settings.BARE_CONST_FILE else b"{}"
COLUMNS = [
    "id", "title", "slug", "description", "price", "category", "category_title", "featured", "available",
    "vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "allergens", "image", "position",
]  # fmt: skip
SQL = """
    SELECT i.id, i.title, i.slug, i.description, i.price, c.slug, c.title, i.featured, i.available,
           i.vegetarian, i.vegan, i.gluten_free, i.dairy_free, i.nut_free, i.allergens, i.image, i.position
    FROM menu_menuitem i JOIN menu_category c ON c.id = i.category_id
    ORDER BY i.position, i.id
    LIMIT 20
"""


def bare_const(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="application/json")


def bare_sql(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(SQL)
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return HttpResponse(json.dumps(rows, default=str), content_type="application/json")


urlpatterns = [path("bare_const", bare_const), path("bare_sql", bare_sql)]
