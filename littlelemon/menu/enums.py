from django.db import models


class DietaryTag(models.TextChoices):
    """Each tag is a boolean column on MenuItem named like the tag (`gluten-free` -> `gluten_free`)."""

    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    GLUTEN_FREE = "gluten-free", "Gluten-free"
    DAIRY_FREE = "dairy-free", "Dairy-free"
    NUT_FREE = "nut-free", "Nut-free"

    @property
    def field_name(self) -> str:
        return self.value.replace("-", "_")


class Allergen(models.TextChoices):
    """The fourteen allergens food businesses must declare (EU 1169/2011, UK FIR)."""

    CELERY = "celery", "Celery"
    GLUTEN = "gluten", "Cereals containing gluten"
    CRUSTACEANS = "crustaceans", "Crustaceans"
    EGGS = "eggs", "Eggs"
    FISH = "fish", "Fish"
    LUPIN = "lupin", "Lupin"
    MILK = "milk", "Milk"
    MOLLUSCS = "molluscs", "Molluscs"
    MUSTARD = "mustard", "Mustard"
    TREE_NUTS = "tree-nuts", "Tree nuts"
    PEANUTS = "peanuts", "Peanuts"
    SESAME = "sesame", "Sesame"
    SOYBEANS = "soybeans", "Soybeans"
    SULPHITES = "sulphites", "Sulphur dioxide and sulphites"
