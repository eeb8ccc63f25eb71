import django_filters
from django.db.models import Q, QuerySet

from littlelemon.core.filters import ChoiceListFilter
from littlelemon.restaurant.selectors import restaurant_today

from .enums import DietaryTag
from .models import MenuItem


class MenuItemFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__slug", help_text="Category slug.")
    featured = django_filters.BooleanFilter()
    available = django_filters.BooleanFilter(
        method="filter_available", help_text="For sale today: not switched off and not out of today's portions."
    )
    price_min = django_filters.NumberFilter(
        field_name="price", lookup_expr="gte", max_digits=7, decimal_places=2, min_value=0
    )
    price_max = django_filters.NumberFilter(
        field_name="price", lookup_expr="lte", max_digits=7, decimal_places=2, min_value=0
    )
    # `?dietary=vegan,gluten-free`: dishes carrying every listed tag.
    dietary = ChoiceListFilter(
        choices=DietaryTag.choices, method="filter_dietary", help_text="Comma-separated tags, all required."
    )
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text="Words in the title or description."
    )
    ordering = django_filters.OrderingFilter(
        fields=("price", "title", "position"), help_text="price, -price, title, position"
    )

    class Meta:
        model = MenuItem
        fields = ("category", "featured", "available")

    def filter_available(self, queryset: QuerySet[MenuItem], name: str, value: bool | None) -> QuerySet[MenuItem]:
        if value is None:
            return queryset
        out_today = Q(daily_portions__isnull=False, portions_date=restaurant_today(), portions_left__lte=0) | Q(
            daily_portions=0
        )
        for_sale = Q(available=True) & ~out_today
        return queryset.filter(for_sale if value else ~for_sale)

    def filter_dietary(self, queryset: QuerySet[MenuItem], name: str, value: list[str]) -> QuerySet[MenuItem]:
        return queryset.filter(**{DietaryTag(tag).field_name: True for tag in value})

    def filter_search(self, queryset: QuerySet[MenuItem], name: str, value: str) -> QuerySet[MenuItem]:
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def get_form_class(self):
        # django-filter builds a new form class, with a new field per filter, on every request.
        # These filters' fields depend on nothing in the request: build the class once.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    @property
    def qs(self) -> QuerySet[MenuItem]:
        queryset = super().qs
        if self.form.cleaned_data.get("ordering"):
            # A stable tie-breaker so pages never repeat or skip dishes with equal prices.
            queryset = queryset.order_by(*queryset.query.order_by, "id")
        return queryset
