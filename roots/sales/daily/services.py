"""Writes of the OEC daily board (日清): building each staff user's list for a day from their
work, the user's own steps on an item (done, carry over, reopen: declared in
`roots.sales.daily.lifecycles.DAILY_ITEM`; an own task added), and the day's end.
docs/daily-board.md describes the rules; in short:

* `daily_board_build` is idempotent: an item is unique per user, day and `source_key`, so
  building twice adds nothing. It first closes the user's items of earlier days that are
  still open (as the day's end would have), then copies the items carried over from earlier
  days into `day` (once each, `carried_from` set), then adds what the user's work asks for.
* Only the item's own user changes it, and only on its own day: items of past days are
  closed (409).
* `daily_boards_close` carries every item still open at the day's end over with the reason
  "Not cleared by the end of the day", so that it counts against the clearing rate.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypedDict

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from roots.core import i18n_text
from roots.core.exceptions import ConflictError
from roots.core.i18n_text import Text
from roots.core.text import clean_text
from roots.orders.models import CustomOrder, CustomOrderStatus
from roots.org.models import STAFF_ROLES, Role, User
from roots.sales import texts
from roots.sales.daily.lifecycles import DAILY_ITEM, REASON_MAX
from roots.sales.daily.selectors import board_today, day_end, day_start, has_board
from roots.sales.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    DailyItem,
    DailyItemKind,
    DailyItemStatus,
)
from roots.service.models import ACTIVE_STATUSES, Complaint

# The reason written on every item still open when its day ends (in the site's language).
NOT_CLEARED_REASON = gettext_lazy("Not cleared by the end of the day")
# At most this many items per source on one board, most urgent first: the board is a list
# for one person's day; the rest stays on the source's own list page.
MAX_PER_SOURCE = 25
# A branch manager's board carries the few worst stock-out risks of the branch (their
# account managers have every risk of their own customers on theirs).
BRANCH_STOCK_OUTS = 3
# Quotes waiting on the customer longer than this go on the account manager's board.
QUOTE_CHASE_AFTER = datetime.timedelta(days=2)
# Carried items older than this are not copied any more (a board left unopened for months).
CARRY_LOOKBACK_DAYS = 31
TITLE_MAX = 300
DETAIL_MAX = 500


def _built_key(user_id: int, day: datetime.date) -> str:
    return f"daily-board-built:{user_id}:{day.isoformat()}"


# --- what the user's work asks for -----------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An item a source proposes for a user's day: its title and detail are generated text
    (rendered in the reader's language) or literal text (a complaint's own subject)."""

    kind: str
    source_key: str
    title: Text | str
    detail: Text | str
    url: str

    def literal(self, name: str, limit: int) -> str:
        """The title or detail as written now (kept beside the generated text)."""
        return _clip(str(getattr(self, name)), limit)

    def generated(self, name: str) -> dict[str, Any]:
        value = getattr(self, name)
        return i18n_text.as_stored(value) if isinstance(value, Text) else {}


def _url(name: str, *args: Any) -> str:
    """The page to act on, or "" when that page does not exist (yet) in this build."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _follow_ups(user: User, day: datetime.date) -> Iterator[Candidate]:
    """Their planned visits, calls and meetings due before the end of the day."""
    activities = (
        Activity.objects.visible_to(user)
        .filter(owner=user, status=ActivityStatus.PLANNED, planned_at__lt=day_end(day))
        .select_related("customer", "lead")
        .order_by("planned_at", "pk")[:MAX_PER_SOURCE]
    )
    for activity in activities:
        party = activity.customer or activity.lead
        detail = texts.FOLLOW_UP_DETAIL(
            kind=i18n_text.choice(ActivityKind, activity.kind),
            when=i18n_text.moment(activity.planned_at),
        )
        if party is not None:
            detail = i18n_text.join([str(party), detail], sep="dot")
        url = _url("activity-detail", activity.pk)
        if not url and activity.customer is not None:
            url = _url("customer-detail", activity.customer.code)
        yield Candidate(
            kind=DailyItemKind.FOLLOW_UP,
            source_key=f"activity:{activity.pk}",
            title=texts.FOLLOW_UP_TITLE(subject=activity.subject),
            detail=detail,
            url=url,
        )


def _stock_alerts(**kwargs: Any) -> list[Any]:
    """`roots.sellthrough.inventory.selectors.stock_alerts` (imported late: the inventory reads are
    heavy and only the board's build needs them)."""
    from roots.sellthrough.inventory.selectors import stock_alerts

    return stock_alerts(**kwargs)


def _stock_outs(user: User, day: datetime.date) -> Iterator[Candidate]:
    """Account managers: every stock-out risk of their customers' outlets (the worst
    first); branch managers: the `BRANCH_STOCK_OUTS` worst of the branch; others none."""
    if user.role == Role.ACCOUNT_MANAGER:
        limit = MAX_PER_SOURCE
    elif user.role == Role.BRANCH_MANAGER and user.branch_id:
        limit = BRANCH_STOCK_OUTS
    else:
        return
    for alert in _stock_alerts(user=user, as_of=day, kind="stock_out", limit=limit):
        cover = alert.days_of_cover
        detail = texts.STOCK_OUT_DETAIL(
            customer=alert.customer_name,
            outlet=alert.outlet_name,
            stock=i18n_text.number(alert.stock_units),
            sales=i18n_text.number(alert.daily_sales),
            cover=i18n_text.number(cover) if cover is not None else "—",
            date=i18n_text.day(alert.reported_on, "SHORT_DATE_FORMAT"),
        )
        yield Candidate(
            kind=DailyItemKind.STOCK_OUT,
            source_key=_clip(f"stock:{alert.outlet_code}:{alert.sku_code}", 100),
            title=texts.STOCK_OUT_TITLE(sku=alert.sku_name, outlet=alert.outlet_name),
            detail=detail,
            url=_url("outlet-detail", alert.outlet_code),
        )


def _complaints(user: User, day: datetime.date) -> Iterator[Candidate]:
    """Active complaints they own whose running deadline (the response until the first
    answer, then the resolution) falls before the end of the next day."""
    horizon = day_end(day + datetime.timedelta(days=1))
    complaints = (
        Complaint.objects.visible_to(user)
        .filter(owner=user, status__in=ACTIVE_STATUSES)
        .filter(
            Q(first_response_at__isnull=True, response_due__lt=horizon)
            | Q(first_response_at__isnull=False, resolution_due__lt=horizon)
        )
        .select_related("customer")
        .order_by("response_due", "pk")[:MAX_PER_SOURCE]
    )
    for complaint in complaints:
        said = (
            texts.COMPLAINT_ANSWER
            if complaint.first_response_at is None
            else texts.COMPLAINT_RESOLVE
        )
        detail = said(customer=complaint.customer.name, due=i18n_text.moment(complaint.due_at))
        yield Candidate(
            kind=DailyItemKind.COMPLAINT,
            source_key=f"complaint:{complaint.pk}",
            title=f"{complaint.number}: {complaint.subject}",
            detail=detail,
            url=_url("complaint-detail", complaint.number),
        )


def _custom_orders(user: User, day: datetime.date) -> Iterator[Candidate]:
    """Custom orders waiting on them (docs/custom-orders.md: who acts in which status).

    Product managers take the producer's steps: every request to quote (oldest first) and
    every accepted quote whose production must start (earliest deadline first). Account
    managers decide with their customer: quotes of their customers that have waited on the
    customer for more than `QUOTE_CHASE_AFTER` at the start of the day, still valid."""
    visible = CustomOrder.objects.visible_to(user).select_related("customer")
    if user.role == Role.PRODUCT_MANAGER:
        to_quote = visible.filter(status=CustomOrderStatus.REQUESTED).order_by("created_at", "pk")
        for order in to_quote[:MAX_PER_SOURCE]:
            yield Candidate(
                kind=DailyItemKind.CUSTOM_ORDER,
                source_key=f"custom:{order.pk}:quote",
                title=texts.QUOTE_TITLE(number=order.number, title=order.title),
                detail=texts.QUOTE_DETAIL(
                    customer=order.customer.name,
                    quantity=order.quantity,
                    when=i18n_text.moment(order.created_at),
                ),
                url=_url("custom-order-detail", order.number),
            )
        to_start = visible.filter(status=CustomOrderStatus.ACCEPTED).order_by(
            models.F("production_due").asc(nulls_last=True), "pk"
        )
        for order in to_start[:MAX_PER_SOURCE]:
            due = order.production_due
            yield Candidate(
                kind=DailyItemKind.CUSTOM_ORDER,
                source_key=f"custom:{order.pk}:produce",
                title=texts.PRODUCE_TITLE(number=order.number, title=order.title),
                detail=texts.PRODUCE_DETAIL(
                    customer=order.customer.name, due=i18n_text.moment(due) if due else "—"
                ),
                url=_url("custom-order-detail", order.number),
            )
    elif user.role == Role.ACCOUNT_MANAGER:
        waiting = (
            visible.filter(
                status=CustomOrderStatus.QUOTED,
                customer__account_manager=user,
                quoted_at__lt=day_start(day) - QUOTE_CHASE_AFTER,
            )
            .filter(Q(quote_valid_until__isnull=True) | Q(quote_valid_until__gte=day))
            .order_by("quoted_at", "pk")
        )
        for order in waiting[:MAX_PER_SOURCE]:
            valid = order.quote_valid_until
            yield Candidate(
                kind=DailyItemKind.CUSTOM_ORDER,
                source_key=f"custom:{order.pk}:decide",
                title=texts.DECIDE_TITLE(customer=order.customer.name, number=order.number),
                detail=texts.DECIDE_DETAIL(
                    title=order.title,
                    when=i18n_text.moment(order.quoted_at) if order.quoted_at else "—",
                    until=i18n_text.day(valid, "SHORT_DATE_FORMAT") if valid else "—",
                ),
                url=_url("custom-order-detail", order.number),
            )


SOURCES = (_follow_ups, _complaints, _custom_orders, _stock_outs)


def board_candidates(*, user: User, day: datetime.date) -> list[Candidate]:
    """What the user's work puts on their board for `day`, each source's most urgent first."""
    found: list[Candidate] = []
    for source in SOURCES:
        found.extend(source(user, day))
    return found


# --- building --------------------------------------------------------------------------------
class BuildResult(TypedDict):
    closed: int
    carried_in: int
    added: int


def _close_open(queryset: models.QuerySet[DailyItem], *, now: datetime.datetime) -> int:
    """Carry every open item of `queryset` over with `NOT_CLEARED_REASON`, written in its
    user's language (one update per language)."""
    still_open = queryset.filter(status=DailyItemStatus.OPEN)
    codes = [code for code, _name in settings.LANGUAGES]
    total = 0
    for code in codes:
        if code == settings.LANGUAGE_CODE:
            items = still_open.exclude(user__language__in=[c for c in codes if c != code])
        else:
            items = still_open.filter(user__language=code)
        with override(code):
            reason = str(NOT_CLEARED_REASON)
        total += items.update(
            status=DailyItemStatus.CARRIED,
            carry_reason=reason,
            carry_reason_text=i18n_text.as_stored(texts.NOT_CLEARED()),
            closed_at=now,
            updated_at=now,
        )
    return total


def _copy_key(item: DailyItem) -> str:
    return item.source_key or f"carry:{item.pk}"


@transaction.atomic
def daily_board_build(*, user: User, day: datetime.date) -> BuildResult:
    """Build `user`'s board for `day` (idempotent): close their items of earlier days still
    open, copy in the items carried over from earlier days, and add what their work asks
    for today (overdue follow-ups, stock-out risks, complaints near the deadline, custom
    orders waiting on them). Users without a board (customers, suppliers) get nothing."""
    if not has_board(user):
        return BuildResult(closed=0, carried_in=0, added=0)
    # One build per user at a time (two tabs opening the board): the user's row is the lock.
    User.objects.select_for_update(of=("self",)).filter(pk=user.pk).first()
    now = timezone.now()
    mine = DailyItem.objects.visible_to(user).filter(user=user)
    closed = _close_open(mine.filter(day__lt=day), now=now)

    on_day: dict[str, tuple[int, int | None]] = {
        key: (pk, carried_from)
        for key, pk, carried_from in mine.filter(day=day)
        .exclude(source_key="")
        .values_list("source_key", "pk", "carried_from_id")
    }
    pending = (
        mine.filter(
            status=DailyItemStatus.CARRIED,
            day__lt=day,
            day__gte=day - datetime.timedelta(days=CARRY_LOOKBACK_DAYS),
        )
        .exclude(Exists(DailyItem.objects.all_unscoped().filter(carried_from=OuterRef("pk"))))
        .order_by("day", "pk")
    )
    copies: list[DailyItem] = []
    for item in pending:
        key = _copy_key(item)
        if key in on_day:
            # Today's build already has it from its source: mark it as the carried one.
            pk, carried_from = on_day[key]
            if carried_from is None:
                mine.filter(pk=pk).update(carried_from=item)
                on_day[key] = (pk, item.pk)
            continue
        on_day[key] = (0, item.pk)
        copies.append(
            DailyItem(
                user=user,
                day=day,
                kind=item.kind,
                title=item.title,
                title_text=item.title_text,
                detail=item.detail,
                detail_text=item.detail_text,
                url=item.url,
                source_key=key,
                carried_from=item,
            )
        )
    fresh: list[DailyItem] = []
    # Titles are written once, in the user's language when they chose one (the cron builds
    # too), else in the language of the request that builds the board.
    with override(user.language or get_language() or settings.LANGUAGE_CODE):
        candidates = board_candidates(user=user, day=day)
    for candidate in candidates:
        if candidate.source_key in on_day:
            continue
        on_day[candidate.source_key] = (0, None)
        fresh.append(
            DailyItem(
                user=user,
                day=day,
                kind=candidate.kind,
                title=candidate.literal("title", TITLE_MAX),
                title_text=candidate.generated("title"),
                detail=candidate.literal("detail", DETAIL_MAX),
                detail_text=candidate.generated("detail"),
                url=candidate.url,
                source_key=candidate.source_key,
            )
        )
    DailyItem.objects.bulk_create([*copies, *fresh], ignore_conflicts=True)
    key = _built_key(user.pk, day)
    transaction.on_commit(lambda: cache.set(key, True, timeout=26 * 3600))
    return BuildResult(closed=closed, carried_in=len(copies), added=len(fresh))


def daily_board_ensure(*, user: User, day: datetime.date) -> BuildResult | None:
    """Build the board unless this process built it for that day already (opening the page
    builds today's board, so that it works without the morning cron)."""
    if not has_board(user) or cache.get(_built_key(user.pk, day)):
        return None
    return daily_board_build(user=user, day=day)


class BoardsResult(TypedDict):
    users: int
    carried_in: int
    added: int


def _board_users() -> models.QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("pk")


def daily_boards_build(*, day: datetime.date | None = None) -> BoardsResult:
    """Build every active staff user's board for `day` (default today): the morning cron.
    One transaction per user, so that one user's trouble does not undo the others'."""
    day = day or board_today()
    total = BoardsResult(users=0, carried_in=0, added=0)
    for user in _board_users().iterator(chunk_size=500):
        result = daily_board_build(user=user, day=day)
        total["users"] += 1
        total["carried_in"] += result["carried_in"]
        total["added"] += result["added"]
    return total


@transaction.atomic
def daily_boards_close(*, day: datetime.date | None = None) -> int:
    """The day's end (cron at 23:59): every item of `day` (default today), or of an earlier
    day, still open is carried over with the reason "Not cleared by the end of the day";
    the morning build copies it into the next day. Answers how many were carried."""
    day = day or board_today()
    return _close_open(DailyItem.objects.all_unscoped().filter(day__lte=day), now=timezone.now())


# --- the user's own steps --------------------------------------------------------------------
@transaction.atomic
def daily_item_add(*, user: User, title: str, detail: str = "") -> DailyItem:
    """Add an own task (kind `task`) to the user's board for today."""
    if not has_board(user):
        raise PermissionDenied(_("Only staff keep a daily board."))
    clean_title = clean_text(title, field="title", max_length=TITLE_MAX, required=True)
    clean_detail = clean_text(detail, field="detail", max_length=DETAIL_MAX, required=False)
    return DailyItem.objects.create(
        user=user,
        day=board_today(),
        kind=DailyItemKind.TASK,
        title=clean_title,
        detail=clean_detail,
    )


def daily_item_done(*, user: User, item: DailyItem) -> DailyItem:
    """Mark an open item of today done (409 if it is done or carried already)."""
    done: DailyItem = DAILY_ITEM.take(user=user, obj=item, step="done")
    return done


def daily_item_carry(*, user: User, item: DailyItem, reason: str) -> DailyItem:
    """Carry an open item of today over to tomorrow, saying why (the reason is required)."""
    carried: DailyItem = DAILY_ITEM.take(user=user, obj=item, step="carry", data={"reason": reason})
    return carried


def daily_item_reopen(*, user: User, item: DailyItem) -> DailyItem:
    """Open a done or carried item of today again (409 if it is open, or if it was already
    copied into another day)."""
    reopened: DailyItem = DAILY_ITEM.take(user=user, obj=item, step="reopen")
    return reopened


# --- several items at once -------------------------------------------------------------------
BULK_STEPS = ("done", "carry")
BULK_MAX = 200


class BulkResult(TypedDict):
    """What a bulk step did: the items it changed, and those it left with the reason."""

    changed: list[DailyItem]
    skipped: list[tuple[DailyItem, str]]


def daily_items_bulk(
    *, user: User, items: list[DailyItem], step: str, reason: str = ""
) -> BulkResult:
    """Mark several own items of today done, or carry them over with one reason for all.
    Each item is its own transaction (`daily_item_done` / `daily_item_carry`): one that
    cannot take the step now (done already, a past day) is skipped with the reason, the
    others go through. The caller has looked the items up in its scope; the reason is
    checked before any item changes (400)."""
    if step not in BULK_STEPS:
        raise ValidationError({"step": [_("Choose done or carry over.")]})
    if not items:
        raise ValidationError({"items": [_("Select at least one item.")]})
    if len(items) > BULK_MAX:
        raise ValidationError(
            {"items": [_("At most %(limit)s items at once.") % {"limit": BULK_MAX}]}
        )
    if step == "carry":
        reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=True)
    result: BulkResult = {"changed": [], "skipped": []}
    for item in items:
        try:
            if step == "done":
                changed = daily_item_done(user=user, item=item)
            else:
                changed = daily_item_carry(user=user, item=item, reason=reason)
        except (ConflictError, PermissionDenied) as exc:
            result["skipped"].append((item, str(exc)))
        else:
            result["changed"].append(changed)
    return result
