from django.db import models


class Role(models.TextChoices):
    """Staff roles are Django groups with these names (created by migration 0002)."""

    MANAGER = "manager", "Manager"
    DELIVERY_CREW = "delivery-crew", "Delivery crew"
    KITCHEN = "kitchen", "Kitchen"
