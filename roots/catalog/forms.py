"""Forms of the catalog pages: they parse the browser's input; the services validate."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from roots.catalog.models import Category, ProductModel, Promotion, Sku
from roots.customers.models import ChannelType

_CODES = re.compile(r"[\s,，;；]+")


def _codes(text: str) -> list[str]:
    return [c for c in _CODES.split(text.strip().upper()) if c][:500]


class PromotionForm(forms.Form):
    """A promotion: its period, discount, channels and targets (categories to pick; product
    models and SKUs by code, separated by spaces or commas)."""

    code = forms.RegexField(
        regex=r"^[A-Z0-9][A-Z0-9-]{1,19}$",
        label=_("Code"),
        max_length=20,
        required=False,
        help_text=_("Left empty, one is generated (PR000123)."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"}))
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    channel_types = forms.MultipleChoiceField(
        label=_("Channel types"),
        choices=ChannelType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all().order_by("code"),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    product_models = forms.CharField(
        label=_("Product models"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Model codes, separated by spaces or commas."),
    )
    skus = forms.CharField(
        label=_("SKUs"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "SKU codes, separated by spaces or commas. No targets at all: the whole catalog."
        ),
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args: Any, promotion: Promotion | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if promotion is None:
            return
        self.fields["code"].disabled = True
        self.initial = {
            "code": promotion.code,
            "name": promotion.name,
            "description": promotion.description,
            "valid_from": promotion.valid_from,
            "valid_to": promotion.valid_to,
            "discount_percent": promotion.discount_percent,
            "channel_types": promotion.channel_types,
            "categories": list(promotion.categories.all()),
            "product_models": " ".join(m.code for m in promotion.product_models.all()),
            "skus": " ".join(s.code for s in promotion.skus.all()),
            "is_published": promotion.is_published,
        }

    def _resolve(self, name: str, model: type[Model]) -> list[Any]:
        codes = _codes(self.cleaned_data.get(name) or "")
        found = {obj.code: obj for obj in model._default_manager.filter(code__in=codes)}  # type: ignore[attr-defined]
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("Unknown codes: %(codes)s") % {"codes": ", ".join(missing[:10])}
            )
        return [found[c] for c in dict.fromkeys(codes)]

    def clean_product_models(self) -> list[Any]:
        return self._resolve("product_models", ProductModel)

    def clean_skus(self) -> list[Any]:
        return self._resolve("skus", Sku)

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        else:
            for error in exc.messages:
                self.add_error(None, error)
