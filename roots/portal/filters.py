"""One FilterSet per model, shared by the news page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from roots.portal.models import NewsItem, NewsKind


class NewsFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=NewsKind.choices, label=_("Kind"))
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        max_length=100,
        help_text=_("Words of the title."),
    )

    class Meta:
        model = NewsItem
        fields = ["kind", "search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for word in value.split():
            condition &= Q(title__icontains=word)
        return queryset.filter(condition)
