"""The menu editor (/staff/menu/, managers and admins): categories (add, rename, reorder,
hide) and dishes (add, edit with a photo, archive or delete, sold out / back on in one tap).

Every write goes through `menu.services`, the API's services: the database's triggers change
the menu's stamp, so the customer pages and the API's ETags change at once. The sold-out button
is a plain form: htmx swaps the dish's row in place, without JavaScript the page reloads.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from littlelemon.core.exceptions import ApplicationError
from littlelemon.menu import selectors as menu_selectors
from littlelemon.menu import services as menu_services
from littlelemon.pages.forms import add_application_error
from littlelemon.pages.http import htmx_fragment

from ..access import manager_required
from ..menu_forms import CategoryForm, DishForm, window_formset


def _add_errors(form, error: ApplicationError | ValidationError, rows=None) -> None:
    """A service's refusal (or a model's validation) next to its field, else above the form; one
    naming a row of `rows` (a formset: `extra["index"]` among its kept rows) next to that row's field."""
    if isinstance(error, ApplicationError):
        index = error.extra.get("index")
        kept = rows.kept_forms() if rows is not None and rows.is_bound else []
        if index is not None and index < len(kept) and error.field in kept[index].fields:
            add_application_error(kept[index], error)
        else:
            add_application_error(form, error)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _menu_context(*, archived: bool) -> dict:
    """The categories, each with its dishes (two queries whatever the menu's size)."""
    categories = list(menu_selectors.category_list_all())
    dishes = defaultdict(list)
    for item in menu_selectors.menu_item_list_for_editor(archived=archived):
        dishes[item.category_id].append(item)
    return {
        "sections": [(category, dishes.get(category.pk, [])) for category in categories],
        "archived": archived,
    }


@manager_required
@require_GET
def menu(request: HttpRequest) -> HttpResponse:
    """The menu as the kitchen runs it: every category (hidden ones marked) with its dishes;
    `?archived=1` lists the archived dishes instead."""
    archived = request.GET.get("archived") == "1"
    context = {**_menu_context(archived=archived), "category_form": CategoryForm()}
    return render(request, "staff/menu/menu.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def category_add(request: HttpRequest) -> HttpResponse:
    """The menu page's short form (a name) or this page's, which has the time windows too."""
    form = CategoryForm(request.POST or None)
    windows = _windows_posted(request, None)
    if request.method == "POST" and _all_valid(form, windows):
        try:
            position = max((c.position for c in menu_selectors.category_list_all()), default=-1) + 1
            category = menu_services.category_create(
                **form.service_data(), **_windows_data(windows), position=position, actor=request.user
            )
        except (ApplicationError, ValidationError) as error:
            _add_errors(form, error, windows)
        else:
            messages.success(request, f"Category “{category.title}” added at the end of the menu.")
            return redirect("staff:menu")
    context = {"form": form, "category": None, "windows": windows or window_formset(None)}
    return render(request, "staff/menu/category_form.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(menu_selectors.category_list_all(), pk=category_id)
    form = CategoryForm(request.POST or None, initial={"title": category.title, "hidden": category.hidden})
    windows = _windows_posted(request, category)
    if request.method == "POST" and _all_valid(form, windows):
        try:
            data = {**form.service_data(), **_windows_data(windows)}
            menu_services.category_update(category=category, data=data, actor=request.user)
        except (ApplicationError, ValidationError) as error:
            _add_errors(form, error, windows)
        else:
            messages.success(request, f"Category “{category.title}” saved.")
            return redirect("staff:menu")
    context = {"form": form, "category": category, "windows": windows or window_formset(category)}
    return render(request, "staff/menu/category_form.html", context)


def _windows_posted(request: HttpRequest, owner):
    """The posted time windows of a dish or category; None when the form posted had none (the
    menu page's short category form, the API-like posts of scripts): its windows stay as they are."""
    if request.method == "POST" and "windows-TOTAL_FORMS" in request.POST:
        return window_formset(owner, request.POST)
    return None


def _all_valid(form, windows) -> bool:
    form_valid = form.is_valid()
    return (windows is None or windows.is_valid()) and form_valid


def _windows_data(windows) -> dict:
    return {} if windows is None else {"windows": windows.windows()}


@manager_required
@require_POST
def category_move(request: HttpRequest, category_id: int) -> HttpResponse:
    """`direction` up or down: swap places with the neighbouring category."""
    category = get_object_or_404(menu_selectors.category_list_all(), pk=category_id)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is not None:
        menu_services.category_move(category=category, offset=offset, actor=request.user)
    return redirect(f"{reverse('staff:menu')}#category-{category.pk}")


def _dish_page(request: HttpRequest, form: DishForm, windows, item=None) -> HttpResponse:
    slots = menu_selectors.combo_slot_list(combo=item) if item is not None and item.is_combo else None
    context = {"form": form, "item": item, "windows": windows or window_formset(item), "slots": slots}
    return render(request, "staff/menu/dish_form.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def dish_add(request: HttpRequest) -> HttpResponse:
    initial = {"category": request.GET.get("category")} if request.GET.get("category", "").isdigit() else {}
    form = DishForm(request.POST or None, request.FILES or None, initial=initial)
    windows = _windows_posted(request, None)
    if request.method == "POST" and _all_valid(form, windows):
        data = {**form.service_data(), **_windows_data(windows)}
        try:
            item = menu_services.menu_item_create(
                title=data.pop("title"),
                price=data.pop("price"),
                category=data.pop("category"),
                actor=request.user,
                **data,
            )
        except (ApplicationError, ValidationError) as error:
            _add_errors(form, error, windows)
        else:
            if item.is_combo:  # a meal deal is orderable once its slots are set: go there
                messages.success(request, f"“{item.title}” added to the menu: now add its slots.")
                return redirect(f"{reverse('staff:menu_dish_edit', args=[item.pk])}#slots")
            messages.success(request, f"“{item.title}” added to the menu.")
            return redirect(f"{reverse('staff:menu')}#dish-{item.pk}")
    return _dish_page(request, form, windows)


@manager_required
@require_http_methods(["GET", "POST"])
def dish_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(menu_selectors.menu_item_list_all(), pk=item_id)
    form = DishForm(request.POST or None, request.FILES or None, initial=DishForm.initial_for(item))
    windows = _windows_posted(request, item)
    if request.method == "POST" and _all_valid(form, windows):
        try:
            data = {**form.service_data(), **_windows_data(windows)}
            menu_services.menu_item_update(item=item, data=data, actor=request.user)
        except (ApplicationError, ValidationError) as error:
            item.refresh_from_db()
            _add_errors(form, error, windows)
        else:
            messages.success(request, f"“{item.title}” saved.")
            return redirect(f"{reverse('staff:menu')}#dish-{item.pk}")
    return _dish_page(request, form, windows, item)


@manager_required
@require_POST
def dish_availability(request: HttpRequest, item_id: int) -> HttpResponse:
    """Sold out (`available=0`) or back on (`available=1`). htmx gets the dish's row back."""
    item = get_object_or_404(menu_selectors.menu_item_list_all(), pk=item_id)
    error = None
    try:
        item = menu_services.menu_item_set_available(
            item=item, available=request.POST.get("available") == "1", actor=request.user
        )
    except ApplicationError as refusal:
        error = refusal.message
    if htmx_fragment(request):
        return render(request, "staff/menu/partials/dish_row.html", {"item": item, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"“{item.title}” is {'back on' if item.available else 'sold out'}.")
    return redirect(f"{reverse('staff:menu')}#dish-{item.pk}")


@manager_required
@require_http_methods(["GET", "POST"])
def dish_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    """GET asks for confirmation (saying whether it will be archived or deleted); POST does it."""
    item = get_object_or_404(menu_selectors.menu_item_list_all(), pk=item_id)
    if request.method == "POST":
        title = item.title
        deleted = menu_services.menu_item_remove(item=item, actor=request.user)
        messages.success(request, f"“{title}” {'deleted' if deleted else 'archived: past orders keep it'}.")
        return redirect("staff:menu")
    ordered = menu_selectors.menu_item_was_ordered(item=item)
    return render(request, "staff/menu/dish_remove.html", {"item": item, "ordered": ordered})


@manager_required
@require_POST
def dish_restore(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(menu_selectors.menu_item_list_all(), pk=item_id)
    menu_services.menu_item_restore(item=item, actor=request.user)
    messages.success(request, f"“{item.title}” is back on the menu.")
    return redirect(f"{reverse('staff:menu')}#dish-{item.pk}")
