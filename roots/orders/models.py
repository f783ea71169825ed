"""Orders: standard orders placed by a channel customer for one of its outlets, made-to-order
(定制) requests with their quotes, and the timeline of both (one event per step).

Life-cycles (docs/orders.md draws them):

* Order: submitted -> confirmed -> allocated -> shipped -> delivered -> closed, and
  cancelled from submitted, confirmed or allocated.
* Custom order: requested -> quoted -> accepted -> in_production -> produced (an `Order` of
  kind `made_to_order` ships it), with declined (by the product manager), rejected (the
  customer turns the quote down), expired (the quote's validity passed) and cancelled.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField, BusinessDateTimeField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import SearchableMixin, TimeStampedModel, VersionedModel
from roots.customers.models import CustomerScopedQuerySet

if TYPE_CHECKING:
    from datetime import datetime

# Production of an accepted custom order must start within this many days (the seeds' Gome
# case: into production within a week).
PRODUCTION_START_DAYS = 7
# The clock is "at risk" (alert the account and product managers) this many days before.
PRODUCTION_RISK_DAYS = 2

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


def _optional_fk(to: Any, verbose_name: Any, *, related_name: str = "+", **options: Any) -> Any:
    """A foreign key that may be empty (PROTECT unless `on_delete` says otherwise)."""
    options.setdefault("on_delete", models.PROTECT)
    return models.ForeignKey(
        to, verbose_name=verbose_name, related_name=related_name, null=True, blank=True, **options
    )


def _customer_and_outlet(related_name: str) -> tuple[Any, Any]:
    """The customer and the outlet (its delivery address) of an order or a custom order."""

    def key(to: str, verbose_name: Any) -> Any:
        return models.ForeignKey(
            to, verbose_name=verbose_name, on_delete=models.PROTECT, related_name=related_name
        )

    return key("customers.Customer", _("customer")), key("customers.Outlet", _("outlet"))


def _status(states: type[models.TextChoices], default: str) -> Any:
    """The indexed status field of a life-cycle's states."""
    return models.CharField(
        _("status"), max_length=20, choices=states.choices, default=default, db_index=True
    )


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", _("Confirmed")
    ALLOCATED = "allocated", _("Allocated")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Orders whose value still counts against the customer's credit before it is invoiced.
OPEN_ORDER_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.CONFIRMED, OrderStatus.ALLOCATED)


class OrderKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    MADE_TO_ORDER = "made_to_order", _("Made to order")


class OrderQuerySet(CustomerScopedQuerySet):
    """Orders are visible with their customer (`customer_scope`)."""


class Order(SearchableMixin, VersionedModel):
    """A customer's order for one outlet (delivery address), priced when submitted."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrderKind.choices, default=OrderKind.STANDARD
    )
    customer, outlet = _customer_and_outlet("orders")
    status = _status(OrderStatus, OrderStatus.SUBMITTED)
    placed_by = _optional_fk("org.User", _("placed by"))
    customer_reference = models.CharField(_("your reference"), max_length=50, blank=True)
    requested_date = BusinessDateField(_("requested delivery date"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    subtotal = models.DecimalField(_("subtotal (CNY)"), default=0, **MONEY)
    discount_total = models.DecimalField(_("discount (CNY)"), default=0, **MONEY)
    total = models.DecimalField(_("total (CNY)"), default=0, **MONEY)
    submitted_at = BusinessDateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    confirmed_at = BusinessDateTimeField(_("confirmed at"), null=True, blank=True)
    allocated_at = BusinessDateTimeField(_("allocated at"), null=True, blank=True)
    shipped_at = BusinessDateTimeField(_("shipped at"), null=True, blank=True)
    delivered_at = BusinessDateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = BusinessDateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = BusinessDateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=500, blank=True)
    # The shipment, recorded when the order ships (review D18).
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    waybill = models.CharField(_("waybill number"), max_length=60, blank=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    objects = OrderQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number", "customer_reference")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0, discount_total__gte=0, total__gte=0),
                name="orders_order_amounts_gte_0",
            )
        ]
        indexes = [models.Index(fields=["customer", "status"], name="orders_order_cust_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATUSES


class OrderLine(models.Model):
    """One SKU (or, for a made-to-order order, the quoted product) at its price."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    sku = _optional_fk("catalog.Sku", _("SKU"), related_name="order_lines")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    list_price = models.DecimalField(_("list price (CNY)"), **MONEY)
    unit_price = models.DecimalField(_("unit price (CNY)"), **MONEY)
    discount = models.DecimalField(_("discount (CNY)"), default=0, **MONEY)
    line_total = models.DecimalField(_("line total (CNY)"), **MONEY)
    promotion = _optional_fk("catalog.Promotion", _("promotion"), related_name="order_lines")

    class Meta:
        ordering = ["order_id", "line_no"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="orders_line_no_uniq"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_line_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"


class CustomOrderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    QUOTED = "quoted", _("Quoted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PRODUCTION = "in_production", _("In production")
    PRODUCED = "produced", _("Produced")
    # Distinct labels in every language: we declined the request / the customer rejected
    # our quote.
    DECLINED = "declined", _("Request declined")
    REJECTED = "rejected", _("Quote rejected")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class CustomOrderQuerySet(CustomerScopedQuerySet):
    """Custom orders are visible with their customer (`customer_scope`)."""


class CustomOrder(SearchableMixin, VersionedModel):
    """A made-to-order request (定制): the customer's need, our quote, the production clock."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    customer, outlet = _customer_and_outlet("custom_orders")
    requested_by = _optional_fk("org.User", _("requested by"))
    status = _status(CustomOrderStatus, CustomOrderStatus.REQUESTED)
    # The need
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        "catalog.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    capacity_min = models.DecimalField(
        _("capacity from"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    capacity_max = models.DecimalField(
        _("capacity to"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    target_price = models.DecimalField(
        _("target unit price (CNY)"),
        validators=[MinValueValidator(0)],
        null=True,
        blank=True,
        **MONEY,
    )
    features = models.JSONField(_("features"), default=list, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    wanted_date = BusinessDateField(_("wanted by"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # The quote
    quoted_model = _optional_fk("catalog.ProductModel", _("quoted model"))
    quoted_price = models.DecimalField(_("quoted unit price (CNY)"), null=True, blank=True, **MONEY)
    quoted_lead_days = models.PositiveSmallIntegerField(
        _("lead time (days)"), null=True, blank=True
    )
    quote_valid_until = BusinessDateField(_("quote valid until"), null=True, blank=True)
    quote_note = models.TextField(_("quote note"), max_length=2000, blank=True)
    quoted_by = _optional_fk("org.User", _("quoted by"))
    quoted_at = BusinessDateTimeField(_("quoted at"), null=True, blank=True)
    # Acceptance and the production clock
    accepted_at = BusinessDateTimeField(_("accepted at"), null=True, blank=True)
    production_due = BusinessDateTimeField(
        _("production must start by"), null=True, blank=True, db_index=True
    )
    production_started_at = BusinessDateTimeField(_("production started"), null=True, blank=True)
    produced_at = BusinessDateTimeField(_("produced at"), null=True, blank=True)
    risk_alerted_at = BusinessDateTimeField(_("risk alert sent"), null=True, blank=True)
    closed_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The order that ships it (created when the customer accepts the quote)
    order = models.OneToOneField(
        Order,
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="custom_order",
        null=True,
        blank=True,
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")

    objects = CustomOrderQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number", "title")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("custom order")
        verbose_name_plural = _("custom orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_min__isnull=True)
                | models.Q(capacity_max__isnull=True)
                | models.Q(capacity_max__gte=models.F("capacity_min")),
                name="orders_custom_capacity_range",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @staticmethod
    def production_deadline(accepted_at: datetime) -> datetime:
        return accepted_at + timedelta(days=PRODUCTION_START_DAYS)


class EventKind(models.TextChoices):
    STATUS = "status", _("Status change")
    NOTE = "note", _("Note")
    ALERT = "alert", _("Alert")


class OrderEventQuerySet(CustomerScopedQuerySet):
    pass


class OrderEvent(TimeStampedModel):
    """One step on the timeline of an order or a custom order, shown to customer and staff."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    order = _optional_fk(Order, _("order"), related_name="events", on_delete=models.CASCADE)
    custom_order = _optional_fk(
        CustomOrder, _("custom order"), related_name="events", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    actor = _optional_fk("org.User", _("by"))
    # The event's text as first written (a person's note or reason as typed; a generated
    # sentence in the language of the moment), and, when the system said something, its
    # message id and parameters (`roots.orders.texts`; a note joined as written) that
    # render it in the reader's language: `get_message_display`.
    message = models.TextField(_("message"), max_length=2000, blank=True)
    message_text = GeneratedTextField(_("generated text"))
    visible_to_customer = models.BooleanField(_("visible to the customer"), default=True)

    objects = OrderEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__isnull=False) | models.Q(custom_order__isnull=False),
                name="orders_event_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_status}->{self.to_status}"

    get_message_display = rendered("message")


class OrderAllocationQuerySet(CustomerScopedQuerySet):
    """Allocations are visible with their order's customer."""

    customer_path = "line__order__customer__"


class OrderAllocation(models.Model):
    """Units of an order line reserved in (and later shipped from) one warehouse."""

    line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.CASCADE,
        related_name="allocations",
    )
    warehouse = models.ForeignKey(
        "catalog.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="order_allocations",
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )

    objects = OrderAllocationQuerySet.as_manager()

    class Meta:
        ordering = ["line_id", "warehouse_id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["line", "warehouse"], name="orders_allocation_line_wh_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orders_allocation_quantity_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}@{self.warehouse_id}: {self.quantity}"
