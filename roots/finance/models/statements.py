"""Monthly statements of account and their lines (the steps are declared in
`roots.finance.lifecycles.statements`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField, BusinessDateTimeField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import SearchableMixin, VersionedModel
from roots.customers.models import CustomerScopedQuerySet
from roots.finance.models.common import MONEY, ZERO

if TYPE_CHECKING:
    from roots.org.models import User


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    RESOLVED = "resolved", _("Resolved")


class StatementQuerySet(CustomerScopedQuerySet):
    """Statements are visible with their customer; drafts only to staff."""

    def visible_to(self, user: User) -> Self:
        qs = super().visible_to(user)
        if getattr(user, "customer_id", None):
            qs = qs.exclude(status=StatementStatus.DRAFT)
        return qs


class Statement(SearchableMixin, VersionedModel):
    """The monthly statement of account (对账单) the customer reconciles.

    Balances are signed: positive means the customer owes us, negative is a credit.
    closing_balance = opening_balance + total_debit - total_credit.
    """

    number = models.CharField(_("number"), max_length=16, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    period_start = BusinessDateField(_("period from"))
    period_end = BusinessDateField(_("period to"))
    opening_balance = models.DecimalField(_("opening balance (CNY)"), **MONEY)
    total_debit = models.DecimalField(_("debits (CNY)"), default=ZERO, **MONEY)
    total_credit = models.DecimalField(_("credits (CNY)"), default=ZERO, **MONEY)
    closing_balance = models.DecimalField(_("closing balance (CNY)"), **MONEY)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=StatementStatus.choices,
        default=StatementStatus.DRAFT,
        db_index=True,
    )
    generated_at = BusinessDateTimeField(_("generated at"), null=True, blank=True)
    issued_at = BusinessDateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        "org.User",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = BusinessDateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "org.User",
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_at = BusinessDateTimeField(_("resolved at"), null=True, blank=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number",)

    class Meta:
        ordering = ["-year", "-month", "customer_id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year", "month"], name="finance_statement_one_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="finance_statement_month"
            ),
        ]
        indexes = [models.Index(fields=["status", "year", "month"], name="fin_st_status_period")]

    def __str__(self) -> str:
        return self.number

    @property
    def period_label(self) -> str:
        return f"{self.year}-{self.month:02d}"


class LineKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    PAYMENT = "payment", _("Payment")
    CREDIT = "credit", _("Credit")


class StatementLineQuerySet(CustomerScopedQuerySet):
    customer_path = "statement__customer__"


class StatementLine(models.Model):
    """One movement of the month, with the running balance after it."""

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    date = BusinessDateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    reference = models.CharField(_("reference"), max_length=30)
    # The description as written when the statement was made, and the message id with
    # parameters that renders it in the reader's language (`roots.finance.texts`).
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_text = GeneratedTextField(_("generated description"))
    debit = models.DecimalField(_("debit (CNY)"), default=ZERO, **MONEY)
    credit = models.DecimalField(_("credit (CNY)"), default=ZERO, **MONEY)
    balance = models.DecimalField(_("balance (CNY)"), **MONEY)

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        ordering = ["statement_id", "line_no"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(fields=["statement", "line_no"], name="finance_stline_no_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}/{self.line_no} {self.reference}"

    get_description_display = rendered("description")
