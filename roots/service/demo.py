"""Demo complaints for `seed_demo`: six months of channel customers' complaints before the
demo's "today" (`AS_OF`), most of them answered, resolved and closed (most within their SLA,
some late), the recent ones still open or in progress, each with its thread (the account
manager's answers, the customer's replies, the resolution and the confirmation).

Deterministic (every draw comes from the `DemoRandom` handed in) and fast: rows are written
with `bulk_create` (and the complaints' "created" history rows); the haier scale's ~4,000
complaints and ~14,000 thread entries take a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from simple_history.utils import bulk_create_with_history

from roots.core.models import Sequence
from roots.core.search import build_search_text
from roots.customers.models import Customer, CustomerStatus, Outlet
from roots.org.demo.common import AS_OF, DemoRandom, not_after_now, own_timestamps
from roots.org.demo.logins import showcase_customers
from roots.org.models import Role, User
from roots.service.models import (
    ACTIVE_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintMessage,
    ComplaintStatus,
    MessageKind,
    Severity,
    sla_hours,
)

BATCH = 2000
HISTORY_REASON = "seed_demo"
COMPLAINT_COUNTS = {"small": 60, "medium": 700, "haier": 4_000}
DAYS = 180
URGENT_SHARE = 0.15
# Shares of complaints raised in the last three days (some still open), and of older ones
# still being worked on (answered, not resolved yet: past their resolution deadline).
RECENT_SHARE = 0.06
STUCK_SHARE = 0.02

C = ComplaintCategory
CATEGORY_WEIGHTS = {
    C.DELIVERY: 30,
    C.PRODUCT_QUALITY: 25,
    C.BILLING: 15,
    C.SERVICE: 15,
    C.SALES_POLICY: 10,
    C.OTHER: 5,
}
# (subject, description) per category; `{sku}` and `{n}` are filled in.
TOPICS: dict[str, tuple[tuple[str, str], ...]] = {
    C.DELIVERY: (
        ("到货延迟", "订单已确认{n}天仍未到货，门店冰箱断货，周末促销受影响。"),
        ("送货少件", "本批到货比订单少{n}台，送货单与实物不符，请核查。"),
        ("外包装破损", "今天到货的{n}台洗衣机外箱破损，其中两台面板划伤。"),
        ("送错型号", "订的是三门冰箱，送来的是双门，型号与订单不符。"),
        ("预约送货未按时", "约好上午送到门店，下午四点才到，耽误卸货。"),
    ),
    C.PRODUCT_QUALITY: (
        ("冰箱不制冷", "新到的冰箱有{n}台通电后不制冷，已停止销售，请安排检测。"),
        ("洗衣机噪音大", "顾客反映脱水时噪音很大，门店样机也有同样问题。"),
        ("空调外机漏水", "安装后外机持续漏水，顾客投诉到门店。"),
        ("热水器显示故障码", "热水器显示E4故障码，已有{n}位顾客来店反映。"),
        ("电视屏幕亮线", "新批次电视开机后屏幕有竖向亮线，共发现{n}台。"),
    ),
    C.BILLING: (
        ("发票金额与对账单不符", "本月发票金额比对账单多{n}百元，请核对。"),
        ("返利未到账", "上季度销量返利至今未入账，请确认进度。"),
        ("重复开票", "同一订单收到两张发票，请作废其中一张。"),
        ("价格与价格表不符", "结算单价高于本月渠道价格表，差额请退回。"),
    ),
    C.SERVICE: (
        ("安装师傅迟到", "顾客预约的安装师傅迟到三个小时，顾客很不满意。"),
        ("售后电话打不通", "门店联系售后热线多次占线，顾客维修无人受理。"),
        ("维修配件缺货", "冰箱压缩机配件等了{n}天还没到，顾客要求退货。"),
        ("上门服务态度差", "顾客反映维修人员服务态度差，要求回访。"),
    ),
    C.SALES_POLICY: (
        ("促销政策未同步", "总部的促销活动门店价格未同步，顾客质疑价格。"),
        ("窜货影响价格", "本区域发现低价窜货，影响我方门店正常销售。"),
        ("样机政策不清楚", "新品样机的结算政策没有说明，请给出书面规定。"),
        ("区域保护", "附近新开的专卖店与我们的区域重叠，请协调。"),
    ),
    C.OTHER: (
        ("宣传物料未收到", "新品上市的宣传物料至今未到门店。"),
        ("培训安排", "希望安排一次新品销售培训，导购不熟悉卖点。"),
        ("系统无法登录", "门店账号无法登录订货系统，请协助处理。"),
    ),
}
FIRST_ANSWERS = (
    "您好，已收到反馈，我们正在核查，今天内给您答复。",
    "收到，已联系物流和仓库确认情况，稍后回复您。",
    "您好，已安排同事跟进，请提供一下订单号和照片。",
    "非常抱歉给您带来不便，我们马上处理。",
)
CUSTOMER_REPLIES = (
    "好的，照片已发到您的邮箱。",
    "请尽快，周末有促销活动。",
    "订单号已补充在上面，谢谢。",
    "顾客还在等，麻烦加急。",
)
RESOLUTIONS: dict[str, tuple[str, ...]] = {
    C.DELIVERY: ("已补发缺少的货品并调整配送时段。", "已安排换货，破损件由物流承担。"),
    C.PRODUCT_QUALITY: ("已派工程师上门检测，故障机全部换新。", "确认批次问题，已更换并延长保修。"),
    C.BILLING: ("已开具红字发票冲销差额。", "返利已于本周入账，请查收对账单。"),
    C.SERVICE: ("已重新安排服务并回访顾客，对服务人员进行了培训。",),
    C.SALES_POLICY: ("已发布书面政策说明，并同步门店价格。", "已协调区域，窜货渠道已处理。"),
    C.OTHER: ("已补寄物料并安排培训。", "账号已重置，可正常登录。"),
}
CONFIRMATIONS = ("问题已解决，谢谢。", "确认，辛苦了。", "", "")


@dataclass(frozen=True)
class _Party:
    """A customer that may complain, with who speaks for it and who owns its cases."""

    customer_id: int
    owner_id: int
    users: tuple[int, ...]
    outlets: tuple[int, ...]
    weight: float


def _parties() -> list[_Party]:
    outlets: dict[int, list[int]] = {}
    for customer_id, outlet_id in (
        Outlet.objects.all_unscoped()
        .filter(is_active=True)
        .order_by("id")
        .values_list("customer_id", "id")
    ):
        outlets.setdefault(customer_id, []).append(outlet_id)
    users: dict[int, list[int]] = {}
    for customer_id, user_id in (
        User.objects.filter(role=Role.CUSTOMER_USER, is_active=True)
        .order_by("id")
        .values_list("customer_id", "id")
    ):
        users.setdefault(customer_id, []).append(user_id)
    weights = {"vip": 4.0, "major": 2.5, "ordinary": 1.0, "small": 0.6}
    return [
        _Party(
            customer_id=pk,
            owner_id=manager_id,
            users=tuple(users.get(pk, ())),
            outlets=tuple(outlets.get(pk, ())),
            weight=weights.get(tier, 1.0) * (1.5 if key else 1.0),
        )
        for pk, manager_id, tier, key in Customer.objects.all_unscoped()
        .filter(status=CustomerStatus.ACTIVE, account_manager__isnull=False)
        .order_by("code")
        .values_list("pk", "account_manager_id", "tier", "is_key_account")
    ]


class _Generator:
    def __init__(self, rng: DemoRandom) -> None:
        self.rng = rng
        self.tz = ZoneInfo(settings.TIME_ZONE)
        # The end of the demo's working day, unless the demo is seeded before it: nothing
        # has happened after the moment of seeding.
        self.now = not_after_now(datetime.combine(AS_OF, time(18, 0), tzinfo=self.tz))

    def raised_at(self) -> datetime:
        recent = self.rng.chance(RECENT_SHARE)
        day = self.rng.date_between(AS_OF - timedelta(days=3 if recent else DAYS), AS_OF)
        moment = datetime.combine(day, time(self.rng.between(8, 19), self.rng.between(0, 59)))
        return min(moment.replace(tzinfo=self.tz), self.now - timedelta(minutes=30))

    def after(self, start: datetime, window_hours: int, *, late_share: float) -> datetime:
        """A moment after `start`: usually well within the window, `late_share` of the time
        past it."""
        if self.rng.chance(late_share):
            hours = window_hours * (1.05 + self.rng.lognormal(0.5, 0.8))
        else:
            hours = window_hours * min(0.95, self.rng.lognormal(0.3, 0.7))
        return start + timedelta(hours=hours, minutes=self.rng.between(0, 20))

    def complaint(
        self, party: _Party, number: int, raised: datetime | None = None
    ) -> tuple[Complaint, list[ComplaintMessage], datetime]:
        rng = self.rng
        category = rng.weighted(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))
        subject, description = rng.choice(TOPICS[category])
        description = description.format(n=rng.between(2, 9))
        severity = Severity.URGENT if rng.chance(URGENT_SHARE) else Severity.NORMAL
        if raised is None:
            raised = self.raised_at()
        hours = sla_hours(severity)
        response_due = raised + timedelta(hours=hours["response"])
        resolution_due = raised + timedelta(hours=hours["resolution"])
        raiser = rng.choice(party.users) if party.users and rng.chance(0.8) else party.owner_id
        complaint = Complaint(
            number=f"CP{number:08d}",
            customer_id=party.customer_id,
            outlet_id=rng.choice(party.outlets) if party.outlets and rng.chance(0.6) else None,
            raised_by_id=raiser,
            category=category,
            subject=subject,
            description=description,
            severity=severity,
            status=ComplaintStatus.OPEN,
            owner_id=party.owner_id,
            raised_at=raised,
            response_due=response_due,
            resolution_due=resolution_due,
            created_at=raised,
            updated_at=raised,
        )
        complaint.search_text = build_search_text(complaint.number, subject)
        thread: list[ComplaintMessage] = []
        last = raised

        def say(at: datetime, author: int | None, kind: str, text: str, internal: bool = False):
            thread.append(
                ComplaintMessage(
                    author_id=author,
                    kind=kind,
                    text=text,
                    internal=internal,
                    created_at=at,
                    updated_at=at,
                )
            )

        first = self.after(raised, hours["response"], late_share=0.12)
        if first < self.now:
            complaint.first_response_at = first
            complaint.status = ComplaintStatus.IN_PROGRESS
            complaint.version += 1
            say(first, party.owner_id, MessageKind.MESSAGE, rng.choice(FIRST_ANSWERS))
            last = first
            if party.users and rng.chance(0.35):
                reply = first + timedelta(minutes=rng.between(20, 300))
                if reply < self.now:
                    say(
                        reply,
                        rng.choice(party.users),
                        MessageKind.MESSAGE,
                        rng.choice(CUSTOMER_REPLIES),
                    )
                    last = reply
            resolved = max(self.after(raised, hours["resolution"], late_share=0.16), last)
            if resolved < self.now and not rng.chance(STUCK_SHARE):
                text = rng.choice(RESOLUTIONS[category])
                complaint.status = ComplaintStatus.RESOLVED
                complaint.resolved_at = resolved
                complaint.resolved_within_sla = resolved <= resolution_due
                complaint.resolution = text
                complaint.version += 1
                say(resolved, party.owner_id, MessageKind.RESOLVED, text)
                last = resolved
                closed = resolved + timedelta(hours=rng.lognormal(20, 0.8))
                if closed < self.now and rng.chance(0.9):
                    complaint.status = ComplaintStatus.CLOSED
                    complaint.closed_at = closed
                    complaint.version += 1
                    if party.users and rng.chance(0.7):
                        say(
                            closed,
                            rng.choice(party.users),
                            MessageKind.CONFIRMED,
                            rng.choice(CONFIRMATIONS),
                        )
                    else:
                        say(closed, party.owner_id, MessageKind.CLOSED, "")
                    last = closed
        if complaint.status in (ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS):
            due = complaint.due_at
            if due < self.now:  # the deadline job has alerted it already
                complaint.deadline_alerted_at = due
                say(due, None, MessageKind.DEADLINE_PASSED, f"{due:%Y-%m-%d %H:%M}", internal=True)
                last = max(last, due)
        complaint.updated_at = last
        return complaint, thread, last


def seed_complaints(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo complaints of a scale (small, medium, haier) with their threads;
    answers counts by table. Complaints that exist already are kept (nothing is added)."""
    if Complaint.objects.all_unscoped().exists():
        return {}
    parties = _parties()
    if not parties:
        return {}
    generator = _Generator(rng)
    weights = [p.weight for p in parties]
    drawn = [rng.weighted(parties, weights) for _ in range(COMPLAINT_COUNTS.get(scale, 60))]
    made = [generator.complaint(party, 0) for party in drawn]
    # The README's customer logins each find a complaint still open, raised by them hours ago.
    by_customer = {party.customer_id: party for party in parties}
    showcase = showcase_customers()
    for customer_id, user_id in showcase.items():
        party = by_customer.get(customer_id)
        if party is None or any(
            c.customer_id == customer_id and c.status in ACTIVE_STATUSES for c, _t, _l in made
        ):
            continue
        for _attempt in range(50):
            hours_ago = timedelta(hours=rng.between(2, 20))
            row = generator.complaint(party, 0, raised=generator.now - hours_ago)
            if row[0].status in ACTIVE_STATUSES:
                row[0].raised_by_id = user_id
                # In place of one of the customer's complaints (or of another customer's):
                # a scale keeps its number of complaints.
                places = [i for i, (c, _t, _l) in enumerate(made) if c.customer_id == customer_id]
                places = places or [
                    i for i, (c, _t, _l) in enumerate(made) if c.customer_id not in showcase
                ]
                made[places[-1]] = row
                break
    made.sort(key=lambda row: row[0].raised_at)
    complaints = []
    for n, (complaint, _thread, _last) in enumerate(made, start=1):
        complaint.number = f"CP{n:08d}"
        complaint.search_text = build_search_text(complaint.number, complaint.subject)
        complaints.append(complaint)
    with own_timestamps(Complaint, ComplaintMessage):
        bulk_create_with_history(
            complaints, Complaint, batch_size=BATCH, default_change_reason=HISTORY_REASON
        )
        ids = dict(Complaint.objects.all_unscoped().values_list("number", "pk"))
        messages = []
        for complaint, thread, _last in made:
            for message in thread:
                message.complaint_id = ids[complaint.number]
                messages.append(message)
        ComplaintMessage.objects.bulk_create(messages, batch_size=BATCH)
    sequence, _created = Sequence.objects.get_or_create(name="complaint")
    sequence.last_value = max(sequence.last_value, len(complaints))
    sequence.save(update_fields=["last_value"])
    resolved = [c for c in complaints if c.resolved_at is not None]
    return {
        "complaints": len(complaints),
        "complaint_messages": len(messages),
        "complaints_resolved": len(resolved),
        "complaints_within_sla": sum(1 for c in resolved if c.resolved_within_sla),
        "complaints_open": sum(1 for c in complaints if c.resolved_at is None),
    }
