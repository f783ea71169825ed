"""The news in the Django admin: headquarters writes news here (the news pages link to it),
and every save and delete is the portal's service, as from the API (policy, version,
history author)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from roots.customers.models import ChannelType
from roots.org.models import User
from roots.portal import policies, services
from roots.portal.models import NewsItem


class NewsItemAdminForm(forms.ModelForm):
    audience = forms.MultipleChoiceField(
        choices=ChannelType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=NewsItem._meta.get_field("audience").help_text,
    )

    class Meta:
        model = NewsItem
        fields = ["title", "kind", "body", "published_at", "is_published", "audience"]


def _writer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and policies.can_manage_news(user) else None


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    form = NewsItemAdminForm
    list_display = ["title", "kind", "published_at", "is_published", "author"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["version", "created_at", "updated_at"]

    # Only headquarters writes news (the services' policy); others see it read-only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return _writer(request) is not None and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _writer(request) is not None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _writer(request) is not None and super().has_delete_permission(request, obj)

    def save_model(self, request: Any, obj: NewsItem, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = services.news_update(user=request.user, item=obj, data=data)
        else:
            saved = services.news_create(user=request.user, data=data)
        # The admin goes on with `obj` (its log entry, its redirect): make it the saved row.
        for field in NewsItem._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def delete_model(self, request: Any, obj: NewsItem) -> None:
        services.news_delete(user=request.user, item=obj)

    def delete_queryset(self, request: Any, queryset: QuerySet[NewsItem]) -> None:
        for item in queryset:
            services.news_delete(user=request.user, item=item)
