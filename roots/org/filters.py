from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from roots.org.models import Branch


class BranchFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        field_name="province__code", label=_("Province"), max_length=6
    )
    search = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Search"), max_length=100
    )

    class Meta:
        model = Branch
        fields = ["province", "search", "is_active"]
