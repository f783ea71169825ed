"""Sales work: leads and opportunities through seed 002's six steps, visits and calls, the
potential-customer worksheet behind the A+/A/B/C priority, and the OEC daily board (日清).

All of it is internal: customer users see none of it. Account managers see what they own
and what concerns their customers, branch managers their branch's, headquarters all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateField, BusinessDateTimeField
from roots.core.i18n_text import GeneratedTextField, rendered
from roots.core.models import ScopedQuerySet, SearchableMixin, TimeStampedModel, VersionedModel
from roots.customers.models import ChannelType, Priority, customer_scope
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


def pipeline_scope(user: User, prefix: str = "") -> models.Q | None:
    """The sales records (leads, opportunities, activities) a user may see, as a filter on
    records with `owner`, `branch` and an optional `customer`: hq_admin all (None); a branch
    manager the branch's; an account manager what they own or what concerns a customer
    they manage; everyone else (product managers, customers, suppliers ...) nothing."""
    if not user.is_authenticated or not user.is_active:
        return models.Q(pk__in=[])
    if user.role == Role.HQ_ADMIN:
        return None
    if user.role == Role.BRANCH_MANAGER and user.branch_id:
        return models.Q(**{f"{prefix}branch_id": user.branch_id})
    if user.role == Role.ACCOUNT_MANAGER:
        return models.Q(**{f"{prefix}owner_id": user.pk}) | models.Q(
            **{f"{prefix}customer__account_manager_id": user.pk}
        )
    return models.Q(pk__in=[])


def optional_link(to: Any, verbose_name: Any, related_name: str) -> models.ForeignKey[Any, Any]:
    """A protected link a sales record may lack (a lead not yet converted, a visit about no
    deal in particular)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=True,
        blank=True,
    )


def user_link(verbose_name: Any, related_name: str) -> models.ForeignKey[Any, Any]:
    """The protected link to the staff user a record belongs to (its owner, its assessor)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class PipelineQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        condition = pipeline_scope(user)
        return self.all() if condition is None else self.filter(condition)


# --- leads ---------------------------------------------------------------------------------
class LeadSource(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    EXHIBITION = "exhibition", _("Trade fair")
    COLD_CALL = "cold_call", _("Cold call")
    WEB = "web", _("Website")
    MARKET_SURVEY = "market_survey", _("Market survey")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Working")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


# A lead is open (it may still be qualified, disqualified or converted) in these.
OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED)


class Lead(SearchableMixin, VersionedModel):
    """A company that might become a channel customer, found by an account manager
    (step one of seed 002, 寻找客户), before it is in the customer master."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    company_name = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    channel_type = models.CharField(
        _("channel type"), max_length=30, choices=ChannelType.choices, blank=True
    )
    province = optional_link("org.Province", _("province"), "+")
    city = models.CharField(_("city"), max_length=50, blank=True)
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="leads"
    )
    owner = user_link(_("owner"), "leads")
    source = models.CharField(
        _("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.OTHER
    )
    status = models.CharField(
        _("status"), max_length=15, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    estimated_revenue = models.DecimalField(
        _("estimated yearly revenue (CNY)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10**11)],
        **MONEY,
    )
    disqualified_reason = models.CharField(_("reason disqualified"), max_length=300, blank=True)
    customer = optional_link("customers.Customer", _("converted to customer"), "leads")
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    search_text = models.CharField(max_length=800, editable=False, db_index=True, default="")

    objects = PipelineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])
    search_fields = ("code", "company_name", "contact_name", "phone")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [models.Index(fields=["owner", "status"], name="lead_owner_status_idx")]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.code})"


# --- opportunities -------------------------------------------------------------------------
class Stage(models.TextChoices):
    """Seed 002's six-step sales process, then the outcome."""

    PROSPECTING = "prospecting", _("Prospecting")
    FIRST_VISIT = "first_visit", _("First visit")
    DEMO = "demo", _("Product demo")
    NEGOTIATION = "negotiation", _("Negotiation")
    CONTRACT = "contract", _("Contract")
    MAINTENANCE = "maintenance", _("Maintenance")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = (
    Stage.PROSPECTING,
    Stage.FIRST_VISIT,
    Stage.DEMO,
    Stage.NEGOTIATION,
    Stage.CONTRACT,
    Stage.MAINTENANCE,
)
CLOSED_STAGES = (Stage.WON, Stage.LOST)
# Where a won or lost opportunity is reopened: a deal that came back, or a customer to keep.
REOPEN_STAGES = (Stage.NEGOTIATION, Stage.MAINTENANCE)
# The default chance of winning at each step (per cent), used by the forecast unless the
# account manager sets the opportunity's own probability.
STAGE_PROBABILITY: dict[str, int] = {
    Stage.PROSPECTING: 10,
    Stage.FIRST_VISIT: 20,
    Stage.DEMO: 40,
    Stage.NEGOTIATION: 60,
    Stage.CONTRACT: 80,
    Stage.MAINTENANCE: 90,
    Stage.WON: 100,
    Stage.LOST: 0,
}


class LostReason(models.TextChoices):
    PRICE = "price", _("Price")
    COMPETITOR = "competitor", _("Went to a competitor")
    PRODUCT_FIT = "product_fit", _("Product does not fit")
    TIMING = "timing", _("Timing / postponed")
    NO_BUDGET = "no_budget", _("No budget")
    RELATIONSHIP = "relationship", _("Relationship")
    OTHER = "other", _("Other")


class Opportunity(SearchableMixin, VersionedModel):
    """A deal an account manager pursues with a customer or a lead, moving through the six
    steps to won or lost (with a reason)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200)
    customer = optional_link("customers.Customer", _("customer"), "opportunities")
    lead = optional_link(Lead, _("lead"), "opportunities")
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    owner = user_link(_("owner"), "opportunities")
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.PROSPECTING, db_index=True
    )
    expected_value = models.DecimalField(
        _("expected value (CNY)"),
        validators=[MinValueValidator(0), MaxValueValidator(10**11)],
        **MONEY,
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty to use the stage's default."),
    )
    close_date = BusinessDateField(_("expected close date"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    lost_reason = models.CharField(
        _("reason lost"), max_length=20, choices=LostReason.choices, blank=True
    )
    lost_note = models.CharField(_("why it was lost"), max_length=500, blank=True)
    stage_changed_at = BusinessDateTimeField(_("stage changed at"), null=True, blank=True)
    closed_at = BusinessDateTimeField(_("closed at"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    search_text = models.CharField(max_length=800, editable=False, db_index=True, default="")

    objects = PipelineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])
    search_fields = ("code", "name")

    class Meta:
        ordering = ["close_date", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(lead__isnull=False),
                name="opportunity_customer_or_lead",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="lost") | ~models.Q(lost_reason=""),
                name="opportunity_lost_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "stage"], name="opp_owner_stage_idx"),
            models.Index(fields=["branch", "stage"], name="opp_branch_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def effective_probability(self) -> int:
        if self.probability is not None and self.stage not in CLOSED_STAGES:
            return self.probability
        return STAGE_PROBABILITY[self.stage]


# --- activities ----------------------------------------------------------------------------
class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(VersionedModel):
    """A visit, call or meeting, planned and then done with notes (拜访记录). A planned
    activity past its time is an overdue follow-up on its owner's daily board."""

    owner = user_link(_("owner"), "activities")
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    customer = optional_link("customers.Customer", _("customer"), "activities")
    lead = optional_link(Lead, _("lead"), "activities")
    opportunity = optional_link(Opportunity, _("opportunity"), "activities")
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    planned_at = BusinessDateTimeField(_("planned for"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    done_at = BusinessDateTimeField(_("done at"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    outcome = models.TextField(_("outcome"), max_length=2000, blank=True)

    objects = PipelineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-planned_at", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["owner", "status", "planned_at"], name="act_owner_due_idx"),
            models.Index(fields=["customer", "-planned_at"], name="act_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


# --- potential-customer worksheet ----------------------------------------------------------
SCORE: dict[str, Any] = {
    "validators": [MinValueValidator(1), MaxValueValidator(5)],
    "help_text": _("1 (poor) to 5 (excellent)"),
}


class AssessmentQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Assessments go with their customer, for the pipeline roles only (they have no
        owner or branch of their own): hq all; a branch manager the branch's customers'; an
        account manager the customers they manage; everyone else nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.HQ_ADMIN:
            return self.all()
        if user.role in (Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER):
            condition = customer_scope(user, "customer__")
            return self.all() if condition is None else self.filter(condition)
        return self.none()


class PotentialAssessment(TimeStampedModel):
    """The potential-customer worksheet of seed 002 (潜在客户评估): seven criteria scored
    1–5, the yearly revenue the customer could bring, and the priority it gives when set
    against the revenue the customer brings now. The newest assessment of a customer is
    the current one; it sets `Customer.priority`."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    growth = models.PositiveSmallIntegerField(_("growth"), **SCORE)
    business_plan = models.PositiveSmallIntegerField(_("business plan"), **SCORE)
    revenue_potential = models.PositiveSmallIntegerField(_("revenue potential"), **SCORE)
    opportunities = models.PositiveSmallIntegerField(_("opportunities"), **SCORE)
    solution_fit = models.PositiveSmallIntegerField(_("fit of our solutions"), **SCORE)
    competitiveness = models.PositiveSmallIntegerField(_("our competitiveness"), **SCORE)
    relationship = models.PositiveSmallIntegerField(_("relationship"), **SCORE)
    potential_revenue = models.DecimalField(
        _("potential yearly revenue (CNY)"),
        validators=[MinValueValidator(0), MaxValueValidator(10**11)],
        **MONEY,
    )
    current_revenue = models.DecimalField(
        _("current yearly revenue (CNY)"), default=0, editable=False, **MONEY
    )
    score = models.PositiveSmallIntegerField(_("score (0–100)"), default=0, editable=False)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    assessed_by = user_link(_("assessed by"), "+")
    notes = models.TextField(_("notes"), max_length=2000, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["customer_id", "-created_at", "-pk"]
        verbose_name = _("potential assessment")
        verbose_name_plural = _("potential assessments")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.priority}"


# --- the OEC daily board (日清) -------------------------------------------------------------
class DailyItemKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Overdue follow-up")
    STOCK_OUT = "stock_out", _("Stock-out risk")
    COMPLAINT = "complaint", _("Complaint near its deadline")
    CUSTOM_ORDER = "custom_order", _("Custom order waiting")
    TASK = "task", _("Own task")


class DailyItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CARRIED = "carried", _("Carried over")


class DailyItemQuerySet(ScopedQuerySet):
    def visible_to(self, user: User) -> Self:
        """Own items; a branch manager also their branch's staff's; hq all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.HQ_ADMIN:
            return self.all()
        if user.role == Role.BRANCH_MANAGER and user.branch_id:
            return self.filter(models.Q(user=user) | models.Q(user__branch_id=user.branch_id))
        return self.filter(user=user)


class DailyItem(TimeStampedModel):
    """One line of a staff user's list for a day. Items come from the user's work (overdue
    follow-ups, their customers' stock-out risks, complaints near the deadline, custom
    orders waiting on them) or are their own tasks. By the day's end each is done or
    carried over with a reason; a carried item reappears the next day (`carried_from`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="daily_items",
    )
    day = BusinessDateField(_("day"), db_index=True)
    kind = models.CharField(_("kind"), max_length=15, choices=DailyItemKind.choices)
    # Title and detail as written (an own task's words; generated ones as first rendered),
    # and, for items the board generates, the message id and parameters that render them in
    # the reader's language (`roots.sales.texts`).
    title = models.CharField(_("title"), max_length=300)
    title_text = GeneratedTextField(_("generated title"))
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    detail_text = GeneratedTextField(_("generated detail"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the item is about ("complaint:42", "activity:7", "stock:O0001:SKU1"): one item per
    # source per user and day, so building the board twice adds nothing.
    source_key = models.CharField(_("source"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DailyItemStatus.choices,
        default=DailyItemStatus.OPEN,
        db_index=True,
    )
    carry_reason = models.CharField(_("reason carried over"), max_length=300, blank=True)
    carry_reason_text = GeneratedTextField(_("generated reason"))
    closed_at = BusinessDateTimeField(_("closed at"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = DailyItemQuerySet.as_manager()

    class Meta:
        ordering = ["day", "status", "kind", "pk"]
        verbose_name = _("daily board item")
        verbose_name_plural = _("daily board items")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day", "source_key"],
                condition=~models.Q(source_key=""),
                name="daily_item_source_uniq",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="carried") | ~models.Q(carry_reason=""),
                name="daily_item_carried_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["user", "day"], name="daily_user_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.title}"

    get_title_display = rendered("title")
    get_detail_display = rendered("detail")
    get_carry_reason_display = rendered("carry_reason")
