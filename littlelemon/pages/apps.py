from django.apps import AppConfig


class PagesConfig(AppConfig):
    """What the customer pages (`web`) and the staff pages (`staff`) share: the template filters
    (`{% load pages %}`), how dates, times and amounts read, and the request helpers."""

    name = "littlelemon.pages"
    label = "pages"
    verbose_name = "Page helpers"
