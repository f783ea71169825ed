"""API of the catalog: categories, product models, regional variants, products (SKUs),
warehouses, stock, price lists and their items, customer-specific prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from roots.catalog import policies, selectors, services
from roots.catalog.filters import (
    CategoryFilter,
    CustomerPriceFilter,
    PriceListFilter,
    PriceListItemFilter,
    ProductModelFilter,
    PromotionFilter,
    RegionalVariantFilter,
    SkuFilter,
    StockLevelFilter,
    WarehouseFilter,
)
from roots.catalog.models import (
    Category,
    CustomerPrice,
    PriceList,
    PriceListItem,
    ProductModel,
    Promotion,
    RegionalVariant,
    Sku,
    StockLevel,
    Warehouse,
)
from roots.core.api import (
    CodeRelatedField,
    RetrieveWithETagMixin,
    ScopedModelViewSet,
    ScopedSlugRelatedField,
    ServiceWriteMixin,
    request_user,
    scope_user,
)
from roots.core.fields import AllowListSerializerMixin
from roots.customers.models import ChannelType, Customer
from roots.org.models import Branch, Province, Role

_RECORD_FIELDS = ["version", "created_at", "updated_at"]


def _code_field(max_length: int, example: str) -> serializers.RegexField:
    return serializers.RegexField(
        rf"^[A-Z0-9][A-Z0-9-]{{1,{max_length - 1}}}$",
        max_length=max_length,
        help_text=f"Business code, e.g. {example}.",
    )


class CategorySerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.CATEGORY_FIELDS
    fixed_fields = policies.CATEGORY_FIXED

    code = _code_field(20, "REF")
    # A declared field (the serializer metaclass takes it off the class), not `Field.parent`.
    parent = ScopedSlugRelatedField(  # type: ignore[assignment]
        slug_field="code", queryset=Category.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "parent", *_RECORD_FIELDS]
        read_only_fields = _RECORD_FIELDS


class ProductModelSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.PRODUCT_MODEL_FIELDS
    fixed_fields = policies.PRODUCT_MODEL_FIXED

    code = _code_field(30, "BCD-216STPT")
    category = ScopedSlugRelatedField(slug_field="code", queryset=Category.objects.all())
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = ProductModel
        fields = [
            "code",
            "name",
            "category",
            "category_name",
            "series",
            "launched_on",
            "is_custom_capable",
            "description",
            *_RECORD_FIELDS,
        ]
        read_only_fields = _RECORD_FIELDS


class RegionalVariantSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.REGIONAL_VARIANT_FIELDS
    fixed_fields = policies.REGIONAL_VARIANT_FIXED

    product_model = ScopedSlugRelatedField(slug_field="code", queryset=ProductModel.objects.all())

    class Meta:
        model = RegionalVariant
        fields = ["id", "product_model", "region", "features", *_RECORD_FIELDS]
        read_only_fields = ["id", *_RECORD_FIELDS]
        # Uniqueness is checked by the service (full_clean), answered as a field error.
        validators: list[Any] = []


class SkuSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.SKU_FIELDS
    fixed_fields = policies.SKU_FIXED

    code = _code_field(40, "BCD-216STPT-W")
    product_model = ScopedSlugRelatedField(slug_field="code", queryset=ProductModel.objects.all())
    product_model_name = serializers.CharField(source="product_model.name", read_only=True)
    category = serializers.CharField(source="product_model.category.code", read_only=True)
    your_price = serializers.SerializerMethodField(
        help_text="The caller's effective price today (customer users only; null for staff)."
    )

    class Meta:
        model = Sku
        fields = [
            "code",
            "name",
            "product_model",
            "product_model_name",
            "category",
            "capacity",
            "capacity_unit",
            "energy_class",
            "colour",
            "list_price",
            "your_price",
            "is_active",
            *_RECORD_FIELDS,
        ]
        read_only_fields = _RECORD_FIELDS

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_your_price(self, sku: Sku) -> str | None:
        price: Decimal | None = self.context.get("prices", {}).get(sku.pk)
        return None if price is None else f"{price:.2f}"


class WarehouseSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.WAREHOUSE_FIELDS
    fixed_fields = policies.WAREHOUSE_FIXED

    code = _code_field(12, "WH-B01-1")
    province = CodeRelatedField(slug_field="code", queryset=Province.objects.all())
    province_name = serializers.CharField(source="province.name", read_only=True)
    branch = CodeRelatedField(
        slug_field="code", queryset=Branch.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Warehouse
        fields = [
            "code",
            "name",
            "province",
            "province_name",
            "branch",
            "city",
            "is_active",
            *_RECORD_FIELDS,
        ]
        read_only_fields = _RECORD_FIELDS


class StockLevelSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.STOCK_LEVEL_FIELDS
    fixed_fields = policies.STOCK_LEVEL_FIXED

    warehouse = ScopedSlugRelatedField(slug_field="code", queryset=Warehouse.objects.all())
    sku = ScopedSlugRelatedField(slug_field="code", queryset=Sku.objects.all())
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockLevel
        fields = ["id", "warehouse", "sku", "on_hand", "reserved", "available", *_RECORD_FIELDS]
        read_only_fields = ["id", *_RECORD_FIELDS]
        validators: list[Any] = []


class PriceListSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.PRICE_LIST_FIELDS
    fixed_fields = policies.PRICE_LIST_FIXED

    code = _code_field(20, "PL-2026-LC")

    class Meta:
        model = PriceList
        fields = [
            "code",
            "name",
            "channel_type",
            "valid_from",
            "valid_to",
            "currency",
            *_RECORD_FIELDS,
        ]
        read_only_fields = ["currency", *_RECORD_FIELDS]


class PriceListItemSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.PRICE_LIST_ITEM_FIELDS
    fixed_fields = policies.PRICE_LIST_ITEM_FIXED

    price_list = ScopedSlugRelatedField(slug_field="code", queryset=PriceList.objects.all())
    sku = ScopedSlugRelatedField(slug_field="code", queryset=Sku.objects.all())
    sku_name = serializers.CharField(source="sku.name", read_only=True)

    class Meta:
        model = PriceListItem
        fields = ["id", "price_list", "sku", "sku_name", "price", *_RECORD_FIELDS]
        read_only_fields = ["id", *_RECORD_FIELDS]
        validators: list[Any] = []


class CustomerPriceSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.CUSTOMER_PRICE_FIELDS
    fixed_fields = policies.CUSTOMER_PRICE_FIXED

    customer = ScopedSlugRelatedField(slug_field="code", queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    sku = ScopedSlugRelatedField(slug_field="code", queryset=Sku.objects.all())
    sku_name = serializers.CharField(source="sku.name", read_only=True)

    class Meta:
        model = CustomerPrice
        fields = [
            "id",
            "customer",
            "customer_name",
            "sku",
            "sku_name",
            "price",
            "valid_from",
            "valid_to",
            *_RECORD_FIELDS,
        ]
        read_only_fields = ["id", *_RECORD_FIELDS]


# --- viewsets ------------------------------------------------------------------------------
class CatalogViewSet(
    ServiceWriteMixin,
    RetrieveWithETagMixin,
    mixins.ListModelMixin,
    ScopedModelViewSet,
):
    """Every catalog collection: read by its scope, written by hq and product managers
    (a viewer who may not write gets 403; a record out of scope is a 404 first)."""

    create_permission = staticmethod(policies.can_edit_catalog)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.get_object()
        # Who may create a record of the collection may change its records.
        allowed = type(self).create_permission
        if allowed is not None and not allowed(request_user(request)):
            raise exceptions.PermissionDenied()
        return super().update(request, *args, **kwargs)


class CategoryViewSet(CatalogViewSet):
    """Product categories (refrigerators, washing machines ...)."""

    model = Category
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    create_service = staticmethod(services.category_create)
    update_service = staticmethod(services.category_update)
    instance_kwarg = "category"

    def get_queryset(self) -> Any:
        return selectors.category_list(user=scope_user(self.request))


class ProductModelViewSet(CatalogViewSet):
    """Product models (product lines) of which SKUs are the variants."""

    model = ProductModel
    serializer_class = ProductModelSerializer
    filterset_class = ProductModelFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "launched_on"]
    create_service = staticmethod(services.product_model_create)
    update_service = staticmethod(services.product_model_update)
    instance_kwarg = "product_model"

    def get_queryset(self) -> Any:
        return selectors.product_model_list(user=scope_user(self.request))


class RegionalVariantViewSet(CatalogViewSet):
    """Product models tuned for a region."""

    model = RegionalVariant
    serializer_class = RegionalVariantSerializer
    filterset_class = RegionalVariantFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["region", "updated_at"]
    create_service = staticmethod(services.regional_variant_create)
    update_service = staticmethod(services.regional_variant_update)
    instance_kwarg = "regional_variant"

    def get_queryset(self) -> Any:
        return selectors.regional_variant_list(user=scope_user(self.request))


class ProductViewSet(CatalogViewSet):
    """Products (SKUs) by code. `?search=` matches name, code, full pinyin and initials;
    a customer user also gets `your_price`, its effective price today."""

    model = Sku
    serializer_class = SkuSerializer
    filterset_class = SkuFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "list_price", "capacity", "updated_at"]
    create_service = staticmethod(services.sku_create)
    update_service = staticmethod(services.sku_update)
    instance_kwarg = "sku"

    def get_queryset(self) -> Any:
        return selectors.sku_list(user=scope_user(self.request))

    def _prices(self, skus: list[Sku]) -> dict[int, Decimal]:
        user = scope_user(self.request)
        if getattr(user, "role", None) != Role.CUSTOMER_USER or not user.customer_id:
            return {}
        customer = Customer.objects.all_unscoped().get(pk=user.customer_id)
        return selectors.prices_for(customer=customer, skus=skus, on=timezone.localdate())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        skus = list(page if page is not None else queryset)
        # One price lookup for the whole page, not one per product.
        context = dict(self.get_serializer_context()) | {"prices": self._prices(skus)}
        data = self.get_serializer_class()(skus, many=True, context=context).data
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        sku = self.get_object()
        context = dict(self.get_serializer_context()) | {"prices": self._prices([sku])}
        response = Response(self.get_serializer_class()(sku, context=context).data)
        return self.with_etag(response, sku)


class WarehouseViewSet(CatalogViewSet):
    """Warehouses, each in a province and optionally run by a branch."""

    model = Warehouse
    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilter
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    create_service = staticmethod(services.warehouse_create)
    update_service = staticmethod(services.warehouse_update)
    instance_kwarg = "warehouse"

    def get_queryset(self) -> Any:
        return selectors.warehouse_list(user=scope_user(self.request))


class StockLevelViewSet(CatalogViewSet):
    """Units of a SKU in a warehouse: on hand, reserved and available."""

    model = StockLevel
    serializer_class = StockLevelSerializer
    filterset_class = StockLevelFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["on_hand", "reserved", "updated_at"]
    create_service = staticmethod(services.stock_level_create)
    update_service = staticmethod(services.stock_level_update)
    instance_kwarg = "stock_level"

    def get_queryset(self) -> Any:
        return selectors.stock_level_list(user=scope_user(self.request))


class PriceListViewSet(CatalogViewSet):
    """Channel price lists; a customer user sees its own channel type's only."""

    model = PriceList
    serializer_class = PriceListSerializer
    filterset_class = PriceListFilter
    lookup_field = "code"
    ordering_fields = ["code", "valid_from"]
    create_service = staticmethod(services.price_list_create)
    update_service = staticmethod(services.price_list_update)
    instance_kwarg = "price_list"

    def get_queryset(self) -> Any:
        return selectors.price_list_list(user=scope_user(self.request))


class PriceListItemViewSet(CatalogViewSet):
    """The prices of the SKUs in the price lists the caller sees."""

    model = PriceListItem
    serializer_class = PriceListItemSerializer
    filterset_class = PriceListItemFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["price", "updated_at"]
    create_service = staticmethod(services.price_list_item_create)
    update_service = staticmethod(services.price_list_item_update)
    instance_kwarg = "price_list_item"

    def get_queryset(self) -> Any:
        return selectors.price_list_item_list(user=scope_user(self.request))


class CustomerPriceViewSet(CatalogViewSet):
    """Customer-specific prices, visible with their customer (never another customer's)."""

    model = CustomerPrice
    serializer_class = CustomerPriceSerializer
    filterset_class = CustomerPriceFilter
    lookup_value_regex = r"\d+"
    ordering_fields = ["valid_from", "price", "updated_at"]
    create_service = staticmethod(services.customer_price_create)
    update_service = staticmethod(services.customer_price_update)
    instance_kwarg = "customer_price"

    def get_queryset(self) -> Any:
        return selectors.customer_price_list(user=scope_user(self.request))


# --- promotions ----------------------------------------------------------------------------
class PromotionSerializer(AllowListSerializerMixin, serializers.ModelSerializer):
    field_allow_list = policies.PROMOTION_FIELDS
    fixed_fields = policies.PROMOTION_FIXED

    code = serializers.RegexField(
        r"^[A-Z0-9][A-Z0-9-]{1,19}$",
        max_length=20,
        required=False,
        help_text="Business code; generated (PR000123) when left out.",
    )
    # Item errors answer as "2: not a valid choice" (the API's error format).
    channel_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ChannelType.choices),
        max_length=len(ChannelType.choices),
        required=False,
        help_text="Channel types it is for; empty: every channel.",
    )
    categories = ScopedSlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), many=True, required=False
    )
    product_models = ScopedSlugRelatedField(
        slug_field="code", queryset=ProductModel.objects.all(), many=True, required=False
    )
    skus = ScopedSlugRelatedField(
        slug_field="code", queryset=Sku.objects.all(), many=True, required=False
    )
    discount_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100")
    )
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Promotion
        fields = [
            "code",
            "name",
            "description",
            "valid_from",
            "valid_to",
            "channel_types",
            "categories",
            "product_models",
            "skus",
            "discount_percent",
            "is_published",
            "created_by",
            *_RECORD_FIELDS,
        ]
        read_only_fields = ["created_by", *_RECORD_FIELDS]
        extra_kwargs: dict[str, dict[str, Any]] = {"code": {"validators": []}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("valid_from", getattr(self.instance, "valid_from", None))
        end = attrs.get("valid_to", getattr(self.instance, "valid_to", None))
        if start is not None and end is not None and end < start:
            raise serializers.ValidationError(
                {"valid_to": [_("The end must not be before the start.")]}
            )
        return attrs


class PromotionViewSet(CatalogViewSet):
    """Promotions: headquarters and product managers create, change and delete them (drafts
    included); other staff read the published ones; a customer user the published ones of
    its channel type that are valid today."""

    model = Promotion
    serializer_class = PromotionSerializer
    filterset_class = PromotionFilter
    lookup_field = "code"
    ordering_fields = ["code", "valid_from", "valid_to", "discount_percent"]
    create_service = staticmethod(services.promotion_create)
    create_permission = staticmethod(policies.can_edit_promotions)
    update_service = staticmethod(services.promotion_update)
    instance_kwarg = "promotion"

    def get_queryset(self) -> Any:
        return selectors.promotion_list(user=scope_user(self.request)).prefetch_related(
            "categories", "product_models", "skus"
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        promotion = self.get_object()
        services.promotion_delete(
            user=request_user(request),
            promotion=promotion,
            expected_version=self.expected_version(),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
