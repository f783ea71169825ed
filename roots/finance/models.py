"""Finance: invoices, payments, rebates and expenses, monthly statements and reconciliation.

The account of a channel customer is a ledger of three kinds of movement:

* debits: invoices, one per shipped order (`Invoice`, dated by `issue_date`);
* credits: payments received (`Payment`, dated by `received_on`) and expenses credited to
  the account (`Expense` approved: a rebate granted by staff or a marketing-expense claim
  approved by the account manager, dated by `credit_date`).

Payments and credits ("receipts") are applied to the oldest open invoices first
(`Allocation`); what a receipt cannot cover yet waits, unapplied, for the next invoice.
docs/finance.md gives the formulas and draws the statement and dispute life-cycles.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField, BusinessDateTimeField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import SearchableMixin, TimeStampedModel, VersionedModel
from roots.customers.models import CustomerScopedQuerySet

if TYPE_CHECKING:
    from roots.org.models import User

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
# Days between an invoice's issue date and its due date, unless the customer's payment
# terms name another number of days ("月结 60 天", "Net 45").
DEFAULT_PAYMENT_DAYS = 30
MAX_AMOUNT = Decimal("99999999999.99")


# --- invoices -----------------------------------------------------------------------------


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


# --- payments ------------------------------------------------------------------------------


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


# --- rebates and marketing expenses --------------------------------------------------------


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


# --- statements and reconciliation ---------------------------------------------------------


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


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class DisputeQuerySet(CustomerScopedQuerySet):
    """Disputes are visible with their customer."""

    def unclosed(self) -> Self:
        return self.exclude(status=DisputeStatus.CLOSED)


class Dispute(SearchableMixin, VersionedModel):
    """The customer's objection to lines of an issued statement, tracked to closure."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="disputes"
    )
    # Denormalised from the statement: scoping and the desk's filters read it directly.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lines = models.ManyToManyField(
        StatementLine, verbose_name=_("disputed lines"), related_name="disputes", blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DisputeStatus.choices,
        default=DisputeStatus.OPEN,
        db_index=True,
    )
    opened_by = models.ForeignKey(
        "org.User",
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    comment = models.TextField(_("comment"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        "org.User",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = BusinessDateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "org.User",
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = BusinessDateTimeField(_("closed at"), null=True, blank=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = DisputeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["status", "created_at"], name="fin_dispute_desk")]

    def __str__(self) -> str:
        return self.number


class DisputeMessageQuerySet(CustomerScopedQuerySet):
    customer_path = "dispute__customer__"


class DisputeMessage(TimeStampedModel):
    """One message of a dispute's thread (the opening comment, answers, replies)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        "org.User",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    body = models.TextField(_("message"), max_length=2000)

    objects = DisputeMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.body[:30]}"
