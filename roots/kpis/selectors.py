"""The four customer-success KPIs (DESIGN.md §3 item 5; formulas and a worked example in
docs/kpis.md), per customer, per account manager, per branch and over everything in scope.

For a period [from, to] (dates inclusive) and a customer c, with R its sell-through rows
dated in the period:

* revenue = Σ revenue(R); cogs = Σ units_sold × unit_cost (R);
  stock_value_days = Σ stock_units × unit_cost (R) (the daily stock value at cost, summed);
* rebates = Σ amount × |[period_start, period_end] ∩ [from, to]| / |[period_start,
  period_end]| over c's rebates (kind `rebate`, approved or credited);
* turnover days = stock_value_days / cogs; profit margin = (revenue − (cogs − rebates)) /
  revenue; problem resolution = complaints raised in the period (local date) resolved within
  SLA / complaints raised in the period; share = revenue / Σ category sales (all brands);
  each is None when its denominator is 0.

A group (an account manager's current customers, a branch's customers, everything in scope)
gets the revenue-weighted average of each KPI over its customers for which that KPI is not
None, and the sums of the components.

Every read starts from `Customer.objects.visible_to(user)`: one grouped aggregate per source
(sell-through, category sales, rebates, complaints) over the customers asked for, grouped by
customer (and by month or ISO week for the trend lines), never a query per customer. Values
are Decimals, rounded only for display.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, DateField, DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncDate, TruncMonth, TruncWeek
from django.http import Http404
from django.utils.translation import gettext as _

from roots.customers.models import Customer
from roots.finance.models import CREDIT_STATUSES, Expense, ExpenseKind
from roots.kpis.policies import may_see_account_manager, may_see_branch
from roots.org.models import Branch, Role, User
from roots.sellthrough.models import CategorySales, SellThrough
from roots.service.models import Complaint

ZERO = Decimal(0)
# The default period: the last 90 days, today included.
DEFAULT_DAYS = 90
# Longest period asked for: three years, a leap day included.
MAX_PERIOD_DAYS = 3 * 365 + 1
# Trend lines by ISO week up to this many days, by calendar month beyond.
WEEKLY_MAX_DAYS = 92
MIN_DATE = date(1970, 1, 1)
MAX_DATE = date(2100, 12, 31)
# Sums of money-valued products: exact on PostgreSQL; SQLite sums in floating point and the
# quantisation to cents that this field asks for gives the exact sum back.
_SUM = DecimalField(max_digits=24, decimal_places=2)
# The KPIs, by the name they have in `KpiValues`.
KPI_NAMES = ("turnover_days", "margin", "resolution", "share")


# --- periods -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Dates from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def weekly(self) -> bool:
        """Whether the trend of this period goes by ISO week (else by calendar month)."""
        return self.days <= WEEKLY_MAX_DAYS

    def bucket_key(self, day: date) -> date:
        """The first day of the month or the Monday of the ISO week holding `day` (what
        `TruncMonth` / `TruncWeek` answer)."""
        if self.weekly:
            return day - timedelta(days=day.weekday())
        return day.replace(day=1)

    def buckets(self) -> list[Period]:
        """The trend's months or ISO weeks, clipped to this period, in order."""
        found = []
        day = self.start
        while day <= self.end:
            key = self.bucket_key(day)
            if self.weekly:
                last = key + timedelta(days=6)
            else:
                last = key.replace(day=calendar.monthrange(key.year, key.month)[1])
            found.append(Period(day, min(last, self.end)))
            day = last + timedelta(days=1)
        return found

    def overlap_days(self, start: date, end: date) -> int:
        """Days of [start, end] inside this period."""
        return max(0, (min(end, self.end) - max(start, self.start)).days + 1)


def period_from(*, start: date | None, end: date | None, today: date) -> Period:
    """The period asked for: `end` defaults to today, `start` to 89 days before `end` (the
    last 90 days). Dates outside 1970–2100, an end before the start or more than three years
    raise a ValidationError keyed by the query parameter (`from`, `to`)."""
    errors: dict[str, list[str]] = {}
    for name, value in (("from", start), ("to", end)):
        if value is not None and not MIN_DATE <= value <= MAX_DATE:
            errors[name] = [_("Choose a date between 1970 and 2100.")]
    if errors:
        raise ValidationError(errors)
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationError({"to": [_("The period ends before it starts.")]})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            {
                "from": [
                    _("A period is at most three years (%(days)s days).")
                    % {"days": MAX_PERIOD_DAYS}
                ]
            }
        )
    return Period(start, end)


# --- what the KPIs are made of -----------------------------------------------------------------
# Written out field by field: these run once per customer and trend bucket (hq's dashboard:
# ~90,000 times), where generic dataclass helpers cost seconds.
@dataclass(slots=True)
class Components:
    """The sums behind a customer's (or a group's) KPIs over a period."""

    revenue: Decimal = ZERO
    cogs: Decimal = ZERO
    stock_value_days: Decimal = ZERO
    rebates: Decimal = ZERO
    category_sales: Decimal = ZERO
    complaints_raised: int = 0
    complaints_in_sla: int = 0


@dataclass(frozen=True, slots=True)
class KpiValues:
    """The four KPIs (None where undefined) and the sums they come from. For one customer
    `customers` is 1; for a group it is the number of customers in it, and `counted` says
    for each KPI how many of them carried weight in its average (a value and revenue)."""

    turnover_days: Decimal | None
    margin: Decimal | None
    resolution: Decimal | None
    share: Decimal | None
    revenue: Decimal
    cogs: Decimal
    stock_value_days: Decimal
    rebates: Decimal
    category_sales: Decimal
    complaints_raised: int
    complaints_in_sla: int
    customers: int = 1
    counted: Mapping[str, int] = field(default_factory=dict)

    def get(self, name: str) -> Decimal | None:
        value: Decimal | None = getattr(self, name)
        return value


def customer_values(parts: Components) -> KpiValues:
    """A customer's KPIs from its components (the formulas of docs/kpis.md)."""
    revenue, cogs, category = parts.revenue, parts.cogs, parts.category_sales
    raised, in_sla = parts.complaints_raised, parts.complaints_in_sla
    turnover = parts.stock_value_days / cogs if cogs else None
    margin = (revenue - (cogs - parts.rebates)) / revenue if revenue else None
    resolution = Decimal(in_sla) / Decimal(raised) if raised else None
    share = revenue / category if category else None
    weighty = revenue > 0
    return KpiValues(
        turnover,
        margin,
        resolution,
        share,
        revenue,
        cogs,
        parts.stock_value_days,
        parts.rebates,
        category,
        raised,
        in_sla,
        1,
        {
            "turnover_days": int(weighty and turnover is not None),
            "margin": int(weighty and margin is not None),
            "resolution": int(weighty and resolution is not None),
            "share": int(weighty and share is not None),
        },
    )


def group_values(members: Iterable[Components], customers: int | None = None) -> KpiValues:
    """The revenue-weighted average of each KPI over the members (customers' components)
    for which it is defined (None when those weights sum to 0), and the sums of their
    components. `customers` is the size of the group when `members` leaves out customers
    without data (a trend bucket)."""
    revenue = cogs = stock = rebates = category = ZERO
    raised = in_sla = size = 0
    num = [ZERO, ZERO, ZERO, ZERO]
    weight = [ZERO, ZERO, ZERO, ZERO]
    counted = [0, 0, 0, 0]
    for m in members:
        size += 1
        r = m.revenue
        revenue += r
        cogs += m.cogs
        stock += m.stock_value_days
        rebates += m.rebates
        category += m.category_sales
        raised += m.complaints_raised
        in_sla += m.complaints_in_sla
        if r <= 0:  # no weight: the customer's KPIs do not move the group's
            continue
        # The customer's own KPIs (as in `customer_values`), each weighted by its revenue.
        values = (
            m.stock_value_days / m.cogs if m.cogs else None,
            (r - (m.cogs - m.rebates)) / r,
            Decimal(m.complaints_in_sla) / Decimal(m.complaints_raised)
            if m.complaints_raised
            else None,
            r / m.category_sales if m.category_sales else None,
        )
        for i, value in enumerate(values):
            if value is not None:
                num[i] += r * value
                weight[i] += r
                counted[i] += 1
    averages = [num[i] / weight[i] if weight[i] else None for i in range(4)]
    return KpiValues(
        averages[0],
        averages[1],
        averages[2],
        averages[3],
        revenue,
        cogs,
        stock,
        rebates,
        category,
        raised,
        in_sla,
        size if customers is None else customers,
        dict(zip(KPI_NAMES, counted, strict=True)),
    )


# --- collecting the components in SQL ----------------------------------------------------------
@dataclass(frozen=True)
class CustomerInfo:
    pk: int
    code: str
    name: str
    account_manager_id: int | None
    branch_id: int


@dataclass
class Collected:
    """Per customer: the components over the period, and per trend bucket (keyed by the
    bucket's first day before clipping, `Period.bucket_key`) when asked for."""

    period: Period
    customers: list[CustomerInfo]
    totals: dict[int, Components]
    buckets: dict[int, dict[date, Components]]

    def values(self, pk: int) -> KpiValues:
        return customer_values(self.totals[pk])


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def collect(
    *, user: User, customers: QuerySet[Customer], period: Period, trend: bool = False
) -> Collected:
    """The components of `customers` (a queryset already scoped by `visible_to(user)`) over
    `period`: five queries whatever the number of customers (the customers, then one grouped
    aggregate per source), grouped by customer and, with `trend`, by month or ISO week."""
    info = [
        CustomerInfo(**row)
        for row in customers.order_by("code").values(
            "pk", "code", "name", "account_manager_id", "branch_id"
        )
    ]
    totals: dict[int, Components] = {c.pk: Components() for c in info}
    buckets: dict[int, dict[date, Components]] = {c.pk: defaultdict(Components) for c in info}
    if not info:
        return Collected(period, info, totals, buckets)
    scope = customers.order_by().values("pk")
    trunc_day: Any = TruncWeek if period.weekly else TruncMonth

    def grouped(queryset: QuerySet[Any], day: Any, **sums: Any) -> Iterator[tuple[Any, ...]]:
        """Rows of (customer id, bucket, *sums), or (customer id, *sums) without trend;
        the bucket is `day` (an expression of a date) truncated, as a date."""
        if trend:
            queryset = queryset.annotate(bucket=Cast(trunc_day(day), DateField()))
            by = ["customer_id", "bucket"]
        else:
            by = ["customer_id"]
        yield from queryset.values(*by).annotate(**sums).order_by().values_list(*by, *sums)

    def targets(pk: int, bucket: Any) -> tuple[Components, ...]:
        """Where a row's sums go: the customer's period totals and, with `trend`, its
        bucket (`bucket` is None without trend)."""
        if bucket is None:
            return (totals[pk],)
        return totals[pk], buckets[pk][_as_date(bucket)]

    def rows(queryset: QuerySet[Any], day: Any, **sums: Any) -> Iterator[tuple[Any, ...]]:
        """(targets, *sums) per row of `grouped`."""
        for row in grouped(queryset, day, **sums):
            if trend:
                yield (targets(row[0], row[1]), *row[2:])
            else:
                yield (targets(row[0], None), *row[1:])

    in_period = Q(date__gte=period.start, date__lte=period.end)
    feed = SellThrough.objects.visible_to(user).filter(in_period, customer__in=scope)
    for where, revenue, cogs, stock in rows(
        feed,
        "date",
        revenue=Sum("revenue", output_field=_SUM),
        cogs=Sum(F("units_sold") * F("unit_cost"), output_field=_SUM),
        stock=Sum(F("stock_units") * F("unit_cost"), output_field=_SUM),
    ):
        for parts in where:
            parts.revenue += revenue or ZERO
            parts.cogs += cogs or ZERO
            parts.stock_value_days += stock or ZERO

    category = CategorySales.objects.visible_to(user).filter(in_period, customer__in=scope)
    for where, total in rows(category, "date", total=Sum("total_sales", output_field=_SUM)):
        for parts in where:
            parts.category_sales += total or ZERO

    # Raised in the period by the local date: between the local midnights (the index on
    # `raised_at` serves), and bucketed by the local date.
    raised = Complaint.objects.visible_to(user).filter(
        customer__in=scope,
        raised_at__gte=_local_midnight(period.start),
        raised_at__lt=_local_midnight(period.end + timedelta(days=1)),
    )
    for where, n, within in rows(
        raised,
        TruncDate("raised_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
        n=Count("pk"),
        in_sla=Count("pk", filter=Q(resolved_within_sla=True)),
    ):
        for parts in where:
            parts.complaints_raised += n
            parts.complaints_in_sla += within

    # Rebates: summed in SQL per customer and validity period (rebates of equal dates add up
    # before they are prorated), prorated here, exactly, because a rebate spreads over
    # several trend buckets, which a GROUP BY cannot split.
    rebates = (
        Expense.objects.visible_to(user)
        .filter(
            customer__in=scope,
            kind=ExpenseKind.REBATE,
            status__in=CREDIT_STATUSES,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .values("customer_id", "period_start", "period_end")
        .annotate(amount=Sum("amount", output_field=_SUM))
        .order_by()
    )
    keyed = [(period.bucket_key(b.start), b) for b in period.buckets()] if trend else []
    for rebate in rebates:
        start, end = rebate["period_start"], rebate["period_end"]
        amount, pk = rebate["amount"], rebate["customer_id"]
        length = Decimal((end - start).days + 1)
        totals[pk].rebates += amount * Decimal(period.overlap_days(start, end)) / length
        for key, bucket in keyed:
            if bucket.start <= end and start <= bucket.end:
                days = bucket.overlap_days(start, end)
                buckets[pk][key].rebates += amount * Decimal(days) / length
    return Collected(period, info, totals, buckets)


def _as_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # pragma: no cover - every backend answers a date
        return date.fromisoformat(value[:10])
    return value


# --- trend lines -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrendPoint:
    """The KPIs of one month or ISO week of the period (clipped to it)."""

    period_start: date
    period_end: date
    values: KpiValues


def trend_of(collected: Collected, pks: Iterable[int], *, single: bool = False) -> list[TrendPoint]:
    """The KPIs per bucket of the period: of one customer (`single`), else the weighted
    average of the customers `pks` (only those with data in a bucket are visited)."""
    pks = list(pks)
    by_bucket: dict[date, list[Components]] = defaultdict(list)
    for pk in pks:
        for key, parts in collected.buckets[pk].items():
            by_bucket[key].append(parts)
    points = []
    for bucket in collected.period.buckets():
        members = by_bucket.get(collected.period.bucket_key(bucket.start), [])
        if single:
            values = customer_values(members[0] if members else Components())
        else:
            values = group_values(members, customers=len(pks))
        points.append(TrendPoint(bucket.start, bucket.end, values))
    return points


# --- whose KPIs (who may see them: policies.py) -------------------------------------------
def _clean_key(value: str) -> str:
    # PostgreSQL refuses NUL in a text parameter; no code or username holds one.
    if "\x00" in value or len(value) > 150:
        raise Http404
    return value


def kpi_customer(*, user: User, code: str) -> Customer:
    """A customer whose KPIs the user may see: any customer in their scope (404 otherwise)."""
    found = (
        Customer.objects.visible_to(user)
        .select_related("branch", "account_manager")
        .filter(code=_clean_key(code))
        .first()
    )
    if found is None:
        raise Http404
    return found


def kpi_account_manager(*, user: User, username: str) -> User:
    """An account manager whose KPIs the user may see: themself, their branch manager and
    headquarters (404 for everyone else, product managers included)."""
    found = (
        User.objects.filter(username=_clean_key(username), role=Role.ACCOUNT_MANAGER)
        .select_related("branch")
        .first()
    )
    if found is None or not may_see_account_manager(user, found):
        raise Http404
    return found


def kpi_branch(*, user: User, code: str) -> Branch:
    """A branch whose KPIs the user may see: its branch manager and headquarters."""
    found = Branch.objects.visible_to(user).filter(code=_clean_key(code)).first()
    if found is None or not may_see_branch(user, found):
        raise Http404
    return found


# --- the reports -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """A line of a table: a customer, an account manager or a branch, with its KPIs."""

    key: str | None  # customer code, username, branch code (None: customers without a manager)
    name: str
    values: KpiValues


@dataclass(frozen=True)
class Report:
    """The KPIs of a customer or a group over a period, their trend, and the rows below it
    (a manager's customers, a branch's account managers, headquarters' branches)."""

    period: Period
    values: KpiValues
    trend: list[TrendPoint]
    rows: list[Row]


def _report(
    user: User,
    customers: QuerySet[Customer],
    period: Period,
    *,
    trend: bool,
    single: bool = False,
) -> tuple[Collected, KpiValues, list[TrendPoint]]:
    collected = collect(user=user, customers=customers, period=period, trend=trend)
    pks = [c.pk for c in collected.customers]
    if single:
        values = collected.values(pks[0]) if pks else customer_values(Components())
    else:
        values = group_values(collected.totals[pk] for pk in pks)
    points = trend_of(collected, pks, single=single) if trend else []
    return collected, values, points


def customer_report(
    *, user: User, customer: Customer, period: Period, trend: bool = True
) -> Report:
    """One customer's KPIs (the caller fetched it through `kpi_customer`)."""
    customers = Customer.objects.visible_to(user).filter(pk=customer.pk)
    _, values, points = _report(user, customers, period, trend=trend, single=True)
    return Report(period, values, points, [])


def account_manager_customers(*, user: User, account_manager: User) -> QuerySet[Customer]:
    """The account manager's current customers, as far as the user sees them."""
    return Customer.objects.visible_to(user).filter(account_manager=account_manager)


def account_manager_report(
    *, user: User, account_manager: User, period: Period, trend: bool = True
) -> Report:
    """An account manager's KPIs (weighted over their current customers) and one row per
    customer."""
    customers = account_manager_customers(user=user, account_manager=account_manager)
    collected, values, points = _report(user, customers, period, trend=trend)
    rows = [Row(c.code, c.name, collected.values(c.pk)) for c in collected.customers]
    return Report(period, values, points, rows)


def branch_report(*, user: User, branch: Branch, period: Period, trend: bool = True) -> Report:
    """A branch's KPIs (weighted over its customers) and one row per account manager of the
    branch (their customers in the branch), plus one for customers without a manager."""
    customers = Customer.objects.visible_to(user).filter(branch=branch)
    collected, values, points = _report(user, customers, period, trend=trend)
    by_manager: dict[int | None, list[Components]] = defaultdict(list)
    for c in collected.customers:
        by_manager[c.account_manager_id].append(collected.totals[c.pk])
    managers = User.objects.filter(
        Q(role=Role.ACCOUNT_MANAGER, branch=branch, is_active=True)
        | Q(pk__in=[pk for pk in by_manager if pk is not None])
    ).order_by("username")
    rows = [
        Row(m.username, m.display_name, group_values(by_manager.get(m.pk, []))) for m in managers
    ]
    if by_manager.get(None):
        rows.append(Row(None, _("No account manager"), group_values(by_manager[None])))
    return Report(period, values, points, rows)


def overall_report(*, user: User, period: Period, trend: bool = True) -> Report:
    """Everything in the user's scope (headquarters: every customer), one row per branch."""
    customers = Customer.objects.visible_to(user)
    collected, values, points = _report(user, customers, period, trend=trend)
    by_branch: dict[int, list[Components]] = defaultdict(list)
    for c in collected.customers:
        by_branch[c.branch_id].append(collected.totals[c.pk])
    branches = Branch.objects.visible_to(user).filter(Q(is_active=True) | Q(pk__in=list(by_branch)))
    rows = [Row(b.code, b.name, group_values(by_branch.get(b.pk, []))) for b in branches]
    return Report(period, values, points, rows)


def group_summary(*, user: User, customers: QuerySet[Customer], period: Period) -> KpiValues:
    """The weighted KPIs of a set of customers over a period, without trend or rows (the
    previous period of a dashboard's cards)."""
    collected = collect(user=user, customers=customers, period=period)
    return group_values(collected.totals.values())


def customer_summary(*, user: User, customer: Customer, period: Period) -> KpiValues:
    """One customer's KPIs over a period, without trend."""
    return customer_report(user=user, customer=customer, period=period, trend=False).values
