from typing import Any

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roots.customers.models import ChannelType
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


@admin.register(NewsItem)
class NewsItemAdmin(SimpleHistoryAdmin):
    form = NewsItemAdminForm
    list_display = ["title", "kind", "published_at", "is_published", "author"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    readonly_fields = ["version", "created_at", "updated_at"]

    def save_model(self, request: Any, obj: NewsItem, form: Any, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
