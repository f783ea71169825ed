"""Demo finance for `seed_demo`: an invoice per shipped order, payments covering most of
them (some invoices left overdue), quarterly volume rebates and marketing-expense claims,
and the monthly statements of the last three months before the demo's "today" (`AS_OF`),
most confirmed, some disputed and answered, a few with a dispute still open.

Deterministic: every draw comes from the `DemoRandom` the seeder hands in; rows are written
with `bulk_create` (with their "created" history rows). Receipts are applied to invoices
in memory with the same rule as `services.apply_receipts` (oldest first), and statements
are built with the same functions as `services.statements_generate`, so the demo's numbers
obey the formulas of docs/finance.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction

from roots.finance.demo.common import BATCH, money, save_rows
from roots.finance.demo.statements import StatementWriter
from roots.finance.models import (
    ZERO,
    Allocation,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Statement,
    StatementStatus,
)
from roots.finance.services import payment_days
from roots.finance.tasks import render_statement_pdfs_task
from roots.orders.models import Order, OrderLine, OrderStatus
from roots.org.demo.common import AS_OF, DemoRandom

INVOICED = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED)

ACTIVITIES = (
    "五一黄金周门店堆头",
    "国庆促销导购员补贴",
    "店庆联合广告（本地晚报）",
    "卡萨帝体验区布展",
    "以旧换新活动补贴",
    "社区巡展物料与场地",
    "618 线上引流推广",
    "新品上市门店海报与吊旗",
)
EVIDENCE = (
    "广告发票 2 张、刊登样报 1 份",
    "导购员考勤表与工资发放记录",
    "现场照片 12 张、物料采购发票",
    "活动方案、销售小票汇总表",
)
REJECT_NOTES = ("缺少活动照片与发票，请补充后重新提交。", "活动不在协议约定范围内。")


@dataclass
class _Receipt:
    when: date
    order: int  # payments before credits on the same day
    obj: Payment | Expense


class _Writer(StatementWriter):
    # -- invoices ------------------------------------------------------------------------
    def invoices(self) -> dict[int, list[Invoice]]:
        """An unsaved invoice per shipped order not invoiced yet, by customer."""
        orders = list(
            Order.objects.all_unscoped()
            .filter(status__in=INVOICED, shipped_at__isnull=False, invoice__isnull=True)
            .order_by("shipped_at", "pk")
            .values("pk", "customer_id", "total", "shipped_at")
        )
        invoices = []
        row: Any
        for n, row in enumerate(orders, start=1):
            customer = self.customers[row["customer_id"]]
            issued = row["shipped_at"].astimezone(self.tz).date()
            invoices.append(
                Invoice(
                    number=f"IV{n:08d}",
                    customer_id=customer.pk,
                    order_id=row["pk"],
                    issue_date=issued,
                    due_date=issued + timedelta(days=payment_days(customer)),
                    amount=row["total"],
                    paid_amount=ZERO,
                    status=InvoiceStatus.OPEN,
                    search_text=f"iv{n:08d}",
                )
            )
        grouped: dict[int, list[Invoice]] = defaultdict(list)
        for inv in invoices:
            grouped[inv.customer_id].append(inv)
        return grouped

    def save_invoices(self, grouped: dict[int, list[Invoice]]) -> None:
        """Save the invoices (already paid as allocated) and their lines, copied from the
        order lines."""
        invoices = sorted((i for inv in grouped.values() for i in inv), key=lambda i: i.number)
        save_rows(Invoice, invoices)
        self.counts["invoices"] = len(invoices)
        order_ids = [i.order_id for i in invoices if i.order_id is not None]
        by_order = {i.order_id: i for i in invoices}
        lines = []
        for chunk in range(0, len(order_ids), 5000):
            for ol in OrderLine.objects.filter(
                order_id__in=order_ids[chunk : chunk + 5000]
            ).order_by("order_id", "line_no"):
                lines.append(
                    InvoiceLine(
                        invoice=by_order[ol.order_id],
                        line_no=ol.line_no,
                        sku_id=ol.sku_id,
                        description=ol.description,
                        quantity=ol.quantity,
                        unit_price=ol.unit_price,
                        line_total=ol.line_total,
                    )
                )
        InvoiceLine.objects.bulk_create(lines, batch_size=BATCH)
        self.counts["invoice_lines"] = len(lines)

    # -- payments ------------------------------------------------------------------------
    def payments(self, invoices: dict[int, list[Invoice]]) -> dict[int, list[Payment]]:
        """Most invoices paid around their due date, a few late or partly, some overdue."""
        rng = self.rng
        out: dict[int, list[Payment]] = defaultdict(list)
        methods = (PaymentMethod.BANK_TRANSFER, PaymentMethod.ACCEPTANCE_BILL, PaymentMethod.CASH)
        for customer_id in sorted(invoices):
            slow_payer = rng.chance(0.12)
            for inv in invoices[customer_id]:
                due = inv.due_date
                if due <= AS_OF:
                    share = rng.weighted((1.0, 0.5, 0.0), (80, 8, 12) if slow_payer else (94, 3, 3))
                else:
                    share = 1.0 if rng.chance(0.25) else 0.0
                if share == 0.0:
                    continue
                day = min(AS_OF, due + timedelta(days=rng.between(-20, 6)))
                day = max(day, inv.issue_date + timedelta(days=1))
                if day > AS_OF:
                    continue
                amount = money(inv.amount * Decimal(str(share)))
                if amount <= 0:
                    continue
                out[customer_id].append(
                    Payment(
                        customer_id=customer_id,
                        received_on=day,
                        amount=amount,
                        unapplied_amount=amount,
                        method=rng.weighted(methods, (75, 22, 3)),
                        reference=f"HD{rng.digits(12)}",
                        recorded_by_id=self.customers[customer_id].account_manager_id,
                    )
                )
        flat = sorted(
            (p for ps in out.values() for p in ps), key=lambda p: (p.received_on, p.customer_id)
        )
        for n, p in enumerate(flat, start=1):
            p.number = f"PM{n:08d}"
            p.search_text = f"pm{n:08d} {p.reference.lower()}"
        return out

    # -- rebates and claims --------------------------------------------------------------
    def expenses(self, invoices: dict[int, list[Invoice]]) -> dict[int, list[Expense]]:
        rng = self.rng
        out: dict[int, list[Expense]] = defaultdict(list)
        q1 = (date(2026, 1, 1), date(2026, 3, 31))
        for customer_id in sorted(invoices):
            customer = self.customers[customer_id]
            manager = customer.account_manager_id
            q1_total = sum(
                (i.amount for i in invoices[customer_id] if q1[0] <= i.issue_date <= q1[1]), ZERO
            )
            if q1_total > 0 and rng.chance(0.35):
                granted = date(2026, 4, rng.between(8, 20))
                amount = money(q1_total * Decimal(rng.between(10, 25)) / 1000)
                if amount > 0:
                    out[customer_id].append(
                        Expense(
                            customer_id=customer_id,
                            kind=ExpenseKind.REBATE,
                            status=ExpenseStatus.APPROVED,
                            activity="2026年一季度销量返利",
                            period_start=q1[0],
                            period_end=q1[1],
                            amount=amount,
                            unapplied_amount=amount,
                            evidence=f"一季度提货额 {q1_total:,.2f} 元 × 返利率",
                            submitted_by_id=manager,
                            submitted_at=self.at(granted),
                            decided_by_id=manager,
                            decided_at=self.at(granted),
                            credit_date=granted,
                        )
                    )
            if not rng.chance(0.22):
                continue
            for _n in range(rng.between(1, 3)):
                start = rng.date_between(date(2026, 1, 1), AS_OF - timedelta(days=40))
                end = start + timedelta(days=rng.between(3, 20))
                submitted = end + timedelta(days=rng.between(2, 10))
                status = rng.weighted(
                    (ExpenseStatus.APPROVED, ExpenseStatus.SUBMITTED, ExpenseStatus.REJECTED),
                    (60, 25, 15),
                )
                amount = money(rng.lognormal(6000, 0.6))
                decided = submitted + timedelta(days=rng.between(1, 6))
                if status != ExpenseStatus.SUBMITTED and decided > AS_OF:
                    status = ExpenseStatus.SUBMITTED
                expense = Expense(
                    customer_id=customer_id,
                    kind=ExpenseKind.MARKETING_EXPENSE,
                    status=status,
                    activity=rng.choice(ACTIVITIES),
                    period_start=start,
                    period_end=end,
                    amount=amount,
                    unapplied_amount=ZERO,
                    evidence=rng.choice(EVIDENCE),
                    submitted_by_id=self.portal_user.get(customer_id, manager),
                    submitted_at=self.at(submitted),
                )
                if status != ExpenseStatus.SUBMITTED:
                    expense.decided_by_id = manager
                    expense.decided_at = self.at(decided, 15)
                if status == ExpenseStatus.APPROVED:
                    expense.credit_date = decided
                    expense.unapplied_amount = amount
                if status == ExpenseStatus.REJECTED:
                    expense.decision_note = rng.choice(REJECT_NOTES)
                out[customer_id].append(expense)
        flat = sorted(
            (e for es in out.values() for e in es),
            key=lambda e: (e.submitted_at or self.at(AS_OF), e.customer_id),
        )
        for n, e in enumerate(flat, start=1):
            e.number = f"EX{n:08d}"
            e.search_text = f"ex{n:08d} {e.activity}"
        return out

    # -- allocation (services.apply_receipts, in memory) ----------------------------------
    def allocate(
        self,
        invoices: dict[int, list[Invoice]],
        payments: dict[int, list[Payment]],
        expenses: dict[int, list[Expense]],
    ) -> list[Allocation]:
        allocations: list[Allocation] = []
        for customer_id, open_invoices in invoices.items():
            receipts = [_Receipt(p.received_on, 0, p) for p in payments.get(customer_id, [])]
            receipts += [
                _Receipt(e.credit_date, 1, e)
                for e in expenses.get(customer_id, [])
                if e.status == ExpenseStatus.APPROVED and e.credit_date is not None
            ]
            receipts.sort(key=lambda r: (r.when, r.order, r.obj.number))
            pending = sorted(open_invoices, key=lambda i: (i.issue_date, i.number))
            index = 0
            for receipt in receipts:
                obj = receipt.obj
                while index < len(pending) and obj.unapplied_amount > 0:
                    inv = pending[index]
                    due = inv.amount - inv.paid_amount
                    if due <= 0:
                        index += 1
                        continue
                    amount = min(due, obj.unapplied_amount)
                    allocations.append(
                        Allocation(
                            invoice=inv,
                            payment=obj if isinstance(obj, Payment) else None,
                            expense=obj if isinstance(obj, Expense) else None,
                            amount=amount,
                        )
                    )
                    inv.paid_amount += amount
                    obj.unapplied_amount -= amount
                    if inv.paid_amount >= inv.amount:
                        inv.status = InvoiceStatus.PAID
                        inv.paid_at = max(receipt.when, inv.issue_date)
                    else:
                        inv.status = InvoiceStatus.PARTIALLY_PAID
                if isinstance(obj, Expense) and obj.unapplied_amount == 0:
                    obj.status = ExpenseStatus.CREDITED
        return allocations


def seed_finance(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo finance of a scale (the amount follows the orders the orders demo
    made: nothing is invoiced when there are none). Answers counts by table. Finance that
    exists already is kept (nothing is added)."""
    if Invoice.objects.all_unscoped().exists() or Statement.objects.all_unscoped().exists():
        return {}
    writer = _Writer(rng)
    with transaction.atomic():
        # Everything is planned and applied in memory first, then saved once.
        invoices = writer.invoices()
        payments = writer.payments(invoices)
        expenses = writer.expenses(invoices)
        allocations = writer.allocate(invoices, payments, expenses)
        writer.save_invoices(invoices)
        save_rows(Payment, [p for ps in payments.values() for p in ps])
        save_rows(Expense, [e for es in expenses.values() for e in es])
        Allocation.objects.bulk_create(allocations, batch_size=BATCH)
        writer.counts["payments"] = sum(len(ps) for ps in payments.values())
        writer.counts["expenses"] = sum(len(es) for es in expenses.values())
        writer.counts["allocations"] = len(allocations)
        writer.statements()
        writer.counts["statement_pdfs_queued"] = _queue_pdfs(writer.showcase)
    return {f"finance_{k}": v for k, v in writer.counts.items()}


def _queue_pdfs(customer_ids: Iterable[int]) -> int:
    """Have the PDFs of the README customers' statements rendered ahead of their first
    download, as issuing a statement does: by the task worker that `make run` starts beside
    the server, once the demo is committed. Answers how many statements were queued."""
    ids = list(
        Statement.objects.all_unscoped()
        .filter(customer_id__in=list(customer_ids))
        .exclude(status=StatementStatus.DRAFT)
        .order_by("-year", "-month", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        transaction.on_commit(partial(render_statement_pdfs_task.enqueue, pk), robust=True)
    return len(ids)
