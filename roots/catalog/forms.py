"""Forms of the catalog pages: they parse the browser's input; the services validate."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from roots.catalog import policies
from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    RegionalVariant,
    Sku,
)
from roots.core.dates import BusinessDateFormField
from roots.core.exceptions import add_service_errors
from roots.core.fields import AllowListFormMixin, FieldAllowList
from roots.customers.forms import ServiceErrorsMixin
from roots.customers.models import ChannelType, Customer

_CODES = re.compile(r"[\s,，;；]+")


def _codes(text: str) -> list[str]:
    return [c for c in _CODES.split(text.strip().upper()) if c][:500]


class CategoryChoiceField(forms.ModelChoiceField):
    """A category by its code, labelled in the reader's language only (review D5)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.local_name)


class CategoryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.local_name)


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
    valid_from = BusinessDateFormField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = BusinessDateFormField(
        label=_("Valid to"), widget=forms.DateInput(attrs={"type": "date"})
    )
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
    categories = CategoryMultipleChoiceField(
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
        add_service_errors(self, exc)


# --- catalog maintenance (product models, SKUs, price lists, customer prices) ---------------
_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _price_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Price (CNY)"), min_value=0, max_value=10**9, max_digits=12, decimal_places=2
    )


def _sku_field() -> ByCodeField:
    """A SKU typed by its code (the form scopes its queryset to the user)."""
    return ByCodeField(
        label=_("SKU"),
        queryset=Sku.objects.none(),
        help_text=_("The SKU code, e.g. BCD-216STPT-W."),
    )


def _business_code(max_length: int, example: str) -> forms.RegexField:
    """The API's rule for business codes (capitals, digits and hyphens), in a form."""
    return forms.RegexField(
        regex=rf"^[A-Z0-9][A-Z0-9-]{{1,{max_length - 1}}}$",
        label=_("Code"),
        max_length=max_length,
        error_messages={"invalid": _("Capital letters, digits and hyphens only.")},
        help_text=_("Capital letters, digits and hyphens; it cannot change later."),
        widget=forms.TextInput(attrs={"placeholder": example}),
    )


class ByCodeField(forms.ModelChoiceField):
    """A record typed in by its business code (a catalog holds too many for a list)."""

    widget = forms.TextInput

    def __init__(self, *, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)
        self.error_messages["invalid_choice"] = _("No such code.")

    def to_python(self, value: Any) -> Any:
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):  # a primary key from the instance: show its code
            found = self.queryset.filter(pk=value).values_list("code", flat=True).first()  # type: ignore[union-attr]
            return found or value
        return super().prepare_value(value)


def _with_fixed(allow: FieldAllowList, fixed: FieldAllowList) -> FieldAllowList:
    return {role: allow.get(role, frozenset()) | fixed.get(role, frozenset()) for role in allow}


class CatalogRecordForm(AllowListFormMixin, ServiceErrorsMixin, forms.ModelForm):
    """A catalog record's form: on create the fields the role may set (its code too); on
    edit those it may change (never the code or the parent record). The service validates
    the record (`_post_clean` is skipped), so pages and API accept the same data."""

    fixed_allow_list: ClassVar[FieldAllowList] = {}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        allow = (
            self.field_allow_list
            if editing
            else _with_fixed(self.field_allow_list, self.fixed_allow_list)
        )
        self.limit_to_allowed(user, allow=allow)
        # The model's validators (ranges of prices, capacities ...) run on the form too, so
        # that every problem is reported at once, not in a second round after the service.
        for name, form_field in self.fields.items():
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(form_field, forms.ChoiceField):  # validated before coercion
                continue
            for validator in getattr(model_field, "validators", ()):
                if validator not in form_field.validators:
                    form_field.validators.append(validator)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start is not None and end is not None and end < start:
            self.add_error("valid_to", _("The end must not be before the start."))
        return data

    def _post_clean(self) -> None:
        pass


class ProductModelForm(CatalogRecordForm):
    field_allow_list = policies.PRODUCT_MODEL_FIELDS
    fixed_allow_list = policies.PRODUCT_MODEL_FIXED

    code = _business_code(30, "BCD-216STPT")
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(), to_field_name="code"
    )

    class Meta:
        model = ProductModel
        fields = [
            "code",
            "name",
            "category",
            "series",
            "launched_on",
            "is_custom_capable",
            "description",
        ]
        widgets = {
            "launched_on": _DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.visible_to(user).order_by("code")  # type: ignore[attr-defined]
            if self.instance.pk is not None:
                self.initial["category"] = self.instance.category


class RegionalVariantForm(CatalogRecordForm):
    field_allow_list = policies.REGIONAL_VARIANT_FIELDS

    class Meta:
        model = RegionalVariant
        fields = ["region", "features"]
        widgets = {"features": forms.Textarea(attrs={"rows": 3})}


class SkuForm(CatalogRecordForm):
    field_allow_list = policies.SKU_FIELDS
    fixed_allow_list = policies.SKU_FIXED

    code = _business_code(40, "BCD-216STPT-W")
    product_model = ByCodeField(
        label=_("Product model"),
        queryset=ProductModel.objects.none(),
        help_text=_("The model code, e.g. BCD-216STPT."),
    )

    class Meta:
        model = Sku
        fields = [
            "code",
            "product_model",
            "name",
            "colour",
            "capacity",
            "capacity_unit",
            "energy_class",
            "list_price",
            "is_active",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "product_model" in self.fields:
            self.fields["product_model"].queryset = ProductModel.objects.visible_to(user)  # type: ignore[attr-defined]
            if self.instance.pk is not None:
                self.initial["product_model"] = self.instance.product_model.code


class PriceListForm(CatalogRecordForm):
    field_allow_list = policies.PRICE_LIST_FIELDS
    fixed_allow_list = policies.PRICE_LIST_FIXED

    code = _business_code(20, "PL-2026-LC")

    class Meta:
        model = PriceList
        fields = ["code", "name", "channel_type", "valid_from", "valid_to"]
        widgets = {"valid_from": _DATE_WIDGET, "valid_to": _DATE_WIDGET}


class PriceListItemForm(CatalogRecordForm):
    """A SKU's price in a price list (the list comes from the page)."""

    field_allow_list = policies.PRICE_LIST_ITEM_FIELDS
    # On create the page names the list; the SKU is typed in.
    fixed_allow_list: ClassVar[FieldAllowList] = {
        role: fields - {"price_list"} for role, fields in policies.PRICE_LIST_ITEM_FIXED.items()
    }

    sku = _sku_field()
    price = _price_field()

    class Meta:
        model = PriceListItem
        fields = ["sku", "price"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "sku" in self.fields:
            self.fields["sku"].queryset = Sku.objects.visible_to(user)  # type: ignore[attr-defined]


class CustomerPriceForm(CatalogRecordForm):
    """A price agreed with one customer for a SKU over a period."""

    field_allow_list = policies.CUSTOMER_PRICE_FIELDS
    fixed_allow_list = policies.CUSTOMER_PRICE_FIXED

    customer = ByCodeField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        help_text=_("The customer code, e.g. C000123."),
    )
    sku = _sku_field()
    price = _price_field()

    class Meta:
        model = CustomerPrice
        fields = ["customer", "sku", "price", "valid_from", "valid_to"]
        widgets = {"valid_from": _DATE_WIDGET, "valid_to": _DATE_WIDGET}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "customer" in self.fields:
            self.fields["customer"].queryset = Customer.objects.visible_to(user)  # type: ignore[attr-defined]
        if "sku" in self.fields:
            self.fields["sku"].queryset = Sku.objects.visible_to(user)  # type: ignore[attr-defined]


class CustomerPriceEndForm(forms.Form):
    """The last day a customer-specific price applies."""

    valid_to = BusinessDateFormField(label=_("Last day"), widget=_DATE_WIDGET)
