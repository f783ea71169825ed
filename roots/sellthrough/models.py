"""Sell-through (进销存): what each customer reports per outlet and day.

Two feeds land here. `SellThrough` holds, per outlet, day and SKU, the units received, the
units sold, the revenue and the stock on hand; `CategorySales` holds, per outlet, day and
category, the customer's total sales of all brands (the denominator of the share KPI).
Customers send them as CSV or XLSX files (`Upload`), imported by a background task through
a staging table, so that a failed or killed import leaves nothing half-written in the feed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from roots.core.dates import BusinessDateField, BusinessDateTimeField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import TimeStampedModel
from roots.customers.models import CustomerScopedQuerySet

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
MAX_UNITS = 10_000_000
MAX_MONEY = Decimal("1000000000000")


class FeedKind(models.TextChoices):
    SELLTHROUGH = "sellthrough", _("Sell-through")
    CATEGORY_SALES = "category_sales", _("Category sales")


# The header row of each feed's file, in order (CSV, or the first row of the first sheet).
FEED_COLUMNS: dict[str, tuple[str, ...]] = {
    FeedKind.SELLTHROUGH: (
        "date",
        "outlet",
        "sku",
        "units_received",
        "units_sold",
        "revenue",
        "stock_units",
    ),
    FeedKind.CATEGORY_SALES: ("date", "outlet", "category", "total_sales"),
}


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Failed")


class UploadQuerySet(CustomerScopedQuerySet):
    """Uploads are visible with their customer."""


class Upload(TimeStampedModel):
    """One file of a feed sent by a customer (or by staff on its behalf), and the state of
    its import: progress while it runs, counts and a per-row error report when done."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="sellthrough_uploads",
    )
    kind = models.CharField(_("feed"), max_length=20, choices=FeedKind.choices)
    file = models.FileField(_("file"), upload_to="sellthrough/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=UploadStatus.choices,
        default=UploadStatus.QUEUED,
        db_index=True,
    )
    rows_total = models.PositiveIntegerField(_("rows in file"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rows_created = models.PositiveIntegerField(_("rows added"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows replaced"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    started_at = BusinessDateTimeField(_("started at"), null=True, blank=True)
    finished_at = BusinessDateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sell-through upload")
        verbose_name_plural = _("sell-through uploads")
        indexes = [models.Index(fields=["customer", "-created_at"], name="st_upload_cust_idx")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"

    @property
    def rows_accepted(self) -> int:
        return self.rows_created + self.rows_updated + self.rows_unchanged

    @property
    def progress(self) -> int:
        """Per cent of the file read (0–100); 100 once finished."""
        if self.status in (UploadStatus.SUCCEEDED, UploadStatus.FAILED):
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_read * 100 // self.rows_total)


class UploadErrorQuerySet(CustomerScopedQuerySet):
    customer_path = "upload__customer__"


class UploadError(models.Model):
    """A rejected row of an upload: its row number in the file (the header is row 1), the
    column at fault and why, and the row as it was sent."""

    upload = models.ForeignKey(
        Upload, verbose_name=_("upload"), on_delete=models.CASCADE, related_name="errors"
    )
    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=40, blank=True)
    # The error as written in the uploader's language, and the message id with parameters
    # that renders it in the reader's (`roots.sellthrough.texts`).
    message = models.CharField(_("error"), max_length=300)
    message_text = GeneratedTextField(_("generated error"))
    raw = models.CharField(_("row as sent"), max_length=1000, blank=True)

    objects = UploadErrorQuerySet.as_manager()

    class Meta:
        ordering = ["upload_id", "row_number", "pk"]
        verbose_name = _("upload error")
        verbose_name_plural = _("upload errors")

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"

    get_message_display = rendered("message")


class SellThroughQuerySet(CustomerScopedQuerySet):
    """Feed rows are visible with their customer (`customer` is the outlet's, kept on the
    row so that scoping and the KPIs group without a join)."""


class FeedRow(models.Model):
    """What the rows of both feeds share: the customer, the outlet, the day and the upload
    that last wrote the row."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    outlet = models.ForeignKey(
        "customers.Outlet", verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="+"
    )
    date = BusinessDateField(_("date"))
    upload = models.ForeignKey(
        Upload,
        verbose_name=_("upload"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SellThroughQuerySet.as_manager()

    class Meta:
        abstract = True


class SellThrough(FeedRow):
    """What one outlet received, sold and held of one SKU on one day. `unit_cost` is the
    customer's price from us for that SKU on that day (customer price, else channel list,
    else list price), fixed at import: the cost basis of the inventory and margin KPIs."""

    sku = models.ForeignKey(
        "catalog.Sku", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+"
    )
    units_received = models.PositiveIntegerField(
        _("units received"), validators=[MaxValueValidator(MAX_UNITS)]
    )
    units_sold = models.PositiveIntegerField(
        _("units sold"), validators=[MaxValueValidator(MAX_UNITS)]
    )
    revenue = models.DecimalField(
        _("revenue (CNY)"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)],
        **MONEY,
    )
    stock_units = models.PositiveIntegerField(
        _("stock (units)"), validators=[MaxValueValidator(MAX_UNITS)]
    )
    unit_cost = models.DecimalField(_("unit cost (CNY)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["-date", "outlet_id", "sku_id"]
        verbose_name = _("sell-through row")
        verbose_name_plural = _("sell-through rows")
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "date", "sku"], name="sellthrough_outlet_date_sku_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "date"], name="st_customer_date_idx"),
            models.Index(fields=["outlet", "sku", "date"], name="st_outlet_sku_date_idx"),
            models.Index(fields=["date"], name="st_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet_id}/{self.sku_id}@{self.date}"


class CategorySales(FeedRow):
    """A customer's total sales of one category, all brands together, at one outlet on one
    day (the denominator of our share of the customer's sales)."""

    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    total_sales = models.DecimalField(
        _("total sales, all brands (CNY)"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MONEY)],
        **MONEY,
    )

    class Meta:
        ordering = ["-date", "outlet_id", "category_id"]
        verbose_name = _("category sales row")
        verbose_name_plural = _("category sales rows")
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "date", "category"], name="catsales_outlet_date_cat_uniq"
            ),
        ]
        indexes = [models.Index(fields=["customer", "date"], name="cs_customer_date_idx")]

    def __str__(self) -> str:
        return f"{self.outlet_id}/{self.category_id}@{self.date}"


# --- staging: the rows of an import in progress ---------------------------------------------
# An import validates the file in chunks into these tables (committed as it goes, so that
# progress shows), then moves the upload's rows into the feed in one transaction. A killed
# import leaves only staging rows, which the next attempt of the same upload deletes first.


class StagedRow(models.Model):
    """What the staged rows of both feeds share: the upload, the customer, the outlet, the
    day and the row's number in the file."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    outlet = models.ForeignKey("customers.Outlet", on_delete=models.CASCADE, related_name="+")
    date = BusinessDateField()
    row_number = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.row_number}"


class StagedSellThrough(StagedRow):
    sku = models.ForeignKey("catalog.Sku", on_delete=models.CASCADE, related_name="+")
    units_received = models.PositiveIntegerField()
    units_sold = models.PositiveIntegerField()
    revenue = models.DecimalField(**MONEY)
    stock_units = models.PositiveIntegerField()
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "outlet", "date", "sku"], name="staged_st_key_uniq"
            ),
        ]


class StagedCategorySales(StagedRow):
    category = models.ForeignKey("catalog.Category", on_delete=models.CASCADE, related_name="+")
    total_sales = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["upload", "outlet", "date", "category"], name="staged_cs_key_uniq"
            ),
        ]
