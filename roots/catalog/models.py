"""The product catalog: categories, product models (lines) and their regional variants,
SKUs, warehouses with stock, and channel price lists with customer-specific overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField
from roots.core.models import ScopedQuerySet, SearchableMixin, VersionedModel
from roots.customers.models import ChannelType, CustomerScopedQuerySet
from roots.org.models import STAFF_ROLES, Role

if TYPE_CHECKING:
    from datetime import date

    from roots.org.models import User

# Staff roles that see every price list (call agents and engineers quote no prices).
PRICE_ROLES = frozenset(
    {Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.PRODUCT_MANAGER}
)


class Region(models.TextChoices):
    """The regions of `org.Province.region`, for which a product line is tuned."""

    NORTH = "华北", _("North China")
    NORTHEAST = "东北", _("Northeast China")
    EAST = "华东", _("East China")
    CENTRAL = "华中", _("Central China")
    SOUTH = "华南", _("South China")
    SOUTHWEST = "西南", _("Southwest China")
    NORTHWEST = "西北", _("Northwest China")


class CapacityUnit(models.TextChoices):
    LITRE = "L", _("litres")
    KILOGRAM = "kg", _("kilograms")
    HORSEPOWER = "HP", _("horsepower")
    INCH = "in", _("inches")
    NONE = "", _("none")


class EnergyClass(models.IntegerChoices):
    """The China energy label (1 is the most efficient)."""

    CLASS_1 = 1, _("Class 1")
    CLASS_2 = 2, _("Class 2")
    CLASS_3 = 3, _("Class 3")
    CLASS_4 = 4, _("Class 4")
    CLASS_5 = 5, _("Class 5")


def sees_catalog(user: User) -> bool:
    """Every signed-in staff role and customer users read the catalog; suppliers do not."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in STAFF_ROLES or user.role == Role.CUSTOMER_USER


class CatalogQuerySet(ScopedQuerySet):
    """Catalog reference data (categories, models, SKUs, warehouses, stock)."""

    def visible_to(self, user: User) -> Self:
        return self.all() if sees_catalog(user) else self.none()


class Category(SearchableMixin, VersionedModel):
    """A product category (冰箱, 洗衣机 ...), optionally under a parent category."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    objects = CatalogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    search_fields = ("code", "name", "name_en")

    @property
    def local_name(self) -> str:
        """The name in the reader's language: the Chinese name in a Chinese page, the English
        one (when there is one) in any other (review 2026-12, D5)."""
        if (get_language() or "").startswith("zh") or not self.name_en:
            return self.name
        return self.name_en


class ProductModel(SearchableMixin, VersionedModel):
    """A product model (a product line, e.g. BCD-216STPT) of which SKUs are the variants."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="models"
    )
    series = models.CharField(_("series"), max_length=50, blank=True)
    launched_on = BusinessDateField(_("launch date"), null=True, blank=True)
    is_custom_capable = models.BooleanField(_("made to order possible"), default=False)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    search_text = models.CharField(max_length=800, editable=False, db_index=True, default="")

    objects = CatalogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("product model")
        verbose_name_plural = _("product models")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    search_fields = ("code", "name", "series")


class RegionalVariant(VersionedModel):
    """A product model tuned for a region (北方 heating season, 华南 humidity ...)."""

    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        related_name="regional_variants",
    )
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    features = models.TextField(_("tuned features"), max_length=2000, blank=True)

    objects = CatalogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["product_model_id", "region"]
        verbose_name = _("regional variant")
        verbose_name_plural = _("regional variants")
        constraints = [
            models.UniqueConstraint(
                fields=["product_model", "region"], name="catalog_variant_model_region_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_model_id} {self.region}"


class Sku(SearchableMixin, VersionedModel):
    """A sellable product (库存单位) with its attributes and list price."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    product_model = models.ForeignKey(
        ProductModel, verbose_name=_("product model"), on_delete=models.PROTECT, related_name="skus"
    )
    name = models.CharField(_("name"), max_length=200)
    capacity = models.DecimalField(
        _("capacity"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=4, choices=CapacityUnit.choices, blank=True
    )
    energy_class = models.PositiveSmallIntegerField(
        _("energy class"), choices=EnergyClass.choices, null=True, blank=True
    )
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    list_price = models.DecimalField(
        _("list price (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10**9)],
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    search_text = models.CharField(max_length=1000, editable=False, db_index=True, default="")

    objects = CatalogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0), name="catalog_sku_list_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=0),
                name="catalog_sku_capacity_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    search_fields = ("code", "name", "colour")


class Warehouse(SearchableMixin, VersionedModel):
    """A warehouse (中心库) in a province, optionally run by a branch."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.ForeignKey(
        "org.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="warehouses",
        null=True,
        blank=True,
    )
    city = models.CharField(_("city"), max_length=50, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    objects = CatalogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    search_fields = ("code", "name", "city")


class StockLevel(VersionedModel):
    """Units of a SKU in a warehouse: on hand, and reserved for open orders."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock"
    )
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="stock"
    )
    on_hand = models.PositiveIntegerField(
        _("on hand"), default=0, validators=[MaxValueValidator(10**9)]
    )
    reserved = models.PositiveIntegerField(
        _("reserved"), default=0, validators=[MaxValueValidator(10**9)]
    )

    objects = CatalogQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["warehouse_id", "sku_id"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "sku"], name="catalog_stock_wh_sku_uniq"),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=0, reserved__gte=0),
                name="catalog_stock_gte_0",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="catalog_stock_reserved_lte_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.sku_id}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def _valid_dates_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


class PriceListQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Staff who sell see every price list; a customer user only its channel's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in PRICE_ROLES:
            return self.all()
        if user.role == Role.CUSTOMER_USER and user.customer_id:
            from roots.customers.models import Customer

            channel = Customer.objects.all_unscoped().filter(pk=user.customer_id)
            return self.filter(channel_type__in=channel.values("channel_type"))
        return self.none()


class PriceList(SearchableMixin, VersionedModel):
    """The prices of one channel type (渠道价格表) for a period (`valid_to` empty: open)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    channel_type = models.CharField(
        _("channel type"), max_length=30, choices=ChannelType.choices, db_index=True
    )
    valid_from = BusinessDateField(_("valid from"))
    valid_to = BusinessDateField(_("valid to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY", editable=False)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    objects = PriceListQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [_valid_dates_constraint("catalog_pricelist_valid_dates")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    search_fields = ("code", "name")

    def clean(self) -> None:
        super().clean()
        _check_dates(self)


class PriceListItemQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        return self.filter(price_list__in=PriceList.objects.visible_to(user))


class PriceListItem(VersionedModel):
    """The price of a SKU in a price list."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.CASCADE, related_name="items"
    )
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="price_list_items"
    )
    price = models.DecimalField(
        _("price (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10**9)],
    )

    objects = PriceListItemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["price_list_id", "sku_id"]
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "sku"], name="catalog_item_list_sku_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalog_item_price_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}/{self.sku_id}: {self.price}"


class CustomerPriceQuerySet(CustomerScopedQuerySet):
    """Customer-specific prices are visible with their customer (customer_scope)."""


class CustomerPrice(VersionedModel):
    """A price agreed with one customer (a key account) for a SKU, for a period."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="prices",
    )
    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="customer_prices"
    )
    price = models.DecimalField(
        _("price (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10**9)],
    )
    valid_from = BusinessDateField(_("valid from"))
    valid_to = BusinessDateField(_("valid to"), null=True, blank=True)

    objects = CustomerPriceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["customer_id", "sku_id", "-valid_from"]
        verbose_name = _("customer price")
        verbose_name_plural = _("customer prices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalog_custprice_price_gte_0"
            ),
            _valid_dates_constraint("catalog_custprice_valid_dates"),
        ]
        indexes = [
            models.Index(fields=["customer", "sku", "valid_from"], name="catalog_custprice_idx")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.sku_id}: {self.price}"

    def clean(self) -> None:
        super().clean()
        _check_dates(self)


def _check_dates(instance: PriceList | CustomerPrice) -> None:
    start, end = instance.valid_from, instance.valid_to
    if start is not None and end is not None and end < start:
        raise ValidationError({"valid_to": [_("The end must not be before the start.")]})


# --- promotions ----------------------------------------------------------------------------
class PromotionQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Headquarters and product managers see every promotion (drafts too); other staff
        the published ones; a customer user the published ones valid today that target its
        channel type; supplier users none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in PROMOTION_EDITORS:
            return self.all()
        if user.role in STAFF_ROLES:
            return self.filter(is_published=True)
        if user.role == Role.CUSTOMER_USER and user.customer_id:
            channel = user.customer.channel_type if user.customer else ""
            return (
                self.filter(is_published=True).valid_on(timezone.localdate()).for_channel(channel)
            )
        return self.none()

    def valid_on(self, on: date) -> Self:
        return self.filter(valid_from__lte=on, valid_to__gte=on)

    def for_channel(self, channel_type: str) -> Self:
        """Promotions for every channel (an empty list) or naming `channel_type`. The list is
        JSON, matched as text (`"local_chain"` with its quotes) so that SQLite and PostgreSQL
        answer alike."""
        return self.filter(
            models.Q(channel_types=[]) | models.Q(channel_types__icontains=f'"{channel_type}"')
        )


# Roles that create and change promotions.
PROMOTION_EDITORS = frozenset({Role.HQ_ADMIN, Role.PRODUCT_MANAGER})


class Promotion(SearchableMixin, VersionedModel):
    """A price promotion (促销) published by headquarters: a discount off the customer's own
    price, for a period, for some channel types (none listed: all) and some products
    (categories, product models or SKUs; none listed: the whole catalog)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    valid_from = BusinessDateField(_("valid from"))
    valid_to = BusinessDateField(_("valid to"))
    channel_types = models.JSONField(
        _("channel types"),
        default=list,
        blank=True,
        help_text=_("The channel types it is for; empty: every channel."),
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="promotions", blank=True
    )
    product_models = models.ManyToManyField(
        ProductModel, verbose_name=_("product models"), related_name="promotions", blank=True
    )
    skus = models.ManyToManyField(
        Sku, verbose_name=_("SKUs"), related_name="promotions", blank=True
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    created_by = models.ForeignKey(
        "org.User",
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")

    objects = PromotionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("code", "name")

    class Meta:
        ordering = ["-valid_from", "code"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="catalog_promotion_valid_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="catalog_promotion_discount_0_100",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="catalog_promo_dates_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": [_("The end must not be before the start.")]})
        channels = self.channel_types
        if not isinstance(channels, list) or any(
            not isinstance(c, str) or c not in ChannelType.values for c in channels
        ):
            raise ValidationError({"channel_types": [_("Unknown channel type.")]})
        self.channel_types = sorted(set(channels))

    def is_valid_on(self, on: date) -> bool:
        return self.is_published and self.valid_from <= on <= self.valid_to
