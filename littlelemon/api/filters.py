"""The API's filter backend: django-filter's, run only when the query names a filter."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend builds the view's FilterSet and its form (a copy of every filter
    and form field, then a validation pass) on each request. A query that names none of the
    filters would get the queryset back unchanged: it is returned without building them. A
    parameter that starts with a filter's name (`created_after`, a range's `price_min`) still
    goes through the FilterSet, as does everything it validates."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            names = tuple(filterset_class.base_filters)
            if not any(parameter.startswith(names) for parameter in request.query_params):
                return queryset
        return super().filter_queryset(request, queryset, view)
