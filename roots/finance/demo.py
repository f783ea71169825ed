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
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from roots.customers.models import Customer
from roots.finance.models import (
    ZERO,
    Allocation,
    Dispute,
    DisputeMessage,
    DisputeStatus,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    Statement,
    StatementLine,
    StatementStatus,
)
from roots.finance.services import (
    build_lines,
    month_bounds,
    opening_balances,
    payment_days,
    period_movements,
)
from roots.finance.tasks import render_statement_pdfs_task
from roots.orders.models import Order, OrderLine, OrderStatus
from roots.org.demo.common import AS_OF, DemoRandom, happened, not_after_now
from roots.org.demo.logins import showcase_customers
from roots.org.models import Role, User

BATCH = 1000
HISTORY_REASON = "seed_demo"
CENT = Decimal("0.01")
INVOICED = (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED)
STATEMENT_MONTHS = 3

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
# What customers say about a line, by the line's kind.
DISPUTE_COMMENTS = {
    "invoice": (
        "这笔发票我们没有收到货，请核实签收单。",
        "该订单已部分退货，发票金额应扣减。",
        "单价与合同价不符，请按协议价重开发票。",
    ),
    "payment": (
        "付款金额与我方银行回单不符，我方实际多付 2,000 元。",
        "日期有误，这笔款项是上月底付的。",
    ),
    "credit": ("返利金额少算了，请按一季度返利协议核对。",),
}
DISPUTE_ANSWERS = (
    "已核对物流签收单，货物已于当日签收，附件为签收照片。",
    "经财务核实，银行回单对应的是下月的款项，已在下期对账单体现。",
    "返利已审批，将在下月入账并显示在对账单中。",
    "退货已入库，红字发票将在本月开具。",
)
REJECT_NOTES = ("缺少活动照片与发票，请补充后重新提交。", "活动不在协议约定范围内。")


def _money(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _save(model: type[models.Model], objs: list[Any]) -> list[Any]:
    if not objs:
        return objs
    if getattr(model, "history", None) is not None:
        return bulk_create_with_history(
            objs, model, batch_size=BATCH, default_change_reason=HISTORY_REASON
        )
    return model._default_manager.bulk_create(objs, batch_size=BATCH)


@dataclass
class _Receipt:
    when: date
    order: int  # payments before credits on the same day
    obj: Payment | Expense


class _Writer:
    def __init__(self, rng: DemoRandom) -> None:
        self.rng = rng
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.counts: dict[str, int] = defaultdict(int)
        self.customers = {
            c.pk: c
            for c in Customer.objects.all_unscoped().only(
                "pk",
                "code",
                "name",
                "payment_terms",
                "payment_terms_text",
                "account_manager_id",
                "branch_id",
            )
        }
        self.portal_user: dict[int, int] = {}
        for pk, customer_id in (
            User.objects.filter(role=Role.CUSTOMER_USER, is_active=True, customer__isnull=False)
            .order_by("username")
            .values_list("pk", "customer_id")
        ):
            self.portal_user.setdefault(customer_id, pk)
        # The customers of the README's logins: their latest statement waits to be reconciled
        # and the one before has a dispute their account manager has still to answer.
        self.showcase = showcase_customers()
        for customer_id, pk in self.showcase.items():
            self.portal_user[customer_id] = pk

    def moment(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, self.rng.between(0, 59)), tzinfo=self.tz)

    def at(self, day: date, hour: int = 10) -> datetime:
        """A moment of `day` that has happened (never after the moment of seeding)."""
        return not_after_now(self.moment(day, hour))

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
        _save(Invoice, invoices)
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
                amount = _money(inv.amount * Decimal(str(share)))
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
                amount = _money(q1_total * Decimal(rng.between(10, 25)) / 1000)
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
                amount = _money(rng.lognormal(6000, 0.6))
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

    # -- statements ------------------------------------------------------------------------
    def statements(self) -> None:
        months = []
        year, month = AS_OF.year, AS_OF.month
        for _n in range(STATEMENT_MONTHS):
            month -= 1
            if month == 0:
                year, month = year - 1, 12
            months.append((year, month))
        months.reverse()
        number = 0
        for position, (year, month) in enumerate(months):
            latest = position == len(months) - 1
            showcase_plan = {0: "none", 1: "open"}.get(len(months) - 1 - position)
            start, end = month_bounds(year, month)
            openings = opening_balances(before=start, customer_ids=None)
            movements = period_movements(start=start, end=end, customer_ids=None)
            wanted = sorted({cid for cid, b in openings.items() if b != 0} | set(movements))
            statements: list[Statement] = []
            lines_of: list[list[StatementLine]] = []
            for cid in wanted:
                number += 1
                st = Statement(
                    number=f"ST{number:08d}",
                    customer_id=cid,
                    year=year,
                    month=month,
                    period_start=start,
                    period_end=end,
                    opening_balance=ZERO,
                    closing_balance=ZERO,
                    search_text=f"st{number:08d}",
                )
                lines_of.append(
                    build_lines(
                        statement=st,
                        opening=openings.get(cid, ZERO),
                        movements=movements.get(cid, []),
                    )
                )
                self._life(st, end, latest, showcase_plan)
                statements.append(st)
            _save(Statement, statements)
            all_lines = []
            for st, lines in zip(statements, lines_of, strict=True):
                for line in lines:
                    line.statement = st
                all_lines += lines
            StatementLine.objects.bulk_create(all_lines, batch_size=BATCH)
            self.counts["statements"] += len(statements)
            self.counts["statement_lines"] += len(all_lines)
            self._disputes(statements, lines_of, latest)

    def _life(
        self, st: Statement, end: date, latest: bool, showcase_plan: str | None = None
    ) -> None:
        """Issued a few days after the month; most confirmed; some disputed (decided in
        `_disputes`). A confirmation that would come after the moment of seeding has not
        happened: the statement waits. A showcase customer's statement follows
        `showcase_plan`."""
        rng = self.rng
        issued = min(AS_OF, end + timedelta(days=rng.between(2, 4)))
        manager = self.customers[st.customer_id].account_manager_id
        st.generated_at = self.at(end + timedelta(days=1), 2)
        st.status = StatementStatus.ISSUED
        st.issued_at = self.at(issued, 9)
        st.issued_by_id = manager
        user = self.portal_user.get(st.customer_id)
        if user is None:
            # Nobody at the customer uses the portal: older statements came back signed on
            # paper (confirmed, by no portal user); the latest waits.
            if not latest and rng.chance(0.8):
                signed = self.moment(min(AS_OF, issued + timedelta(days=rng.between(5, 20))))
                if happened(signed):
                    st.status = StatementStatus.CONFIRMED
                    st.confirmed_at = signed
            return
        plan = rng.weighted(
            ("confirm", "answered", "open", "none"),
            (60, 15, 10, 15) if latest else (85, 10, 0, 5),
        )
        if showcase_plan and st.customer_id in self.showcase:
            plan = showcase_plan
        st._demo_plan = plan  # type: ignore[attr-defined]
        if plan == "confirm":
            day = min(AS_OF, issued + timedelta(days=rng.between(1, 12)))
            confirmed = self.moment(day, 16)
            if not happened(confirmed):  # later today: not confirmed yet
                st._demo_plan = "none"  # type: ignore[attr-defined]
                return
            st.status = StatementStatus.CONFIRMED
            st.confirmed_at = confirmed
            st.confirmed_by_id = user

    def _disputes(
        self, statements: list[Statement], lines_of: list[list[StatementLine]], latest: bool
    ) -> None:
        rng = self.rng
        disputes: list[Dispute] = []
        chosen: list[list[StatementLine]] = []
        messages: list[tuple[int, int | None, str, datetime]] = []
        touched: list[Statement] = []
        for st, lines in zip(statements, lines_of, strict=True):
            plan = getattr(st, "_demo_plan", None)
            if plan not in ("answered", "open") or not lines:
                continue
            user = self.portal_user[st.customer_id]
            manager = self.customers[st.customer_id].account_manager_id
            if st.issued_at is None:
                raise AssertionError("st.issued_at is not None")
            opened = st.issued_at + timedelta(days=rng.between(1, 5), hours=rng.between(1, 6))
            if not happened(opened):  # the customer has not disputed it yet
                continue
            picked = rng.sample(lines, min(len(lines), rng.between(1, 2)))
            comment = rng.choice(DISPUTE_COMMENTS[picked[0].kind])
            d = Dispute(
                statement=st,
                customer_id=st.customer_id,
                opened_by_id=user,
                comment=comment,
                status=DisputeStatus.OPEN,
            )
            d._demo_thread = [(user, comment, opened)]  # type: ignore[attr-defined]
            answered = opened + timedelta(days=rng.between(1, 3)) if plan == "answered" else None
            if answered is not None and happened(answered):
                d.answer = rng.choice(DISPUTE_ANSWERS)
                d.answered_by_id = manager
                d.answered_at = answered
                d.status = DisputeStatus.ANSWERED
                d._demo_thread.append((manager, d.answer, answered))  # type: ignore[attr-defined]
                closed = None if latest else answered + timedelta(days=rng.between(1, 4))
                if closed is not None and happened(closed + timedelta(hours=2)):
                    # older months: settled and confirmed
                    d.status = DisputeStatus.CLOSED
                    d.closed_by_id = user
                    d.closed_at = closed
                    st.status = StatementStatus.CONFIRMED
                    st.resolved_at = closed
                    st.confirmed_at = closed + timedelta(hours=2)
                    st.confirmed_by_id = user
                else:
                    st.status = StatementStatus.DISPUTED
            else:
                st.status = StatementStatus.DISPUTED
            touched.append(st)
            disputes.append(d)
            chosen.append(picked)
        if not disputes:
            return
        start = Dispute.objects.count()
        for n, d in enumerate(disputes, start=start + 1):
            d.number = f"DP{n:08d}"
            d.search_text = f"dp{n:08d}"
        _save(Dispute, disputes)
        Through = Dispute.lines.through
        Through.objects.bulk_create(
            [
                Through(dispute_id=d.pk, statementline_id=line.pk)
                for d, lines in zip(disputes, chosen, strict=True)
                for line in lines
            ],
            batch_size=BATCH,
        )
        thread = []
        for d in disputes:
            for author, body, when in d._demo_thread:  # type: ignore[attr-defined]
                thread.append(DisputeMessage(dispute=d, author_id=author, body=body))
                messages.append((0, author, body, when))
        DisputeMessage.objects.bulk_create(thread, batch_size=BATCH)
        # created_at is auto_now_add: put the demo's dates back
        for message, (_z, _a, _b, when) in zip(thread, messages, strict=True):
            message.created_at = when
        DisputeMessage.objects.bulk_update(thread, ["created_at"], batch_size=BATCH)
        for d in disputes:
            d.created_at = d._demo_thread[0][2]  # type: ignore[attr-defined]
        Dispute.objects.bulk_update(disputes, ["created_at"], batch_size=BATCH)
        Statement.objects.bulk_update(
            touched,
            ["status", "resolved_at", "confirmed_at", "confirmed_by"],
            batch_size=BATCH,
        )
        self.counts["disputes"] += len(disputes)
        self.counts["dispute_messages"] += len(thread)


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
        _save(Payment, [p for ps in payments.values() for p in ps])
        _save(Expense, [e for es in expenses.values() for e in es])
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
