"""Invoices: the bill of one shipped order, with its lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField
from roots.core.models import SearchableMixin, VersionedModel
from roots.customers.models import CustomerScopedQuerySet
from roots.finance.models.common import MONEY, ZERO


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")


# Shown (never stored): an open or partly paid invoice past its due date.
OVERDUE = "overdue"
OVERDUE_LABEL = _("Overdue")


class InvoiceQuerySet(CustomerScopedQuerySet):
    """Invoices are visible with their customer (`customer_scope`)."""

    def unpaid(self) -> Self:
        return self.exclude(status=InvoiceStatus.PAID)

    def overdue(self, *, today: date) -> Self:
        return self.unpaid().filter(due_date__lt=today)


class Invoice(SearchableMixin, VersionedModel):
    """The bill for one shipped order (amount = the order's total)."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    # One invoice per order: the unique key makes `invoice_shipment` idempotent.
    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="invoice",
        null=True,
        blank=True,
    )
    issue_date = BusinessDateField(_("issue date"), db_index=True)
    due_date = BusinessDateField(_("due date"), db_index=True)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    paid_amount = models.DecimalField(_("paid (CNY)"), default=ZERO, **MONEY)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InvoiceStatus.choices,
        default=InvoiceStatus.OPEN,
        db_index=True,
    )
    paid_at = BusinessDateField(_("paid on"), null=True, blank=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = InvoiceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number",)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, paid_amount__gte=0)
                & models.Q(paid_amount__lte=models.F("amount")),
                name="finance_invoice_paid_within_amount",
            )
        ]
        indexes = [
            models.Index(fields=["customer", "issue_date"], name="fin_inv_cust_date"),
            models.Index(fields=["customer", "status"], name="fin_inv_cust_status"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    def is_overdue(self, today: date) -> bool:
        return self.status != InvoiceStatus.PAID and self.due_date < today

    def display_status(self, today: date) -> str:
        """`overdue` for an unpaid invoice past due, else the stored status."""
        return OVERDUE if self.is_overdue(today) else self.status


class InvoiceLine(models.Model):
    """A line copied from the order line it bills."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    sku = models.ForeignKey(
        "catalog.Sku",
        verbose_name=_("SKU"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price (CNY)"), **MONEY)
    line_total = models.DecimalField(_("line total (CNY)"), **MONEY)

    class Meta:
        ordering = ["invoice_id", "line_no"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_no"], name="finance_invline_no_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.line_no}"
