"""Reads of the OEC daily board (日清): the board's days and who keeps a board, a user's
list for a day, whose boards a manager may read, and clearing rates (done items / all items
of a day) per user, per branch and per team. Every read starts from
`DailyItem.objects.visible_to(user)`: own items; a branch manager also their branch's
staff's; headquarters everyone's."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.org.models import STAFF_ROLES, Branch, Role, User
from roots.sales.models import DailyItem, DailyItemKind, DailyItemStatus

TEAM_DAYS = 14
# The clearing rate a team aims at (the dashed line of the team chart).
TARGET_RATE = 0.9
# The branch "code" of staff without a branch (headquarters, product managers, call centres).
NO_BRANCH = "-"


# --- days, and who keeps a board -------------------------------------------------------------
def board_today() -> datetime.date:
    """Today in the project's time zone (settings.TIME_ZONE), whatever zone is active."""
    return timezone.localdate(timezone.now(), ZoneInfo(settings.TIME_ZONE))


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the project's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def day_end(day: datetime.date) -> datetime.datetime:
    """Midnight at the end of `day` (the start of the next) in the project's time zone."""
    return day_start(day + datetime.timedelta(days=1))


def has_board(user: User) -> bool:
    """Every active staff role keeps a daily board; customer and supplier users do not."""
    return bool(user.is_authenticated and user.is_active and user.role in STAFF_ROLES)


# --- rates -----------------------------------------------------------------------------------
def clearing_rate(done: int, items: int) -> float | None:
    """Done items / all items of a day; None when there were no items."""
    return done / items if items else None


def rate_css(rate: float | None) -> str:
    """The heat-map colour of a rate (Tabler's light backgrounds)."""
    if rate is None:
        return "bg-secondary-lt"
    if rate >= 0.9:
        return "bg-green-lt"
    if rate >= 0.7:
        return "bg-lime-lt"
    if rate >= 0.5:
        return "bg-yellow-lt"
    if rate >= 0.3:
        return "bg-orange-lt"
    return "bg-red-lt"


@dataclass(frozen=True)
class DayRate:
    """One user's (or group's) day: how many items, how many done."""

    day: datetime.date
    items: int
    done: int
    # Today's day is not over: its rate is shown as in progress, not judged by the colours,
    # and left out of the period's totals (TeamRow.total, TeamView.total).
    in_progress: bool = False

    @property
    def rate(self) -> float | None:
        return clearing_rate(self.done, self.items)

    @property
    def percent(self) -> int | None:
        rate = self.rate
        return None if rate is None else round(rate * 100)

    @property
    def css(self) -> str:
        return "bg-azure-lt roots-in-progress" if self.in_progress else rate_css(self.rate)


def day_range(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    return [date_from + datetime.timedelta(days=n) for n in range((date_to - date_from).days + 1)]


def _counts(
    items: QuerySet[DailyItem], group: str
) -> dict[tuple[int | None, datetime.date], tuple[int, int]]:
    rows = (
        items.order_by()
        .values(group, "day")
        .annotate(items=Count("pk"), done=Count("pk", filter=Q(status=DailyItemStatus.DONE)))
    )
    return {(row[group], row["day"]): (row["items"], row["done"]) for row in rows}


def _series(
    counts: dict[tuple[int | None, datetime.date], tuple[int, int]],
    key: int | None,
    days: Sequence[datetime.date],
) -> list[DayRate]:
    series = []
    for day in days:
        items, done = counts.get((key, day), (0, 0))
        series.append(DayRate(day=day, items=items, done=done))
    return series


@dataclass(frozen=True)
class UserRates:
    """A user's clearing rate for each day of a period."""

    user: User
    days: list[DayRate]


def clearing_rates(
    *,
    user: User,
    owners: Iterable[User],
    date_from: datetime.date,
    date_to: datetime.date,
) -> list[UserRates]:
    """Per owner (in the order given) and per day of [date_from, date_to]: items and done
    items, counting only items `user` may see (one query)."""
    owners = list(owners)
    counts = _counts(
        DailyItem.objects.visible_to(user).filter(
            user__in=[o.pk for o in owners], day__gte=date_from, day__lte=date_to
        ),
        "user_id",
    )
    days = day_range(date_from, date_to)
    return [UserRates(user=owner, days=_series(counts, owner.pk, days)) for owner in owners]


# --- whose boards ----------------------------------------------------------------------------
def is_team_manager(user: User) -> bool:
    """Branch managers (their branch's staff) and headquarters (everyone) read others'
    boards and the team view."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.role == Role.HQ_ADMIN or (user.role == Role.BRANCH_MANAGER and bool(user.branch_id))


def staff_in_scope(*, user: User) -> QuerySet[User]:
    """The active staff whose boards `user` may read: themselves; a branch manager also
    their branch's staff; headquarters every staff user."""
    staff = User.objects.filter(is_active=True, role__in=STAFF_ROLES)
    if not (user.is_authenticated and user.is_active):
        return staff.none()
    if user.role == Role.HQ_ADMIN:
        return staff
    if user.role == Role.BRANCH_MANAGER and user.branch_id:
        return staff.filter(Q(pk=user.pk) | Q(branch_id=user.branch_id))
    return staff.filter(pk=user.pk)


def board_owner(*, user: User, username: str | None) -> User | None:
    """The user whose board `user` asks for (`username`, default themselves), or None when
    that board is not theirs to read (or has no such user)."""
    if not username or username == user.username:
        return user if user.is_authenticated else None
    if "\x00" in username or len(username) > 150:
        return None
    return staff_in_scope(user=user).filter(username=username).first()


def team_members(*, user: User, branch: Branch | None) -> QuerySet[User]:
    """The staff of `branch` (None: staff without a branch) that `user` may read, by name."""
    members = staff_in_scope(user=user)
    members = members.filter(branch=branch) if branch else members.filter(branch__isnull=True)
    return members.select_related("branch").order_by("role", "username")


# --- a day's board ---------------------------------------------------------------------------
def daily_item_list(*, user: User) -> QuerySet[DailyItem]:
    """Daily items `user` may read, with their user joined, each knowing whether it was
    copied into a later day already (`copied`: then it cannot be reopened)."""
    copies = DailyItem.objects.all_unscoped().filter(carried_from=OuterRef("pk"))
    return DailyItem.objects.visible_to(user).select_related("user").annotate(copied=Exists(copies))


KIND_ORDER = (
    DailyItemKind.COMPLAINT,
    DailyItemKind.FOLLOW_UP,
    DailyItemKind.CUSTOM_ORDER,
    DailyItemKind.STOCK_OUT,
    DailyItemKind.TASK,
)
KIND_ICONS = {
    DailyItemKind.COMPLAINT: "ti-message-report",
    DailyItemKind.FOLLOW_UP: "ti-phone-call",
    DailyItemKind.CUSTOM_ORDER: "ti-adjustments-horizontal",
    DailyItemKind.STOCK_OUT: "ti-package-off",
    DailyItemKind.TASK: "ti-checkbox",
}


@dataclass
class KindGroup:
    kind: str
    label: str
    icon: str
    items: list[DailyItem] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.status == DailyItemStatus.DONE)


@dataclass
class Board:
    """One user's list for one day, grouped by kind (the order of `KIND_ORDER`)."""

    owner: User
    day: datetime.date
    groups: list[KindGroup]
    total: int
    done: int
    carried: int

    @property
    def open(self) -> int:
        return self.total - self.done - self.carried

    @property
    def rate(self) -> float | None:
        return clearing_rate(self.done, self.total)

    @property
    def percent(self) -> int:
        rate = self.rate
        return 0 if rate is None else round(rate * 100)


def daily_board(*, user: User, owner: User, day: datetime.date) -> Board:
    """`owner`'s items of `day` as `user` may read them (one query), grouped by kind; open
    items first in each group, then done, then carried."""
    items = list(
        daily_item_list(user=user)
        .filter(user=owner, day=day)
        .select_related("carried_from")
        .order_by("pk")
    )
    status_rank: dict[str, int] = {
        DailyItemStatus.OPEN: 0,
        DailyItemStatus.DONE: 1,
        DailyItemStatus.CARRIED: 2,
    }
    items.sort(key=lambda item: (status_rank.get(item.status, 3), item.pk))
    labels = dict(DailyItemKind.choices)
    groups: dict[str, KindGroup] = {
        kind: KindGroup(kind=kind, label=str(labels[kind]), icon=KIND_ICONS[kind])
        for kind in KIND_ORDER
    }
    for item in items:
        groups.setdefault(
            item.kind, KindGroup(kind=item.kind, label=item.kind, icon="ti-point")
        ).items.append(item)
    return Board(
        owner=owner,
        day=day,
        groups=[group for group in groups.values() if group.items],
        total=len(items),
        done=sum(1 for item in items if item.status == DailyItemStatus.DONE),
        carried=sum(1 for item in items if item.status == DailyItemStatus.CARRIED),
    )


# --- the team view ---------------------------------------------------------------------------
@dataclass
class TeamRow:
    """A row of the team table: a user (or a branch, for headquarters' overview)."""

    label: str
    sublabel: str
    days: list[DayRate]
    link: str = ""
    username: str = ""

    @property
    def total(self) -> DayRate:
        """The period's completed days (today, in progress, left out)."""
        days = [d for d in self.days if not d.in_progress]
        return DayRate(
            day=days[-1].day if days else datetime.date.min,
            items=sum(d.items for d in days),
            done=sum(d.done for d in days),
        )


@dataclass
class TeamView:
    """Clearing rates of a team over the last `TEAM_DAYS` days: one row per user (or per
    branch), and the team's daily rate (all its items pooled: done / all)."""

    days: list[datetime.date]
    rows: list[TeamRow]
    team: list[DayRate]
    branch: Branch | None
    by_branch: bool
    no_branch: bool = False

    @property
    def total(self) -> DayRate:
        """The team's rate over the period's completed days (today left out: in progress)."""
        days = [d for d in self.team if not d.in_progress]
        return DayRate(
            day=days[-1].day if days else self.days[-1],
            items=sum(d.items for d in days),
            done=sum(d.done for d in days),
        )

    @property
    def meets_target(self) -> bool | None:
        """Whether the period's rate reaches TARGET_RATE (None without items)."""
        rate = self.total.rate
        return None if rate is None else rate >= TARGET_RATE


def _in_progress(days: list[DayRate], today: datetime.date) -> list[DayRate]:
    return [replace(d, in_progress=True) if d.day >= today else d for d in days]


def _pooled(rows: list[TeamRow], days: list[datetime.date]) -> list[DayRate]:
    return [
        DayRate(
            day=day,
            items=sum(row.days[i].items for row in rows),
            done=sum(row.days[i].done for row in rows),
            in_progress=any(row.days[i].in_progress for row in rows),
        )
        for i, day in enumerate(days)
    ]


@dataclass(frozen=True)
class TeamScope:
    """A team whose boards a manager reads: a branch's staff, or (branch None) the staff
    without a branch."""

    branch: Branch | None


def team_scope(*, user: User, branch_code: str | None) -> TeamScope | None:
    """The team `branch_code` names for `user`: a branch manager's own branch (the default);
    for headquarters any branch, or `NO_BRANCH`. None when it is not `user`'s to read."""
    if not is_team_manager(user):
        return None
    if branch_code and ("\x00" in branch_code or len(branch_code) > 20):
        return None
    if user.role == Role.BRANCH_MANAGER:
        branch = user.branch
        if branch is None or (branch_code and branch_code != branch.code):
            return None
        return TeamScope(branch=branch)
    if branch_code == NO_BRANCH:
        return TeamScope(branch=None)
    if not branch_code:
        return None
    found = Branch.objects.visible_to(user).filter(code=branch_code).first()
    return TeamScope(branch=found) if found is not None else None


def team_view(
    *,
    user: User,
    today: datetime.date,
    branch_code: str | None = None,
    days: int = TEAM_DAYS,
) -> TeamView | None:
    """The team table of a branch manager (their branch's staff) or of headquarters (per
    branch, or one branch's staff with `branch_code`; `NO_BRANCH` for staff without one).
    None when `user` has no team view or the branch is not theirs (a 404)."""
    if not is_team_manager(user):
        return None
    period = day_range(today - datetime.timedelta(days=days - 1), today)
    scoped = DailyItem.objects.visible_to(user).filter(
        day__gte=period[0], day__lte=period[-1], user__is_active=True, user__role__in=STAFF_ROLES
    )
    if user.role == Role.HQ_ADMIN and not branch_code:
        counts = _counts(scoped, "user__branch_id")
        branches = list(Branch.objects.visible_to(user).order_by("code"))
        rows = [
            TeamRow(
                label=branch.name,
                sublabel=branch.code,
                days=_in_progress(_series(counts, branch.pk, period), today),
                link=branch.code,
            )
            for branch in branches
        ]
        rows.append(
            TeamRow(
                label=_("Without a branch"),
                sublabel=_("headquarters, product managers, call centres"),
                days=_in_progress(_series(counts, None, period), today),
                link=NO_BRANCH,
            )
        )
        return TeamView(
            days=period, rows=rows, team=_pooled(rows, period), branch=None, by_branch=True
        )
    scope = team_scope(user=user, branch_code=branch_code)
    if scope is None:
        return None
    members = list(team_members(user=user, branch=scope.branch))
    counts = _counts(scoped.filter(user__in=[m.pk for m in members]), "user_id")
    roles = dict(Role.choices)
    rows = [
        TeamRow(
            label=member.display_name,
            sublabel=str(roles.get(member.role, member.role)),
            days=_in_progress(_series(counts, member.pk, period), today),
            username=member.username,
        )
        for member in members
    ]
    return TeamView(
        days=period,
        rows=rows,
        team=_pooled(rows, period),
        branch=scope.branch,
        by_branch=False,
        no_branch=scope.branch is None,
    )
