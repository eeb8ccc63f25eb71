"""Writes to the menu. Every change goes through here (API, staff pages, demo data).

Each write is recorded in the audit trail with its `actor` (the signed-in user; None for
scripts such as seed_demo) inside the same transaction.
"""

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from littlelemon.accounts.models import User
from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot

from .enums import DietaryTag
from .exceptions import CategoryNotEmpty
from .models import PORTION_COUNTERS, Category, MenuItem
from .portions import portions_allowance_changed


def _unique_slug(model: type[Category] | type[MenuItem], text: str, *, exclude_pk: int | None = None) -> str:
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - 6] or "item"
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_dietary(item: MenuItem, dietary: list[str] | None) -> None:
    if dietary is None:
        return
    for tag in DietaryTag:
        setattr(item, tag.field_name, tag.value in dietary)


@transaction.atomic
def category_create(*, title: str, slug: str | None = None, position: int = 0, actor: User | None = None) -> Category:
    category = Category(title=title, slug=slug or _unique_slug(Category, title), position=position)
    category.full_clean()
    category.save()
    audit_record(
        actor=actor, action="category.create", target=category, changes=audit_changes({}, audit_snapshot(category))
    )
    return category


@transaction.atomic
def category_update(*, category: Category, data: dict[str, Any], actor: User | None = None) -> Category:
    before = audit_snapshot(category)
    for field in ("title", "slug", "position"):
        if field in data:
            setattr(category, field, data[field])
    category.full_clean()
    category.save()
    if changes := audit_changes(before, audit_snapshot(category)):
        audit_record(actor=actor, action="category.update", target=category, changes=changes)
    return category


@transaction.atomic
def category_delete(*, category: Category, actor: User | None = None) -> None:
    """Raises CategoryNotEmpty when dishes still belong to it (they would be orphaned)."""
    count = category.items.count()
    if count:
        raise CategoryNotEmpty(f"Category '{category.slug}' still has {count} dish(es): move or delete them first.")
    audit_record(
        actor=actor, action="category.delete", target=category, changes=audit_changes(audit_snapshot(category), {})
    )
    category.delete()


@transaction.atomic
def menu_item_create(
    *, title: str, price, category: Category, dietary: list[str] | None = None, actor: User | None = None, **fields: Any
) -> MenuItem:
    fields.setdefault("slug", None)
    item = MenuItem(title=title, price=price, category=category, **{k: v for k, v in fields.items() if k != "slug"})
    item.slug = fields["slug"] or _unique_slug(MenuItem, title)
    _apply_dietary(item, dietary)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="menu_item.create", target=item, changes=audit_changes({}, audit_snapshot(item)))
    return item


@transaction.atomic
def menu_item_update(*, item: MenuItem, data: dict[str, Any], actor: User | None = None) -> MenuItem:
    """Change a dish. Price, availability and every other change are audited with before/after."""
    before = audit_snapshot(item)
    allowance = item.daily_portions
    data = dict(data)
    _apply_dietary(item, data.pop("dietary", None))
    for field, value in data.items():
        setattr(item, field, value)
    if not item.slug:
        item.slug = _unique_slug(MenuItem, item.title, exclude_pk=item.pk)
    item.full_clean()
    item.save()
    if allowance != item.daily_portions:
        portions_allowance_changed(item_id=item.pk, before=allowance, after=item.daily_portions)
        item.refresh_from_db(fields=PORTION_COUNTERS)
    if changes := audit_changes(before, audit_snapshot(item)):
        audit_record(actor=actor, action="menu_item.update", target=item, changes=changes)
    return item


@transaction.atomic
def menu_item_delete(*, item: MenuItem, actor: User | None = None) -> None:
    audit_record(actor=actor, action="menu_item.delete", target=item, changes=audit_changes(audit_snapshot(item), {}))
    item.delete()
