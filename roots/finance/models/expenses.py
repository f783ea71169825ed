"""Rebates and marketing-expense claims: credits on the account once approved (the
steps are declared in `roots.finance.lifecycles.expenses`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField, BusinessDateTimeField
from roots.core.models import SearchableMixin, VersionedModel
from roots.customers.models import CustomerScopedQuerySet
from roots.finance.models.common import MAX_AMOUNT, MONEY, ZERO


class ExpenseKind(models.TextChoices):
    REBATE = "rebate", _("Rebate")
    MARKETING_EXPENSE = "marketing_expense", _("Marketing expense")


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CREDITED = "credited", _("Credited")


# An approved expense is a credit on the account from its `credit_date`; it is `credited`
# once wholly applied to invoices.
CREDIT_STATUSES = (ExpenseStatus.APPROVED, ExpenseStatus.CREDITED)


class ExpenseQuerySet(CustomerScopedQuerySet):
    """Expenses are visible with their customer."""

    def credits(self) -> Self:
        return self.filter(status__in=CREDIT_STATUSES)


class Expense(SearchableMixin, VersionedModel):
    """A rebate granted by staff or a marketing-expense claim of the customer; once approved
    it credits the customer's account."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExpenseKind.choices, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ExpenseStatus.choices,
        default=ExpenseStatus.SUBMITTED,
        db_index=True,
    )
    activity = models.CharField(_("activity"), max_length=200)
    period_start = BusinessDateField(_("period from"))
    period_end = BusinessDateField(_("period to"))
    amount = models.DecimalField(
        _("amount (CNY)"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
        **MONEY,
    )
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)
    submitted_by = models.ForeignKey(
        "org.User",
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_at = BusinessDateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "org.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = BusinessDateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    credit_date = BusinessDateField(_("credited on"), null=True, blank=True, db_index=True)
    unapplied_amount = models.DecimalField(_("unapplied (CNY)"), default=ZERO, **MONEY)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    objects = ExpenseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number", "activity")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("expense or rebate")
        verbose_name_plural = _("expenses and rebates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="finance_expense_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, unapplied_amount__gte=0)
                & models.Q(unapplied_amount__lte=models.F("amount")),
                name="finance_expense_amounts",
            ),
        ]
        indexes = [models.Index(fields=["customer", "status"], name="fin_exp_cust_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit(self) -> bool:
        return self.status in CREDIT_STATUSES
