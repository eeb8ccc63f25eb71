from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .access import screens_for


def staff(request: HttpRequest) -> dict[str, object]:
    """`staff_screens`: the staff screens the signed-in user may open, for the headers (lazily:
    a page that shows none of them reads nothing)."""
    return {"staff_screens": SimpleLazyObject(lambda: screens_for(getattr(request, "user", None)))}
