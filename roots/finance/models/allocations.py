"""Allocations: part of a payment or of a credit applied to an invoice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from roots.customers.models import CustomerScopedQuerySet
from roots.finance.models.common import MONEY
from roots.finance.models.expenses import Expense
from roots.finance.models.invoices import Invoice
from roots.finance.models.payments import Payment


class AllocationQuerySet(CustomerScopedQuerySet):
    customer_path = "invoice__customer__"


class Allocation(models.Model):
    """Part of a payment or of a credited expense applied to an invoice."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="allocations"
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        on_delete=models.CASCADE,
        related_name="allocations",
        null=True,
        blank=True,
    )
    expense = models.ForeignKey(
        Expense,
        verbose_name=_("credit"),
        on_delete=models.CASCADE,
        related_name="allocations",
        null=True,
        blank=True,
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(payment__isnull=False) & models.Q(expense__isnull=True))
                | (models.Q(payment__isnull=True) & models.Q(expense__isnull=False)),
                name="finance_allocation_one_source",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="finance_allocation_amount_gt_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"
