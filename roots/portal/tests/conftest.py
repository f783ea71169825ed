"""Fixtures of the portal tests: an account for customers A1 and B1 (orders, custom orders,
invoices, payments, expenses, statements, promotions, news, complaints), written with the
ORM so that these tests only read what the portal shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from roots.catalog.models import Promotion
from roots.customers.models import Customer
from roots.finance.models import (
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Invoice,
    InvoiceStatus,
    Payment,
    Statement,
    StatementStatus,
)
from roots.orders.models import CustomOrder, CustomOrderStatus, Order, OrderStatus
from roots.portal.models import NewsItem
from roots.service import services as service_services
from roots.service.models import Complaint


@dataclass
class Account:
    """The records of one customer that the portal and the 360 tabs show."""

    orders: list[Order]
    custom_order: CustomOrder
    invoice: Invoice
    payment: Payment
    expense: Expense
    statement: Statement
    promotion: Promotion
    news: NewsItem
    complaint: Complaint


@dataclass
class PortalData:
    a1: Account
    b1: Account
    news_for_all: NewsItem
    news_draft: NewsItem
    news_later: NewsItem


def _account(personas: Any, customer: Customer, tag: str, channel: str, n: int) -> Account:
    now = timezone.now()
    today = timezone.localdate()
    outlet = customer.outlets.get()
    orders = []
    for i, (status, total) in enumerate(
        [
            (OrderStatus.SUBMITTED, "12000.00"),
            (OrderStatus.CONFIRMED, "8000.00"),
            (OrderStatus.SHIPPED, "5000.00"),
            (OrderStatus.CLOSED, "3000.00"),
        ]
    ):
        total_d = Decimal(total)
        orders.append(
            Order.objects.create(
                number=f"SO{n}{i:07d}",
                customer=customer,
                outlet=outlet,
                status=status,
                subtotal=total_d,
                total=total_d,
                submitted_at=now - timedelta(days=i),
            )
        )
    custom = CustomOrder.objects.create(
        number=f"CO{n}0000001",
        customer=customer,
        outlet=outlet,
        status=CustomOrderStatus.QUOTED,
        title=f"{tag}定制冰箱 200升",
        category=personas.sku.product_model.category,
        quantity=300,
        quoted_price=Decimal("1999.00"),
    )
    invoice = Invoice.objects.create(
        number=f"IV{n}0000001",
        customer=customer,
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
        amount=Decimal("5000.00"),
        status=InvoiceStatus.OPEN,
    )
    payment = Payment.objects.create(
        number=f"PM{n}0000001",
        customer=customer,
        received_on=today - timedelta(days=5),
        amount=Decimal("2000.00"),
        unapplied_amount=Decimal("2000.00"),
    )
    expense = Expense.objects.create(
        number=f"EX{n}0000001",
        customer=customer,
        kind=ExpenseKind.REBATE,
        status=ExpenseStatus.SUBMITTED,
        activity=f"{tag}季度返利",
        period_start=today - timedelta(days=90),
        period_end=today - timedelta(days=1),
        amount=Decimal("800.00"),
    )
    statement = Statement.objects.create(
        number=f"ST{n}0000001",
        customer=customer,
        year=2000 + n,
        month=5,
        period_start=today.replace(day=1),
        period_end=today,
        opening_balance=Decimal("0.00"),
        total_debit=Decimal("5000.00"),
        closing_balance=Decimal("5000.00"),
        status=StatementStatus.ISSUED,
    )
    promotion = Promotion.objects.create(
        code=f"PR{n}001",
        name=f"{tag}夏季冰箱促销",
        valid_from=today - timedelta(days=3),
        valid_to=today + timedelta(days=30),
        channel_types=[channel],
        discount_percent=Decimal("8.00"),
        is_published=True,
    )
    news = NewsItem.objects.create(
        title=f"{tag}渠道政策调整", body="第一段。\n\n第二段。", kind="policy", audience=[channel]
    )
    complaint = service_services.complaint_raise(
        user=personas.cu_a1 if customer == personas.cust_a1 else personas.cu_b1,
        data={
            "category": "delivery",
            "subject": f"{tag}送货延迟",
            "description": "三天未到货",
            "severity": "normal",
        },
    )
    return Account(orders, custom, invoice, payment, expense, statement, promotion, news, complaint)


@pytest.fixture
def portal_data(personas: Any) -> PortalData:
    a1 = _account(personas, personas.cust_a1, "国美专属", personas.cust_a1.channel_type, 1)
    b1 = _account(personas, personas.cust_b1, "大中专属", personas.cust_b1.channel_type, 2)
    return PortalData(
        a1=a1,
        b1=b1,
        news_for_all=NewsItem.objects.create(title="海尔2026年渠道大会召开", body="全体客户。"),
        news_draft=NewsItem.objects.create(title="草稿不可见", body="x", is_published=False),
        news_later=NewsItem.objects.create(
            title="下周发布的新闻", body="x", published_at=timezone.now() + timedelta(days=7)
        ),
    )
