"""Demo made-to-order requests for `seed_demo`: six months of customers asking for products
made to their need (the seeds' Gome asked for 180-220 L fridges around 2,000 yuan with low
power use), quoted by product managers, accepted, produced, and every other ending.

* Deterministic draws: every choice comes from the `DemoRandom` handed in. The dates are
  laid out backwards from the moment of seeding (not from the demo's fixed `AS_OF`), so that
  the 7-day production clocks and the quotes' validity are live when the demo is opened:
  some accepted orders are on track, some at risk, a few overdue.
* No `Order` rows: an accepted demo request has no linked order (`order` is empty). Orders
  made here would count against the demo customers' credit and crowd the order desk; an
  order is created when a demo user accepts a quote through the UI or the API.
* Fast: rows are bulk-created with their "created" history rows and timeline events;
  the haier scale's ~3,000 requests load in a few seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from simple_history.utils import bulk_create_with_history

from roots.catalog.models import Category, ProductModel
from roots.core import i18n_text
from roots.core.models import Sequence
from roots.core.search import build_search_text
from roots.customers.models import ChannelType, Customer, Outlet
from roots.orders import texts
from roots.orders.custom.rules import QUOTE_VALID_DAYS, CustomFeature
from roots.orders.models import (
    PRODUCTION_RISK_DAYS,
    PRODUCTION_START_DAYS,
    CustomOrder,
    CustomOrderStatus,
    EventKind,
    OrderEvent,
)
from roots.org.demo.common import DemoRandom, seeding_moment
from roots.org.demo.logins import showcase_customers
from roots.org.models import Role, User

BATCH = 1000
HISTORY_REASON = "seed_demo"
COUNTS = {"small": 120, "medium": 600, "haier": 3_000}
DAYS_BACK = 182
S = CustomOrderStatus
F = CustomFeature

# Which channel customers ask for made-to-order products most (chains above all: 70-80 % of
# what Gome sold was made to order).
CHANNEL_WEIGHT = {
    ChannelType.MULTINATIONAL_CHAIN: 6.0,
    ChannelType.LOCAL_CHAIN: 4.0,
    ChannelType.DEPARTMENT_STORE: 1.5,
    ChannelType.FRANCHISE_STORE: 1.0,
    ChannelType.SPECIALTY_STORE: 1.0,
}


@dataclass(frozen=True)
class Need:
    """How one category's requests look: capacity ranges (low, high, weight), the target
    price of a unit of capacity (or of a unit when there is none), features by likelihood."""

    weight: float
    unit: str
    ranges: tuple[tuple[int, int, float], ...]
    price_base: float
    price_per_capacity: float
    features: tuple[tuple[str, float], ...]
    titles: tuple[str, ...]
    step: int = 1


NEEDS: dict[str, Need] = {
    "REF": Need(
        40, "升",
        ((180, 220, 6.0), (200, 250, 3.0), (250, 300, 2.0), (300, 400, 1.5), (400, 550, 1.0)),
        200, 9.0,
        ((F.ENERGY_SAVING, 0.8), (F.FROST_FREE, 0.5), (F.INVERTER, 0.35), (F.DUAL_COOLING, 0.2),
         (F.LARGE_FREEZER, 0.2), (F.SMART_WIFI, 0.18), (F.QUIET, 0.15), (F.GLASS_PANEL, 0.15),
         (F.SLIM, 0.08), (F.CHILD_LOCK, 0.04)),
        ("{cap}升一级节能三门冰箱", "{cap}升风冷无霜冰箱", "{cap}升变频十字对开门冰箱",
         "{cap}升超薄嵌入式冰箱", "{cap}升大冷冻室冰箱"),
    ),
    "FRZ": Need(
        8, "升", ((100, 150, 2.0), (150, 220, 3.0), (220, 320, 2.0), (320, 520, 1.0)),
        400, 5.0,
        ((F.ENERGY_SAVING, 0.7), (F.LARGE_FREEZER, 0.5), (F.DUAL_COOLING, 0.4), (F.QUIET, 0.2)),
        ("{cap}升商用卧式冷柜", "{cap}升节能冷藏冷冻柜", "{cap}升双温冷柜"),
    ),
    "WM": Need(
        18, "公斤", ((7, 8, 2.0), (8, 10, 4.0), (10, 12, 2.5), (12, 13, 1.0)),
        600, 220.0,
        ((F.INVERTER, 0.65), (F.QUIET, 0.45), (F.ENERGY_SAVING, 0.45), (F.SMART_WIFI, 0.25),
         (F.CHILD_LOCK, 0.25), (F.SLIM, 0.15)),
        ("{cap}公斤变频滚筒洗衣机", "{cap}公斤洗烘一体机", "{cap}公斤超薄滚筒"),
    ),
    "AC": Need(
        15, "匹", ((1, 1, 3.0), (1, 2, 2.0), (2, 3, 2.0), (3, 5, 0.8)),
        1600, 1300.0,
        ((F.INVERTER, 0.8), (F.ENERGY_SAVING, 0.7), (F.QUIET, 0.4), (F.SMART_WIFI, 0.3)),
        ("{cap}匹一级变频挂机", "{cap}匹新风柜机", "{cap}匹静音变频空调"),
    ),
    "WH": Need(
        7, "升", ((40, 60, 2.0), (60, 80, 3.0), (80, 100, 1.5)),
        500, 18.0,
        ((F.ENERGY_SAVING, 0.7), (F.SMART_WIFI, 0.35), (F.CHILD_LOCK, 0.3), (F.SLIM, 0.2)),
        ("{cap}升速热电热水器", "{cap}升一级能效热水器", "{cap}升智能热水器"),
        step=10,
    ),
    "TV": Need(
        6, "英寸", ((43, 55, 2.0), (55, 65, 3.0), (65, 75, 2.0), (75, 85, 1.0)),
        -800, 70.0,
        ((F.SMART_WIFI, 0.8), (F.SLIM, 0.5), (F.GLASS_PANEL, 0.2), (F.ENERGY_SAVING, 0.3)),
        ("{cap}英寸4K智慧屏", "{cap}英寸超薄液晶电视", "{cap}英寸酒店定制电视"),
    ),
    "KIT": Need(
        4, "", (), 2600, 0.0,
        ((F.GLASS_PANEL, 0.5), (F.SMART_WIFI, 0.3), (F.QUIET, 0.3), (F.CHILD_LOCK, 0.2),
         (F.ENERGY_SAVING, 0.3)),
        ("侧吸式油烟机定制款", "嵌入式洗碗机定制款", "燃气灶定制款"),
    ),
    "SMA": Need(
        2, "", (), 350, 0.0,
        ((F.SMART_WIFI, 0.4), (F.QUIET, 0.3), (F.CHILD_LOCK, 0.2), (F.ENERGY_SAVING, 0.3)),
        ("电饭煲渠道定制款", "净水器渠道定制款", "电暖器渠道定制款"),
    ),
}  # fmt: skip
DEFAULT_NEED = NEEDS["SMA"]
# Regions lean towards some features: the south's humidity, the north's winters.
REGION_FEATURES: dict[str, tuple[str, ...]] = {
    "华南": (F.DUAL_COOLING, F.QUIET),
    "西南": (F.DUAL_COOLING,),
    "东北": (F.ENERGY_SAVING, F.LARGE_FREEZER),
    "华北": (F.ENERGY_SAVING,),
    "西北": (F.ENERGY_SAVING,),
    "华东": (F.SMART_WIFI,),
}
DESCRIPTIONS = (
    "门店主推款，要求一级能效、低功耗。",
    "配合节日促销，包装需印渠道专属标识。",
    "面向三四线市场，价格要有竞争力。",
    "外观颜色需与门店形象统一，优先金色或钛灰。",
    "工程渠道批量采购，要求统一交付。",
    "",
)
QUOTE_NOTES = (
    "按一级能效方案报价，含渠道专属外观。",
    "采用变频压缩机，交期含包装定制。",
    "在现有平台上改款，模具费已摊入单价。",
    "",
)
DECLINE_REASONS = (
    "目标价格低于成本，无法承接。",
    "该容量段无可改造平台。",
    "产能已满，本季无法排产。",
)
REJECT_REASONS = ("报价高于预期。", "交期太长，赶不上促销档期。", "已选择其他方案。")
CANCEL_REASONS = ("门店计划调整。", "客户改为采购标准品。", "需求合并到下一批。")


@dataclass
class _Draft:
    """One request being laid out, with its timeline."""

    custom_order: CustomOrder
    events: list[OrderEvent] = field(default_factory=list)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@contextlib.contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the `created_at` / `updated_at` the demo sets (they are
    auto_now_add / auto_now otherwise)."""
    saved = []
    for model in model_classes:
        for name in ("created_at", "updated_at"):
            try:
                f = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            saved.append((f, f.auto_now, f.auto_now_add))  # type: ignore[union-attr]
            f.auto_now = f.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[union-attr]


def seed_custom_orders(*, scale: str, rng: DemoRandom) -> dict[str, int]:
    """Write the demo custom orders of a scale (small, medium, haier); answers counts by
    table. Custom orders that exist already are kept (nothing is added)."""
    if CustomOrder.objects.all_unscoped().exists():
        return {}
    categories = {c.code: c for c in Category.objects.all_unscoped().order_by("code")}
    outlets = list(
        Outlet.objects.all_unscoped()
        .filter(is_active=True)
        .order_by("customer_id", "code")
        .values_list("pk", "customer_id", "province__region")
    )
    if not categories or not outlets:
        return {}
    customers = {
        c.pk: c
        for c in Customer.objects.all_unscoped().only("pk", "channel_type", "account_manager_id")
    }
    outlets_of: dict[int, list[tuple[int, str]]] = {}
    for pk, customer_id, region in outlets:
        outlets_of.setdefault(customer_id, []).append((pk, region or ""))
    customer_ids = sorted(outlets_of)
    weights = [
        CHANNEL_WEIGHT.get(ChannelType(customers[c].channel_type), 1.0) for c in customer_ids
    ]
    portal_users: dict[int, list[int]] = {}
    for pk, customer_id in (
        User.objects.filter(role=Role.CUSTOMER_USER, is_active=True)
        .order_by("pk")
        .values_list("pk", "customer_id")
    ):
        portal_users.setdefault(customer_id, []).append(pk)
    product_managers = list(
        User.objects.filter(role=Role.PRODUCT_MANAGER, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    custom_models: dict[int, list[int]] = {}
    for pk, category_id in (
        ProductModel.objects.all_unscoped()
        .filter(is_custom_capable=True)
        .order_by("code")
        .values_list("pk", "category_id")
    ):
        custom_models.setdefault(category_id, []).append(pk)
    codes = [code for code in categories if code in NEEDS] or list(categories)
    code_weights = [NEEDS.get(code, DEFAULT_NEED).weight for code in codes]
    now = seeding_moment()  # the hour of seeding, the same for every generator of the run

    drafts: list[_Draft] = []
    for _n in range(COUNTS.get(scale, COUNTS["small"])):
        customer_id = rng.weighted(customer_ids, weights)
        outlet_id, region = rng.choice(outlets_of[customer_id])
        code = rng.weighted(codes, code_weights)
        category = categories[code]
        # A fifth of the requests are from the last ten days: the open pipeline.
        days = 10 if rng.chance(0.2) else DAYS_BACK
        created = now - timedelta(minutes=rng.between(30, days * 24 * 60))
        customer = customers[customer_id]
        requester = rng.choice(portal_users.get(customer_id, [0]))
        requester_id = requester or customer.account_manager_id
        draft = _need(
            rng,
            code=code,
            category=category,
            customer_id=customer_id,
            outlet_id=outlet_id,
            region=region,
            requester_id=requester_id,
            created=created,
        )
        _life(
            rng,
            draft,
            now=now,
            account_manager_id=customer.account_manager_id,
            product_managers=product_managers,
            models=custom_models.get(category.pk, []),
        )
        drafts.append(draft)

    # The README's customer logins each find a quote waiting for their answer: a request of
    # the last few days, walked through its life until it stays quoted (deterministic draws).
    for customer_id, user_id in showcase_customers().items():
        waiting = any(
            d.custom_order.customer_id == customer_id and d.custom_order.status == S.QUOTED
            for d in drafts
        )
        for _attempt in range(0 if waiting or customer_id not in outlets_of else 200):
            outlet_id, region = rng.choice(outlets_of[customer_id])
            code = rng.weighted(codes, code_weights)
            draft = _need(
                rng,
                code=code,
                category=categories[code],
                customer_id=customer_id,
                outlet_id=outlet_id,
                region=region,
                requester_id=user_id,
                created=now - timedelta(hours=rng.between(30, 96)),
            )
            _life(
                rng,
                draft,
                now=now,
                account_manager_id=customers[customer_id].account_manager_id,
                product_managers=product_managers,
                models=custom_models.get(categories[code].pk, []),
            )
            if draft.custom_order.status == S.QUOTED:
                drafts.append(draft)
                break

    drafts.sort(key=lambda d: (d.custom_order.created_at, d.custom_order.outlet_id))
    for number, draft in enumerate(drafts, start=1):
        co = draft.custom_order
        co.number = f"MO{number:08d}"
        co.search_text = build_search_text(co.number, co.title)
        co._history_date = co.created_at  # type: ignore[attr-defined]
        if co.requested_by_id:
            co._history_user = User(pk=co.requested_by_id)  # type: ignore[attr-defined]
    with _explicit_timestamps(CustomOrder, OrderEvent):
        saved = bulk_create_with_history(
            [d.custom_order for d in drafts],
            CustomOrder,
            batch_size=BATCH,
            default_change_reason=HISTORY_REASON,
        )
        events = []
        for draft, custom_order in zip(drafts, saved, strict=True):
            for event in draft.events:
                event.custom_order_id = custom_order.pk
                events.append(event)
        OrderEvent.objects.bulk_create(events, batch_size=BATCH)
    sequence, _created = Sequence.objects.get_or_create(name="custom_order")
    if sequence.last_value < len(drafts):
        sequence.last_value = len(drafts)
        sequence.save(update_fields=["last_value"])
    return {"custom_orders": len(drafts), "custom_order_events": len(events)}


def _need(
    rng: DemoRandom,
    *,
    code: str,
    category: Category,
    customer_id: int,
    outlet_id: int,
    region: str,
    requester_id: int | None,
    created: datetime,
) -> _Draft:
    need = NEEDS.get(code, DEFAULT_NEED)
    low = high = None
    size = 0
    if need.ranges:
        low_, high_, _w = rng.weighted(need.ranges, [r[2] for r in need.ranges])
        low, high = Decimal(low_), Decimal(high_)
        size = (low_ + high_) // 2 // need.step * need.step or low_
    target: Decimal | None = None
    if not rng.chance(0.12):
        base = need.price_base + need.price_per_capacity * size
        target = _money(max(base, 199.0) * rng.lognormal(1.0, 0.12) // 50 * 50)
    features = [feature for feature, p in need.features if rng.chance(p)]
    for extra in REGION_FEATURES.get(region, ()):
        if extra not in features and any(extra == f for f, _p in need.features) and rng.chance(0.4):
            features.append(extra)
    features = [value for value in CustomFeature.values if value in features]
    quantity = max(20, min(20_000, int(rng.lognormal(180, 0.9)) // 10 * 10))
    title = rng.choice(need.titles).format(cap=size)
    wanted = created.date() + timedelta(days=rng.between(25, 90))
    co = CustomOrder(
        customer_id=customer_id,
        outlet_id=outlet_id,
        requested_by_id=requester_id,
        status=S.REQUESTED,
        title=title,
        category=category,
        capacity_min=low,
        capacity_max=high,
        target_price=target,
        features=features,
        quantity=quantity,
        wanted_date=wanted if rng.chance(0.8) else None,
        description=rng.choice(DESCRIPTIONS),
        created_at=created,
        updated_at=created,
    )
    parts = [texts.REQUEST_QUANTITY(quantity=quantity, title=title)]
    if target is not None:
        parts.append(texts.REQUEST_TARGET(price=i18n_text.money(target)))
    if co.wanted_date is not None:
        parts.append(texts.REQUEST_WANTED(date=i18n_text.day(co.wanted_date)))
    draft = _Draft(co)
    _event(draft, created, requester_id, S.REQUESTED, "", text=i18n_text.join(parts))
    return draft


def _event(
    draft: _Draft,
    when: datetime,
    actor_id: int | None,
    to_status: str,
    from_status: str,
    message: str = "",
    *,
    text: i18n_text.Text | None = None,
    kind: str = EventKind.STATUS,
    visible: bool = True,
) -> None:
    said = i18n_text.join([text, message], sep="line") if text and message else text
    draft.events.append(
        OrderEvent(
            customer_id=draft.custom_order.customer_id,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            actor_id=actor_id,
            message=str(said) if said else message,
            message_text=i18n_text.as_stored(said),
            visible_to_customer=visible,
            created_at=when,
            updated_at=when,
        )
    )
    draft.custom_order.updated_at = when


def _life(
    rng: DemoRandom,
    draft: _Draft,
    *,
    now: datetime,
    account_manager_id: int | None,
    product_managers: list[int],
    models: list[int],
) -> None:
    """Walk the request through its life-cycle as far as the time since its creation allows."""
    co = draft.custom_order
    pm = rng.choice(product_managers) if product_managers else None
    customer_side = co.requested_by_id
    when = co.created_at + timedelta(hours=rng.between(4, 96))
    if when > now:
        return
    if rng.chance(0.03):
        _close(draft, when, customer_side, S.CANCELLED, S.REQUESTED, rng.choice(CANCEL_REASONS))
        return
    if rng.chance(0.07):
        _close(draft, when, pm, S.DECLINED, S.REQUESTED, rng.choice(DECLINE_REASONS))
        return
    # The quote: near the target, a little above more often than below.
    base = float(co.target_price) if co.target_price is not None else 1500.0
    co.quoted_price = _money(base * (0.96 + rng.rng.random() * 0.16) // 10 * 10)
    co.quoted_lead_days = rng.between(10, 35)
    co.quote_valid_until = when.date() + timedelta(days=QUOTE_VALID_DAYS)
    co.quoted_model_id = rng.choice(models) if models and rng.chance(0.75) else None
    co.quote_note = rng.choice(QUOTE_NOTES)
    co.quoted_by_id = pm
    co.quoted_at = when
    co.status = S.QUOTED
    total = co.quoted_price * co.quantity
    _event(
        draft,
        when,
        pm,
        S.QUOTED,
        S.REQUESTED,
        co.quote_note,
        text=i18n_text.join(
            [
                texts.QUOTE_PRICE(
                    price=i18n_text.money(co.quoted_price),
                    quantity=co.quantity,
                    total=i18n_text.money(total),
                ),
                texts.QUOTE_LEAD(days=co.quoted_lead_days),
                texts.QUOTE_VALID(date=i18n_text.day(co.quote_valid_until)),
            ]
        ),
    )
    decision = when + timedelta(hours=rng.between(6, 16 * 24))
    outcome = rng.weighted(("accept", "reject", "silent", "cancel"), (0.62, 0.18, 0.15, 0.05))
    valid_end = datetime.combine(
        co.quote_valid_until + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo
    )
    if outcome == "silent" or (outcome == "accept" and decision >= valid_end):
        if valid_end <= now:
            _close(
                draft,
                valid_end,
                None,
                S.EXPIRED,
                S.QUOTED,
                text=texts.EXPIRED(date=i18n_text.day(co.quote_valid_until)),
            )
        return
    if decision > now:
        return
    if outcome == "reject":
        _close(draft, decision, customer_side, S.REJECTED, S.QUOTED, rng.choice(REJECT_REASONS))
        return
    if outcome == "cancel":
        _close(draft, decision, customer_side, S.CANCELLED, S.QUOTED, rng.choice(CANCEL_REASONS))
        return
    accepter = customer_side if rng.chance(0.8) else account_manager_id
    co.status = S.ACCEPTED
    co.accepted_at = decision
    co.production_due = decision + timedelta(days=PRODUCTION_START_DAYS)
    _event(
        draft,
        decision,
        accepter,
        S.ACCEPTED,
        S.QUOTED,
        text=texts.ACCEPTED_TOTAL(
            total=i18n_text.money(total), due=i18n_text.moment(co.production_due)
        ),
    )
    # Most start in time; some run late.
    late = rng.chance(0.15)
    start = decision + timedelta(
        hours=rng.between(24 * 7 + 2, 24 * 10) if late else rng.between(12, 24 * 6)
    )
    risk_from = co.production_due - timedelta(days=PRODUCTION_RISK_DAYS)
    if start > risk_from and risk_from <= now:
        alert_at = risk_from + timedelta(minutes=rng.between(5, 55))
        if alert_at <= min(now, start):
            co.risk_alerted_at = alert_at
            _event(
                draft,
                alert_at,
                None,
                "",
                "",
                text=texts.AT_RISK(
                    left=i18n_text.duration(co.production_due - alert_at),
                    due=i18n_text.moment(co.production_due),
                ),
                kind=EventKind.ALERT,
                visible=False,
            )
    if start > now:
        if rng.chance(0.03):
            _close(
                draft,
                now - timedelta(hours=1),
                account_manager_id,
                S.CANCELLED,
                S.ACCEPTED,
                rng.choice(CANCEL_REASONS),
            )
        return
    co.status = S.IN_PRODUCTION
    co.production_started_at = start
    late_text = None
    if start > co.production_due:
        late_text = texts.STARTED_LATE(late=i18n_text.duration(start - co.production_due))
    _event(draft, start, pm, S.IN_PRODUCTION, S.ACCEPTED, text=late_text)
    done = start + timedelta(days=max(3, (co.quoted_lead_days or 20) - rng.between(3, 8)))
    if done > now:
        return
    co.status = S.PRODUCED
    co.produced_at = done
    _event(draft, done, pm, S.PRODUCED, S.IN_PRODUCTION, "")


def _close(
    draft: _Draft,
    when: datetime,
    actor_id: int | None,
    status: str,
    previous: str,
    reason: str = "",
    *,
    text: i18n_text.Text | None = None,
) -> None:
    co = draft.custom_order
    co.status = status
    co.closed_reason = "" if status == S.EXPIRED else reason
    _event(draft, when, actor_id, status, previous, reason, text=text)


__all__ = ["COUNTS", "seed_custom_orders"]
