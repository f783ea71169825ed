"""The demo's monthly statements of the last three months before `AS_OF`: most confirmed,
some disputed and answered, a few with a dispute still open."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from roots.finance.demo.common import BATCH, WriterBase, save_rows
from roots.finance.models import (
    ZERO,
    Dispute,
    DisputeMessage,
    DisputeStatus,
    Statement,
    StatementLine,
    StatementStatus,
)
from roots.finance.services import build_lines, month_bounds, opening_balances, period_movements
from roots.org.demo.common import AS_OF, happened

STATEMENT_MONTHS = 3
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


class StatementWriter(WriterBase):
    """The statements part of the demo's writer (`roots.finance.demo._Writer`)."""

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
            save_rows(Statement, statements)
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
        save_rows(Dispute, disputes)
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
