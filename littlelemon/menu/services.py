"""Writes to the menu. Every change goes through here (API, staff pages, demo data).

Each write is recorded in the audit trail with its `actor` (the signed-in user; None for
scripts such as seed_demo) inside the same transaction.
"""

from datetime import time
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify

from littlelemon.accounts.models import User
from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot
from littlelemon.core.exceptions import InvalidInput

from .enums import DietaryTag
from .exceptions import CategoryNotEmpty, MenuItemArchived, MenuItemWasOrdered
from .models import PORTION_COUNTERS, AvailabilityWindow, Category, MenuItem
from .option_groups import menu_item_option_groups_set
from .photos import Photo, photo_process
from .portions import portions_allowance_changed
from .selectors import menu_item_was_ordered


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
def category_create(
    *,
    title: str,
    slug: str | None = None,
    position: int = 0,
    hidden: bool = False,
    windows: list[tuple[int, time, time]] | None = None,
    actor: User | None = None,
) -> Category:
    """`windows`: (weekday, starts, ends) when its dishes can be ordered (availability_windows_replace)."""
    category = Category(title=title, slug=slug or _unique_slug(Category, title), position=position, hidden=hidden)
    category.full_clean()
    category.save()
    audit_record(
        actor=actor, action="category.create", target=category, changes=audit_changes({}, audit_snapshot(category))
    )
    if windows:
        availability_windows_replace(category=category, windows=windows, actor=actor)
    return category


@transaction.atomic
def category_update(*, category: Category, data: dict[str, Any], actor: User | None = None) -> Category:
    """`data` may hold `windows` (availability_windows_replace: every window the category keeps)."""
    before = audit_snapshot(category)
    for field in ("title", "slug", "position", "hidden"):
        if field in data:
            setattr(category, field, data[field])
    category.full_clean()
    category.save()
    if changes := audit_changes(before, audit_snapshot(category)):
        audit_record(actor=actor, action="category.update", target=category, changes=changes)
    if "windows" in data:
        availability_windows_replace(category=category, windows=data["windows"], actor=actor)
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
    """`fields` may hold `windows` (availability_windows_replace) and `option_groups` (the groups
    it offers: option_groups.menu_item_option_groups_set); raises what they raise."""
    fields.setdefault("slug", None)
    image = fields.pop("image", None)
    windows = fields.pop("windows", None)
    option_groups = fields.pop("option_groups", None)
    item = MenuItem(title=title, price=price, category=category, **{k: v for k, v in fields.items() if k != "slug"})
    item.slug = fields["slug"] or _unique_slug(MenuItem, title)
    _apply_dietary(item, dietary)
    photo = _photo_prepare(item, image)
    item.full_clean()
    _photo_store(item, photo, old=())
    item.save()
    audit_record(actor=actor, action="menu_item.create", target=item, changes=audit_changes({}, audit_snapshot(item)))
    if windows:
        availability_windows_replace(menuitem=item, windows=windows, actor=actor)
    if option_groups:
        menu_item_option_groups_set(item=item, groups=option_groups, actor=actor)
    return item


@transaction.atomic
def menu_item_update(*, item: MenuItem, data: dict[str, Any], actor: User | None = None) -> MenuItem:
    """Change a dish. Price, availability and every other change are audited with before/after.
    An uploaded `image` is checked and re-encoded in both sizes (raises InvalidPhoto); "" or None
    removes it. The files it replaces (both sizes) are deleted once the transaction commits.
    `windows` replaces the dish's availability windows, `option_groups` the groups it offers
    (each checked against the dish's price, the new one if it changes)."""
    before = audit_snapshot(item)
    allowance, price = item.daily_portions, item.price
    data = dict(data)
    windows = data.pop("windows", None)
    option_groups = data.pop("option_groups", None)
    _apply_dietary(item, data.pop("dietary", None))
    old_image = menu_item_photo_files(item)
    photo = _photo_prepare(item, data.pop("image") or "") if "image" in data else None
    for field, value in data.items():
        setattr(item, field, value)
    if not item.slug:
        item.slug = _unique_slug(MenuItem, item.title, exclude_pk=item.pk)
    item.full_clean()
    _photo_store(item, photo, old=old_image)
    item.save()
    if allowance != item.daily_portions:
        portions_allowance_changed(item_id=item.pk, before=allowance, after=item.daily_portions)
        item.refresh_from_db(fields=PORTION_COUNTERS)
    if changes := audit_changes(before, audit_snapshot(item)):
        audit_record(actor=actor, action="menu_item.update", target=item, changes=changes)
    if windows is not None:
        availability_windows_replace(menuitem=item, windows=windows, actor=actor)
    if option_groups is not None or item.price != price:
        groups = option_groups if option_groups is not None else list(item.option_groups.all())
        menu_item_option_groups_set(item=item, groups=groups, actor=actor)
    return item


def menu_item_photo_files(item: MenuItem) -> tuple[str, ...]:
    """The names of the dish's photo files in storage: the full one and, for a photo stored
    since there is one, the card one. No query, no storage call."""
    return tuple(file.name for file in (item.image, item.image_card) if file)


def photo_files_delete_on_commit(names: tuple[str, ...]) -> None:
    """Delete these dish photo files from the storage once the transaction commits (a rolled back
    change keeps them)."""
    storage = MenuItem._meta.get_field("image").storage
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))


def menu_item_photo_stored_as_sent(*, item: MenuItem, replaced: str) -> None:
    """The Django admin stores an upload as sent, in one size, in `item.image`: the card size of
    the photo it replaces (`replaced`, the old full file's name) must not stay, since the cards
    would show it, and both of that photo's files are deleted once the change commits. Called
    inside the transaction that saves the change (the admin's change view is one)."""
    photo_files_delete_on_commit(
        tuple(name for name in (replaced, item.image_card.name if item.image_card else "") if name)
    )
    item.image_card = ""


def _photo_prepare(item: MenuItem, image: Any) -> Photo | None:
    """Check and re-encode an uploaded photo (menu.photos; raises InvalidPhoto) before anything
    is written; "" removes the dish's photo. Returns the files to store, if any."""
    if isinstance(image, UploadedFile):
        return photo_process(image, slug=item.slug or slugify(item.title))
    if image == "":
        item.image = item.image_card = ""
    return None


def _photo_store(item: MenuItem, photo: Photo | None, *, old: tuple[str, ...]) -> None:
    """Write the new photo's two files through the fields' storage (the default storage: disk or
    S3) once the dish is valid, and delete the files they replace after the transaction commits."""
    if photo is not None:
        item.image.save(photo.full.name, photo.full, save=False)
        try:
            item.image_card.save(photo.card.name, photo.card, save=False)
        except Exception:
            item.image.storage.delete(item.image.name)  # not half a photo
            raise
    photo_files_delete_on_commit(tuple(name for name in old if name not in menu_item_photo_files(item)))


@transaction.atomic
def menu_item_delete(*, item: MenuItem, actor: User | None = None) -> None:
    """Delete a dish that was never ordered. Raises MenuItemWasOrdered otherwise (archive it:
    `menu_item_remove`)."""
    if menu_item_was_ordered(item=item):
        raise MenuItemWasOrdered(f"{item.title} was ordered before: archive it instead (past orders keep their lines).")
    audit_record(actor=actor, action="menu_item.delete", target=item, changes=audit_changes(audit_snapshot(item), {}))
    photos = menu_item_photo_files(item)
    item.delete()
    photo_files_delete_on_commit(photos)


@transaction.atomic
def menu_item_remove(*, item: MenuItem, actor: User | None = None) -> bool:
    """Take a dish off the menu for good: delete it when it was never ordered, else archive it
    (past orders keep their lines). Returns True when it was deleted, False when archived.
    Locks the dish's row."""
    item = MenuItem.objects.select_for_update().get(pk=item.pk)
    if menu_item_was_ordered(item=item):
        menu_item_update(item=item, data={"archived": True}, actor=actor)
        return False
    menu_item_delete(item=item, actor=actor)
    return True


@transaction.atomic
def menu_item_archive(*, item: MenuItem, actor: User | None = None) -> MenuItem:
    """Archive a dish: it leaves the menu, the API's lists and carts (a line of it can no longer
    be ordered), and stays in past orders. Locks the dish's row."""
    item = MenuItem.objects.select_for_update().get(pk=item.pk)
    return menu_item_update(item=item, data={"archived": True}, actor=actor)


@transaction.atomic
def menu_item_restore(*, item: MenuItem, actor: User | None = None) -> MenuItem:
    """Put an archived dish back on the menu. Locks the dish's row."""
    item = MenuItem.objects.select_for_update().get(pk=item.pk)
    return menu_item_update(item=item, data={"archived": False}, actor=actor)


@transaction.atomic
def menu_item_set_available(*, item: MenuItem, available: bool, actor: User | None = None) -> MenuItem:
    """Sold out (`available` False) or back on. Raises MenuItemArchived for an archived dish.
    Locks the dish's row, then decides on what it reads."""
    item = MenuItem.objects.select_for_update().select_related("category").get(pk=item.pk)
    if item.archived:
        raise MenuItemArchived(f"{item.title} is archived: put it back on the menu first.")
    if item.available == available:
        return item
    return menu_item_update(item=item, data={"available": available}, actor=actor)


@transaction.atomic
def category_move(*, category: Category, offset: int, actor: User | None = None) -> Category:
    """Move a category up (`offset` -1) or down (+1) the menu's order. The categories are
    renumbered 0, 1, 2, ... in their current order (ties broken by title then id) and the moved
    one swaps with its neighbour. Locks every category (pk order)."""
    ordered = sorted(Category.objects.select_for_update().order_by("pk"), key=lambda c: (c.position, c.title, c.pk))
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        return ordered[index]
    ordered[index], ordered[target] = ordered[target], ordered[index]
    moved = ordered[target]
    for position, each in enumerate(ordered):
        if each.position != position:
            category_update(category=each, data={"position": position}, actor=actor)
    return moved


def _window_label(weekday: int, starts: time, ends: time) -> str:
    return f"{AvailabilityWindow.Weekday(weekday).label} {starts:%H:%M}-{ends:%H:%M}"


@transaction.atomic
def availability_windows_replace(
    *,
    windows: list[tuple[int, time, time]],
    menuitem: MenuItem | None = None,
    category: Category | None = None,
    actor: User | None = None,
) -> list[AvailabilityWindow]:
    """Set every availability window of a dish or of a category (exactly one): `windows` is each
    (weekday, starts, ends) it keeps, local time, `starts` included, `ends` excluded; several a
    day are allowed; an empty list serves it whenever the restaurant takes orders. Raises
    InvalidInput (field `ends`, `extra["index"]` the window's place in `windows`) for a window
    that does not end after it starts or a weekday outside 0..6; nothing is changed then.
    Locks the dish's (or category's) row, replaces its windows and audits the change."""
    if (menuitem is None) == (category is None):
        raise InvalidInput("A window belongs to a dish or to a category (exactly one).")
    wanted = sorted({(int(weekday), starts, ends) for weekday, starts, ends in windows})
    for index, (weekday, starts, ends) in enumerate(windows):
        if not 0 <= int(weekday) <= 6:
            raise InvalidInput("Choose a day of the week.", field="weekday", extra={"index": index})
        if ends <= starts:
            raise InvalidInput(
                "A window ends after it starts, on the same day: split one that runs past midnight.",
                field="ends",
                extra={"index": index},
            )
    model, pk = (MenuItem, menuitem.pk) if menuitem is not None else (Category, category.pk)
    owner = model.objects.select_for_update().get(pk=pk)
    owned = owner.availability_windows.all()
    before = [_window_label(w.weekday, w.starts, w.ends) for w in owned]
    owned.delete()
    created = AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            menuitem=owner if menuitem else None, category=owner if category else None, weekday=d, starts=s, ends=e
        )
        for d, s, e in wanted
    )
    after = [_window_label(d, s, e) for d, s, e in wanted]
    if before != after:
        action = "menu_item.windows" if menuitem else "category.windows"
        audit_record(
            actor=actor, action=action, target=owner, changes=audit_changes({"windows": before}, {"windows": after})
        )
    return created
