"""Builders of the rows the KPIs read: sell-through and category-sales feed rows, rebates
(and other expenses) and complaints, written directly (the KPIs only read them)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from roots.catalog.models import Category, Sku
from roots.customers.models import Customer, Outlet
from roots.finance.models import Expense, ExpenseKind, ExpenseStatus
from roots.sellthrough.models import CategorySales, SellThrough
from roots.service.models import Complaint, ComplaintStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def feed(
    customer: Customer,
    outlet: Outlet,
    sku: Sku,
    day: date,
    *,
    sold: int,
    revenue: str | Decimal,
    stock: int,
    cost: str | Decimal,
    received: int = 0,
) -> SellThrough:
    return SellThrough.objects.create(
        customer=customer,
        outlet=outlet,
        sku=sku,
        date=day,
        units_received=received,
        units_sold=sold,
        revenue=Decimal(revenue),
        stock_units=stock,
        unit_cost=Decimal(cost),
    )


def category_sales(
    customer: Customer, outlet: Outlet, category: Category, day: date, total: str | Decimal
) -> CategorySales:
    return CategorySales.objects.create(
        customer=customer, outlet=outlet, category=category, date=day, total_sales=Decimal(total)
    )


def expense(
    customer: Customer,
    amount: str | Decimal,
    start: date,
    end: date,
    *,
    kind: str = ExpenseKind.REBATE,
    status: str = ExpenseStatus.APPROVED,
) -> Expense:
    value = Decimal(amount)
    exp = Expense(
        number=f"EX8{next(_numbers):07d}",
        customer=customer,
        kind=kind,
        status=status,
        activity="返利",
        period_start=start,
        period_end=end,
        amount=value,
        unapplied_amount=value,
    )
    exp.refresh_search_text()
    exp.save()
    return exp


def complaint(customer: Customer, raised_at: datetime, in_sla: bool | None) -> Complaint:
    """A complaint raised at `raised_at`: resolved within SLA (True), resolved late (False)
    or still open (None)."""
    resolved = in_sla is not None
    return Complaint.objects.create(
        number=f"CP8{next(_numbers):07d}",
        customer=customer,
        category="delivery",
        subject="送货延迟",
        description="x",
        status=ComplaintStatus.RESOLVED if resolved else ComplaintStatus.OPEN,
        raised_at=raised_at,
        response_due=raised_at + timedelta(hours=24),
        resolution_due=raised_at + timedelta(hours=72),
        resolved_at=raised_at + timedelta(hours=10 if in_sla else 100) if resolved else None,
        resolved_within_sla=in_sla,
    )


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A time in Shanghai (the project's TIME_ZONE)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
