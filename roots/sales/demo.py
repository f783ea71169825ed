"""Demo sales work for `seed_demo`: each account manager's leads, opportunities across the
six steps (and some won or lost with a reason), visits and calls (done with notes, planned,
a few overdue), a potential-customer worksheet per active customer (which sets its
priority), and two weeks of daily boards (日清) so that managers' clearing rates show.

Deterministic (every draw comes from the `DemoRandom` handed in); rows are written with
`bulk_create` (and "created" history rows where the model keeps history).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from simple_history.utils import bulk_create_with_history

from roots.core.models import Sequence
from roots.core.search import build_search_text
from roots.customers.models import Customer, CustomerStatus, Tier
from roots.finance.models import Invoice
from roots.org.demo.common import AS_OF, DemoRandom, not_after_now, own_timestamps
from roots.org.models import Role, User

from .models import (
    OPEN_STAGES,
    Activity,
    ActivityKind,
    ActivityStatus,
    DailyItem,
    DailyItemKind,
    DailyItemStatus,
    Lead,
    LeadSource,
    LeadStatus,
    LostReason,
    Opportunity,
    PotentialAssessment,
    Stage,
)
from .selectors import CURRENT_REVENUE_DAYS
from .services import SCORE_FIELDS, assessment_priority, assessment_score

BATCH = 2000
HISTORY_REASON = "seed_demo"
LEADS_PER_AM = (2, 4)
OPPORTUNITIES_PER_AM = (5, 9)
ACTIVITIES_PER_AM = (10, 18)
BOARD_DAYS = 14

LEAD_COMPANIES = (
    "家电城",
    "电器商行",
    "数码广场",
    "百货商店",
    "家居卖场",
    "电器专营店",
    "生活电器馆",
)
CITIES = ("青岛", "济南", "烟台", "潍坊", "南京", "苏州", "杭州", "宁波", "合肥", "郑州")
OPPORTUNITY_TOPICS = (
    "年度框架协议",
    "新店开业首批铺货",
    "卡萨帝高端专区",
    "节日促销备货",
    "定制冰箱团购项目",
    "以旧换新活动",
    "空调旺季备货",
    "店中店形象升级",
)
VISIT_SUBJECTS = (
    ("visit", "门店巡店，检查样机陈列"),
    ("visit", "拜访采购总监，沟通季度目标"),
    ("call", "电话跟进促销政策落实"),
    ("call", "核对上月对账差异"),
    ("meeting", "季度业务回顾会"),
    ("visit", "新品培训：导购员讲解"),
    ("email", "发送新品资料和报价"),
)
OUTCOMES = (
    "客户同意增加陈列面积。",
    "确认下月备货计划，待客户下单。",
    "客户反映价格偏高，需申请支持政策。",
    "已解决对账差异，客户确认。",
    "导购培训完成，客户满意。",
)
CARRY_REASONS = ("客户负责人出差，改约明天", "等待产品经理回复", "今日会议延长，未来得及处理")
OWN_TASKS = ("整理周报", "准备客户拜访资料", "更新商机预计成交日期", "回复客户邮件")


def seed_sales(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo sales work of every account manager; answers counts by table. Kept
    as is when opportunities exist already."""
    if Opportunity.objects.all_unscoped().exists():
        return {}
    managers = list(
        User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True, branch__isnull=False)
        .select_related("branch")
        .order_by("username")
    )
    customers: dict[int, list[Customer]] = defaultdict(list)
    for customer in (
        Customer.objects.all_unscoped()
        .filter(status=CustomerStatus.ACTIVE, account_manager__isnull=False)
        .order_by("code")
    ):
        customers[customer.account_manager_id].append(customer)  # type: ignore[index]
    zone = ZoneInfo(settings.TIME_ZONE)
    leads: list[Lead] = []
    opportunities: list[Opportunity] = []
    activities: list[Activity] = []
    for manager in managers:
        own = customers.get(manager.pk, [])
        leads.extend(_leads(rng, manager, start=len(leads), zone=zone))
        opportunities.extend(_opportunities(rng, manager, own, start=len(opportunities), zone=zone))
        activities.extend(_activities(rng, manager, own, zone=zone))
    with own_timestamps(Lead, Opportunity, Activity):
        bulk_create_with_history(
            leads, Lead, batch_size=BATCH, default_change_reason=HISTORY_REASON
        )
        bulk_create_with_history(
            opportunities, Opportunity, batch_size=BATCH, default_change_reason=HISTORY_REASON
        )
        bulk_create_with_history(
            activities, Activity, batch_size=BATCH, default_change_reason=HISTORY_REASON
        )
    for name, count in (("lead", len(leads)), ("opportunity", len(opportunities))):
        sequence, _created = Sequence.objects.get_or_create(name=name)
        sequence.last_value = max(sequence.last_value, count)
        sequence.save(update_fields=["last_value"])
    assessments = _assessments(rng, [c for own in customers.values() for c in own])
    items = _daily_boards(rng, managers, zone=zone)
    return {
        "leads": len(leads),
        "opportunities": len(opportunities),
        "activities": len(activities),
        "assessments": assessments,
        "daily_items": items,
    }


def _at(day: Any, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=zone)


def _leads(rng: DemoRandom, manager: User, *, start: int, zone: ZoneInfo) -> list[Lead]:
    made = []
    for index in range(rng.between(*LEADS_PER_AM)):
        person = rng.person()
        company = f"{rng.choice(CITIES)}{person.surname}氏{rng.choice(LEAD_COMPANIES)}"
        status = rng.weighted(
            [LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED],
            [4, 4, 2, 1],
        )
        created = _at(AS_OF - timedelta(days=rng.between(1, 90)), 10, zone)
        lead = Lead(
            code=f"L{start + index + 1:06d}",
            company_name=company,
            contact_name=person.name,
            phone=f"1{rng.digits(10)}",
            city=company[:2],
            branch=manager.branch,
            owner=manager,
            source=rng.choice(list(LeadSource.values)),
            status=status,
            estimated_revenue=Decimal(round(rng.lognormal(800_000, 0.6), -3)),
            disqualified_reason="规模太小，暂不合作" if status == LeadStatus.DISQUALIFIED else "",
            created_at=created,
            updated_at=created,
        )
        lead.search_text = build_search_text(lead.code, company, person.name, lead.phone)
        made.append(lead)
    return made


def _opportunities(
    rng: DemoRandom, manager: User, own: list[Customer], *, start: int, zone: ZoneInfo
) -> list[Opportunity]:
    if not own:
        return []
    made = []
    stages = [*OPEN_STAGES, Stage.WON, Stage.LOST]
    for index in range(rng.between(*OPPORTUNITIES_PER_AM)):
        customer = rng.choice(own)
        stage = rng.weighted(stages, [3, 3, 3, 2, 2, 1, 2, 1])
        closed = stage in (Stage.WON, Stage.LOST)
        close_date = (
            AS_OF - timedelta(days=rng.between(1, 60))
            if closed
            else AS_OF + timedelta(days=rng.between(7, 150))
        )
        # Opened (and last moved) before the moment of seeding, however far the close date.
        created = not_after_now(_at(close_date - timedelta(days=rng.between(30, 120)), 9, zone))
        changed = min(created + timedelta(days=rng.between(3, 30)), _at(AS_OF, 9, zone))
        changed = max(created, not_after_now(changed))
        name = f"{customer.name[:12]} {rng.choice(OPPORTUNITY_TOPICS)}"
        opportunity = Opportunity(
            code=f"OP{start + index + 1:06d}",
            name=name,
            customer=customer,
            branch_id=customer.branch_id,
            owner=manager,
            stage=stage,
            expected_value=Decimal(round(rng.lognormal(300_000, 0.8), -3)),
            close_date=close_date,
            next_step="" if closed else "约客户采购负责人确认方案",
            lost_reason=rng.choice(list(LostReason.values)) if stage == Stage.LOST else "",
            lost_note="竞品给出更低的批发价" if stage == Stage.LOST else "",
            stage_changed_at=changed,
            closed_at=_at(close_date, 17, zone) if closed else None,
            created_at=created,
            updated_at=changed,
        )
        opportunity.search_text = build_search_text(opportunity.code, name)
        made.append(opportunity)
    return made


def _activities(
    rng: DemoRandom, manager: User, own: list[Customer], *, zone: ZoneInfo
) -> list[Activity]:
    if not own:
        return []
    made = []
    for _index in range(rng.between(*ACTIVITIES_PER_AM)):
        kind, subject = rng.choice(VISIT_SUBJECTS)
        offset = rng.between(-60, 14)
        planned = _at(AS_OF + timedelta(days=offset), rng.between(9, 16), zone)
        # Past ones are done (a few left undone: overdue follow-ups), future ones planned.
        done = offset < 0 and not rng.chance(0.08)
        activity = Activity(
            owner=manager,
            branch=manager.branch,
            kind=kind if kind in ActivityKind.values else ActivityKind.VISIT,
            subject=subject,
            customer=rng.choice(own),
            planned_at=planned,
            status=ActivityStatus.DONE if done else ActivityStatus.PLANNED,
            done_at=planned + timedelta(hours=1) if done else None,
            outcome=rng.choice(OUTCOMES) if done else "",
            created_at=not_after_now(planned - timedelta(days=3)),
            updated_at=planned + timedelta(hours=1)
            if done
            else not_after_now(planned - timedelta(days=3)),
        )
        made.append(activity)
    return made


def _assessments(rng: DemoRandom, customers: list[Customer]) -> int:
    """One worksheet per active customer with an account manager, made by that manager;
    the customer's priority follows it (as `assessment_create` does)."""
    since = AS_OF - timedelta(days=CURRENT_REVENUE_DAYS)
    revenue = dict(
        Invoice.objects.all_unscoped()
        .filter(issue_date__gt=since, issue_date__lte=AS_OF)
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    made = []
    for customer in customers:
        # Big customers score high on the worksheet (a VIP's lowest total, 21 of 35, is the
        # "high potential" line), so VIP accounts come out A+ or A.
        low = {str(Tier.VIP): 3, str(Tier.MAJOR): 2}.get(customer.tier, 1)
        scores = {name: rng.between(low, 5) for name in SCORE_FIELDS}
        current = Decimal(revenue.get(customer.pk) or 0).quantize(Decimal("0.01"))
        potential = (current * Decimal(str(round(0.8 + rng.rng.random() * 3, 2)))).quantize(
            Decimal("1000")
        ) or Decimal(round(rng.lognormal(500_000, 0.7), -3))
        score = assessment_score(scores)
        priority = assessment_priority(
            score=score, current_revenue=current, potential_revenue=potential
        )
        made.append(
            PotentialAssessment(
                customer=customer,
                potential_revenue=potential,
                current_revenue=current,
                score=score,
                priority=priority,
                assessed_by_id=customer.account_manager_id or 0,
                **scores,
            )
        )
        customer.priority = priority
    PotentialAssessment.objects.bulk_create(made, batch_size=BATCH)
    Customer.objects.bulk_update(customers, ["priority"], batch_size=BATCH)
    return len(made)


def _daily_boards(rng: DemoRandom, managers: list[User], *, zone: ZoneInfo) -> int:
    """The past two weeks of each account manager's daily board, mostly cleared, some items
    carried over with a reason (today's board is built when its user opens it)."""
    items = []
    for manager in managers:
        for back in range(BOARD_DAYS, 0, -1):
            day = AS_OF - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            diligence = 0.6 + rng.rng.random() * 0.38
            for number in range(rng.between(3, 7)):
                done = rng.chance(diligence)
                closed = _at(day, 18, zone)
                items.append(
                    DailyItem(
                        user=manager,
                        day=day,
                        kind=DailyItemKind.TASK,
                        title=rng.choice(OWN_TASKS),
                        source_key=f"demo:{day.isoformat()}:{number}",
                        status=DailyItemStatus.DONE if done else DailyItemStatus.CARRIED,
                        carry_reason="" if done else rng.choice(CARRY_REASONS),
                        closed_at=closed,
                        created_at=_at(day, 8, zone),
                        updated_at=closed,
                    )
                )
    with own_timestamps(DailyItem):
        DailyItem.objects.bulk_create(items, batch_size=BATCH)
    return len(items)
