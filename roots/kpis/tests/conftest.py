"""The worked example of docs/kpis.md as a fixture (customers A1 and A2 of the personas,
June 2025), reused by the API and page tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from conftest import Personas
from roots.finance.models import ExpenseKind, ExpenseStatus
from roots.kpis.selectors import Period
from roots.kpis.tests.factories import category_sales, complaint, expense, feed, local

JUNE = Period(date(2025, 6, 1), date(2025, 6, 30))


@dataclass
class Example:
    personas: Personas
    period: Period = JUNE

    @property
    def query(self) -> str:
        return f"?from={self.period.start.isoformat()}&to={self.period.end.isoformat()}"


def build_worked_example(p: Personas) -> Example:
    """Exactly the rows of docs/kpis.md, "Worked example"."""
    a1, a2, sku = p.cust_a1, p.cust_a2, p.sku
    category = sku.product_model.category
    o1, o2 = p.outlet_a1, p.outlet_a2
    feed(a1, o1, sku, date(2025, 6, 1), sold=2, revenue="3000.00", stock=10, cost="1200.00")
    feed(a1, o1, sku, date(2025, 6, 2), sold=3, revenue="4500.00", stock=8, cost="1200.00")
    feed(a1, o1, sku, date(2025, 6, 3), sold=1, revenue="1500.00", stock=12, cost="1200.00")
    feed(a1, o1, sku, date(2025, 7, 1), sold=5, revenue="7500.00", stock=5, cost="1200.00")
    feed(a2, o2, sku, date(2025, 6, 10), sold=4, revenue="2000.00", stock=20, cost="400.00")
    feed(a2, o2, sku, date(2025, 6, 11), sold=6, revenue="3000.00", stock=14, cost="400.00")
    feed(a2, o2, sku, date(2025, 6, 12), sold=0, revenue="0.00", stock=14, cost="400.00")
    for day in (1, 2, 3):
        category_sales(a1, o1, category, date(2025, 6, day), "12000.00")
    category_sales(a2, o2, category, date(2025, 6, 10), "12500.00")
    expense(a1, "900.00", date(2025, 5, 17), date(2025, 6, 15))
    expense(a1, "5000.00", date(2025, 6, 1), date(2025, 6, 30), status=ExpenseStatus.SUBMITTED)
    expense(a1, "3000.00", date(2025, 6, 1), date(2025, 6, 30), kind=ExpenseKind.MARKETING_EXPENSE)
    complaint(a1, local(2025, 6, 5), True)
    complaint(a1, local(2025, 6, 20), False)
    complaint(a2, local(2025, 6, 30, 23, 30), True)
    complaint(a1, local(2025, 7, 1, 0, 30), True)
    return Example(p)


@pytest.fixture
def example(personas: Personas) -> Example:
    return build_worked_example(personas)
