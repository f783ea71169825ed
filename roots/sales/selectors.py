"""Reads of the sales pipeline, always through the user's scope (`visible_to`).

Sums of money are exact: the weighted value of a group of opportunities is computed from
its sums per (stage, probability), so the database only adds decimals and never multiplies
by a percentage (SQLite would divide integers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from roots.org.models import Role, User
from roots.sales import policies
from roots.sales.models import (
    OPEN_STAGES,
    STAGE_PROBABILITY,
    Activity,
    ActivityStatus,
    Lead,
    Opportunity,
    PotentialAssessment,
    Stage,
)

if TYPE_CHECKING:
    from roots.customers.models import Customer
    from roots.org.models import Branch

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BOARD_CARDS = 30  # cards shown per column of the board; the list has the rest
MATRIX_POINTS = 2000  # customers drawn on the matrix chart (the table pages through all)
CUSTOMER_TAB_ROWS = 10
# The current revenue of the worksheet is what we invoiced the customer over this many days
# up to today.
CURRENT_REVENUE_DAYS = 365


def _money(value: Any) -> Decimal:
    return Decimal(value or 0).quantize(CENT)


def _weighted(total: Any, stage: str, probability: int | None) -> Decimal:
    """Σ expected value × the effective probability of a group (one stage, one
    probability): the probability set on the opportunities, else the stage's default."""
    percent = probability if probability is not None else STAGE_PROBABILITY[stage]
    return Decimal(total or 0) * percent / 100


# --- lists -------------------------------------------------------------------------------------
def lead_list(*, user: User, search: str | None = None) -> QuerySet[Lead]:
    """Leads the user may see, with what a list row shows joined in one query."""
    return (
        Lead.objects.visible_to(user)
        .search(search)
        .select_related("owner", "branch", "customer", "province")
    )


def opportunity_list(*, user: User, search: str | None = None) -> QuerySet[Opportunity]:
    """Opportunities the user may see (filters: `OpportunityFilter`), with their customer,
    lead, owner and branch joined; `?search=` matches the code and the name (pinyin too)."""
    return (
        Opportunity.objects.visible_to(user)
        .search(search)
        .select_related("customer", "lead", "owner", "branch")
    )


def activity_list(*, user: User) -> QuerySet[Activity]:
    return Activity.objects.visible_to(user).select_related(
        "owner", "customer", "lead", "opportunity", "contact"
    )


def assessment_list(*, user: User) -> QuerySet[PotentialAssessment]:
    return PotentialAssessment.objects.visible_to(user).select_related(
        "customer", "customer__account_manager", "assessed_by"
    )


def owner_choices(*, user: User, branch: Branch | None = None) -> QuerySet[User]:
    """Whom the user may name as an owner or filter by: a branch manager the account and
    branch managers of the branch; headquarters those of `branch` (all without one); an
    account manager only themselves."""
    people = User.objects.filter(is_active=True, role__in=policies.OWNER_ROLES)
    if user.role == Role.HQ_ADMIN:
        people = people.filter(branch=branch) if branch is not None else people
    elif user.role == Role.BRANCH_MANAGER and user.branch_id:
        people = people.filter(branch_id=user.branch_id)
    else:
        people = people.filter(pk=user.pk)
    return people.select_related("branch").order_by("branch__code", "role", "username")


def _narrow(queryset: QuerySet, *, owner: User | None, branch: Branch | None) -> QuerySet:
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if branch is not None:
        queryset = queryset.filter(branch=branch)
    return queryset


# --- the board -----------------------------------------------------------------------------------
@dataclass
class BoardColumn:
    stage: str
    label: str
    probability: int
    count: int = 0
    total: Decimal = ZERO
    weighted: Decimal = ZERO
    cards: list[Opportunity] = field(default_factory=list)

    @property
    def more(self) -> int:
        """Opportunities of the stage not shown as cards."""
        return max(self.count - len(self.cards), 0)


@dataclass
class PipelineBoard:
    columns: list[BoardColumn]
    count: int
    total: Decimal
    weighted: Decimal
    won_this_month: Decimal
    won_this_month_count: int
    overdue: int


def pipeline_board(
    *,
    user: User,
    owner: User | None = None,
    branch: Branch | None = None,
    today: date | None = None,
) -> PipelineBoard:
    """Open opportunities by stage: count, Σ expected value and Σ weighted value per
    column, the first cards of each (soonest close date first), the totals and what was won
    this month. Three queries whatever the size of the pipeline."""
    today = today or timezone.localdate()
    scope = _narrow(Opportunity.objects.visible_to(user), owner=owner, branch=branch)
    open_ = scope.filter(stage__in=OPEN_STAGES)
    columns = {
        stage: BoardColumn(
            stage=stage, label=str(Stage(stage).label), probability=STAGE_PROBABILITY[stage]
        )
        for stage in OPEN_STAGES
    }
    overdue = 0
    for row in (
        open_.order_by()
        .values("stage", "probability")
        .annotate(
            n=Count("pk"),
            total=Sum("expected_value"),
            late=Count("pk", filter=Q(close_date__lt=today)),
        )
    ):
        column = columns[row["stage"]]
        column.count += row["n"]
        column.total += Decimal(row["total"] or 0)
        column.weighted += _weighted(row["total"], row["stage"], row["probability"])
        overdue += row["late"]
    ranked = (
        open_.select_related("customer", "lead", "owner")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stage")],
                order_by=[F("close_date").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=BOARD_CARDS)
        .order_by("stage", "close_date", "pk")
    )
    for opportunity in ranked:
        opportunity.overdue = opportunity.close_date < today  # type: ignore[attr-defined]
        columns[opportunity.stage].cards.append(opportunity)
    for column in columns.values():
        column.total = _money(column.total)
        column.weighted = _money(column.weighted)
    month_start = today.replace(day=1)
    won = scope.filter(stage=Stage.WON, close_date__gte=month_start, close_date__lte=today)
    won_row = won.aggregate(n=Count("pk"), total=Sum("expected_value"))
    ordered = [columns[stage] for stage in OPEN_STAGES]
    return PipelineBoard(
        columns=ordered,
        count=sum(c.count for c in ordered),
        total=_money(sum((c.total for c in ordered), ZERO)),
        weighted=_money(sum((c.weighted for c in ordered), ZERO)),
        won_this_month=_money(won_row["total"]),
        won_this_month_count=won_row["n"] or 0,
        overdue=overdue,
    )


# --- the forecast --------------------------------------------------------------------------------
@dataclass
class ForecastMonth:
    month: date  # the first day of the month
    count: int = 0
    unweighted: Decimal = ZERO
    weighted: Decimal = ZERO
    won: Decimal = ZERO
    won_count: int = 0


@dataclass
class Forecast:
    months: list[ForecastMonth]
    overdue_count: int
    overdue_value: Decimal

    @property
    def unweighted(self) -> Decimal:
        return _money(sum((m.unweighted for m in self.months), ZERO))

    @property
    def weighted(self) -> Decimal:
        return _money(sum((m.weighted for m in self.months), ZERO))

    @property
    def won(self) -> Decimal:
        return _money(sum((m.won for m in self.months), ZERO))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_of(value: Any) -> date:
    """TruncMonth answers a date on PostgreSQL and SQLite alike for a date column (a
    datetime on some backends): the first day of its month."""
    day = value.date() if hasattr(value, "date") and callable(value.date) else value
    return date(day.year, day.month, 1)


def forecast_by_month(
    *,
    user: User,
    owner: User | None = None,
    branch: Branch | None = None,
    months: int = 6,
    past: int = 0,
    today: date | None = None,
) -> Forecast:
    """Per close month, from `past` months ago to `months` − 1 months ahead: the open
    opportunities' Σ expected value (unweighted), Σ expected value × effective probability
    (weighted), and Σ expected value of those won in that month (a won opportunity's close
    date is the day it was won). Also the open opportunities already past their close
    date (overdue), which show in their own month. Two queries."""
    today = today or timezone.localdate()
    first = _add_months(today.replace(day=1), -past)
    end = _add_months(today.replace(day=1), months)
    buckets = {
        _add_months(first, i): ForecastMonth(month=_add_months(first, i))
        for i in range(past + months)
    }
    scope = _narrow(Opportunity.objects.visible_to(user), owner=owner, branch=branch)
    window = scope.filter(close_date__gte=first, close_date__lt=end)
    rows = (
        window.filter(stage__in=(*OPEN_STAGES, Stage.WON))
        .order_by()
        .annotate(month=TruncMonth("close_date"))
        .values("month", "stage", "probability")
        .annotate(n=Count("pk"), total=Sum("expected_value"))
    )
    for row in rows:
        bucket = buckets.get(_month_of(row["month"]))
        if bucket is None:  # pragma: no cover - the window filter keeps months in range
            continue
        if row["stage"] == Stage.WON:
            bucket.won += Decimal(row["total"] or 0)
            bucket.won_count += row["n"]
        else:
            bucket.count += row["n"]
            bucket.unweighted += Decimal(row["total"] or 0)
            bucket.weighted += _weighted(row["total"], row["stage"], row["probability"])
    for bucket in buckets.values():
        bucket.unweighted = _money(bucket.unweighted)
        bucket.weighted = _money(bucket.weighted)
        bucket.won = _money(bucket.won)
    overdue = scope.filter(stage__in=OPEN_STAGES, close_date__lt=today).aggregate(
        n=Count("pk"), total=Sum("expected_value")
    )
    return Forecast(
        months=list(buckets.values()),
        overdue_count=overdue["n"] or 0,
        overdue_value=_money(overdue["total"]),
    )


# --- activities ----------------------------------------------------------------------------------
@dataclass
class CustomerActivities:
    planned: list[Activity]
    recent: list[Activity]


def customer_activities(
    *, user: User, customer: Customer, limit: int = CUSTOMER_TAB_ROWS
) -> CustomerActivities:
    """A customer's planned activities (soonest first) and the latest done ones."""
    rows = activity_list(user=user).filter(customer=customer)
    return CustomerActivities(
        planned=list(
            rows.filter(status=ActivityStatus.PLANNED).order_by("planned_at", "pk")[:limit]
        ),
        recent=list(rows.filter(status=ActivityStatus.DONE).order_by("-done_at", "-pk")[:limit]),
    )


# --- the worksheet and the matrix ----------------------------------------------------------------
def customer_current_revenue(
    *, user: User, customer: Customer, today: date | None = None
) -> Decimal:
    """What we invoiced the customer over the last 365 days up to today (issue dates
    today − 364 … today), through the user's scope of invoices."""
    from roots.finance.models import Invoice

    today = today or timezone.localdate()
    since = today - timedelta(days=CURRENT_REVENUE_DAYS - 1)
    total = (
        Invoice.objects.visible_to(user)
        .filter(customer=customer, issue_date__gte=since, issue_date__lte=today)
        .aggregate(total=Sum("amount"))["total"]
    )
    return _money(total)


def latest_assessment(*, user: User, customer: Customer) -> PotentialAssessment | None:
    return (
        assessment_list(user=user).filter(customer=customer).order_by("-created_at", "-pk").first()
    )


def latest_assessments(
    *,
    user: User,
    owner: User | None = None,
    branch: Branch | None = None,
    priority: str | None = None,
) -> QuerySet[PotentialAssessment]:
    """The current (newest) assessment of every customer in scope: the rows of the
    priority matrix. `owner` is the customer's account manager."""
    newest = (
        PotentialAssessment.objects.all_unscoped()
        .filter(customer_id=OuterRef("customer_id"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = assessment_list(user=user).filter(pk=Subquery(newest))
    if owner is not None:
        rows = rows.filter(customer__account_manager=owner)
    if branch is not None:
        rows = rows.filter(customer__branch=branch)
    if priority:
        rows = rows.filter(priority=priority)
    return rows


@dataclass(frozen=True)
class MatrixPoint:
    customer: str  # code
    name: str
    account_manager: str | None
    current_revenue: Decimal
    potential_revenue: Decimal
    score: int
    priority: str
    assessed_at: Any

    @property
    def share(self) -> float | None:
        """The share of its potential the customer brings now (per cent)."""
        if not self.potential_revenue:
            return None
        return float(self.current_revenue / self.potential_revenue * 100)


def matrix_points(
    *,
    user: User,
    owner: User | None = None,
    branch: Branch | None = None,
    priority: str | None = None,
    limit: int = MATRIX_POINTS,
) -> list[MatrixPoint]:
    """The customers on the priority matrix (their current assessment): current revenue,
    potential revenue, score and priority; one query."""
    rows = latest_assessments(user=user, owner=owner, branch=branch, priority=priority).order_by(
        "-potential_revenue", "customer__code"
    )[:limit]
    return [
        MatrixPoint(
            customer=row.customer.code,
            name=row.customer.name,
            account_manager=(
                row.customer.account_manager.display_name if row.customer.account_manager else None
            ),
            current_revenue=row.current_revenue,
            potential_revenue=row.potential_revenue,
            score=row.score,
            priority=row.priority,
            assessed_at=row.created_at,
        )
        for row in rows
    ]


def assessable_customers(*, user: User) -> QuerySet[Customer]:
    """Customers whose worksheet the user may fill in (the customers they sell to)."""
    from roots.customers.models import Customer

    if not policies.works_pipeline(user):
        return Customer.objects.none()
    return Customer.objects.visible_to(user).select_related("branch", "account_manager")
