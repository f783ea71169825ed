"""Payments: money received from a customer."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField
from roots.core.models import SearchableMixin, VersionedModel
from roots.customers.models import CustomerScopedQuerySet
from roots.finance.models.common import MAX_AMOUNT, MONEY, ZERO


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ACCEPTANCE_BILL = "acceptance_bill", _("Bank acceptance bill")
    CASH = "cash", _("Cash")


class PaymentQuerySet(CustomerScopedQuerySet):
    """Payments are visible with their customer."""


class Payment(SearchableMixin, VersionedModel):
    """Money received from a customer; applied to its oldest open invoices first."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    received_on = BusinessDateField(_("received on"), db_index=True)
    amount = models.DecimalField(
        _("amount (CNY)"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
        **MONEY,
    )
    method = models.CharField(
        _("method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # What is not applied to an invoice yet (the customer's credit balance).
    unapplied_amount = models.DecimalField(_("unapplied (CNY)"), default=ZERO, **MONEY)
    recorded_by = models.ForeignKey(
        "org.User",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = PaymentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number", "reference")

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, unapplied_amount__gte=0)
                & models.Q(unapplied_amount__lte=models.F("amount")),
                name="finance_payment_amounts",
            )
        ]
        indexes = [models.Index(fields=["customer", "received_on"], name="fin_pay_cust_date")]

    def __str__(self) -> str:
        return self.number
