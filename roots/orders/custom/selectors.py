"""Made-to-order reads: the scoped list and its filters, the timeline, the production clock
of a record, and the aggregated custom demand (by region × category, feature, capacity band,
target price; conversion) that product managers plan from."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.catalog.models import Category, Region
from roots.core.models import ScopedQuerySet
from roots.orders.custom.policies import can_see_demand
from roots.orders.custom.rules import CustomFeature
from roots.orders.models import (
    PRODUCTION_RISK_DAYS,
    CustomOrder,
    CustomOrderStatus,
    OrderEvent,
)
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User

S = CustomOrderStatus

# Badge colours of the statuses (Tabler colour names).
STATUS_COLOURS: dict[str, str] = {
    S.REQUESTED: "azure",
    S.QUOTED: "indigo",
    S.ACCEPTED: "blue",
    S.IN_PRODUCTION: "orange",
    S.PRODUCED: "green",
    S.DECLINED: "secondary",
    S.REJECTED: "secondary",
    S.EXPIRED: "secondary",
    S.CANCELLED: "red",
}
OPEN_STATUSES = (S.REQUESTED, S.QUOTED, S.ACCEPTED, S.IN_PRODUCTION)


def custom_order_list(*, user: User) -> QuerySet[CustomOrder]:
    """Custom orders in the user's scope, with what the list shows (no query per row)."""
    return CustomOrder.objects.visible_to(user).select_related(
        "customer",
        "outlet",
        "outlet__province",
        "category",
        "quoted_model",
        "order",
        "requested_by",
        "quoted_by",
    )


class CustomOrderFilter(django_filters.FilterSet):
    """The filters of the list page and the API (one FilterSet for both)."""

    search = django_filters.CharFilter(
        method="filter_search",
        label=gettext_lazy("Search"),
        max_length=100,
        help_text=gettext_lazy("Number or title (characters, full pinyin or initials)."),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=CustomOrderStatus.choices, label=gettext_lazy("Status")
    )
    customer = django_filters.CharFilter(
        field_name="customer__code", label=gettext_lazy("Customer"), max_length=12
    )
    category = django_filters.CharFilter(
        field_name="category__code", label=gettext_lazy("Category"), max_length=20
    )
    clock = django_filters.ChoiceFilter(
        method="filter_clock",
        label=gettext_lazy("Production clock"),
        choices=[
            ("on_track", gettext_lazy("On track")),
            ("at_risk", gettext_lazy("At risk")),
            ("overdue", gettext_lazy("Overdue")),
        ],
    )

    class Meta:
        model = CustomOrder
        fields = ["search", "status", "customer", "category", "clock"]

    def filter_search(self, queryset: ScopedQuerySet, name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)

    def filter_clock(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        now = timezone.now()
        waiting = queryset.filter(status=S.ACCEPTED, production_started_at__isnull=True)
        risk = now + timedelta(days=PRODUCTION_RISK_DAYS)
        if value == "overdue":
            return waiting.filter(production_due__lt=now)
        if value == "at_risk":
            return waiting.filter(production_due__gte=now, production_due__lte=risk)
        return waiting.filter(production_due__gt=risk)


# --- the production clock of one record -------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    """Where a custom order stands against the 7-day production deadline."""

    state: str  # none, on_track, at_risk, overdue, started, started_late
    label: str
    colour: str  # Tabler colour: green, yellow, red, secondary
    seconds_left: int | None


def duration_text(delta: timedelta) -> str:
    """`2 d 5 h`, `5 h`, `40 min` (absolute)."""
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": max(rest // 60, 1)}


def production_clock(custom_order: CustomOrder, *, now: datetime | None = None) -> Clock:
    """Green while more than PRODUCTION_RISK_DAYS are left, amber within them, red when
    overdue; after the start, whether it started in time."""
    due = custom_order.production_due
    if due is None:
        return Clock("none", "", "secondary", None)
    if custom_order.production_started_at is not None:
        late = custom_order.production_started_at > due
        if late:
            return Clock(
                "started_late",
                _("Started %(late)s late")
                % {"late": duration_text(custom_order.production_started_at - due)},
                "orange",
                None,
            )
        return Clock("started", _("Started in time"), "green", None)
    if custom_order.status != S.ACCEPTED:
        return Clock("none", "", "secondary", None)
    now = now or timezone.now()
    left = due - now
    seconds = int(left.total_seconds())
    if seconds < 0:
        return Clock(
            "overdue", _("Overdue by %(late)s") % {"late": duration_text(left)}, "red", seconds
        )
    if left <= timedelta(days=PRODUCTION_RISK_DAYS):
        return Clock(
            "at_risk", _("%(left)s left") % {"left": duration_text(left)}, "yellow", seconds
        )
    return Clock("on_track", _("%(left)s left") % {"left": duration_text(left)}, "green", seconds)


def custom_order_timeline(*, user: User, custom_order: CustomOrder) -> QuerySet[OrderEvent]:
    """The steps of a custom order, oldest first; customer users do not see staff-only
    events (the production-risk alerts)."""
    events = OrderEvent.objects.visible_to(user).filter(custom_order=custom_order)
    if user.role == Role.CUSTOMER_USER:
        events = events.filter(visible_to_customer=True)
    return events.select_related("actor").order_by("created_at", "id")


def feature_labels(codes: list[str]) -> list[str]:
    labels = dict(CustomFeature.choices)
    return [str(labels.get(code, code)) for code in codes]


# --- demand -----------------------------------------------------------------------------------
# Target unit price bands (yuan): [low, high).
PRICE_EDGES: tuple[int, ...] = (0, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 8000)


class RegionCategoryRow(TypedDict):
    region: str
    region_label: str
    category: str
    category_label: str
    requests: int
    units: int


class CountRow(TypedDict):
    key: str
    label: str
    requests: int
    units: int


class CapacityRow(TypedDict):
    category: str
    category_label: str
    band: str
    low: float
    high: float
    requests: int
    units: int


class Conversion(TypedDict):
    requests: int
    quoted: int
    accepted: int
    declined: int
    rejected: int
    expired: int
    cancelled: int
    open: int
    quote_rate: float | None
    acceptance_rate: float | None


class Demand(TypedDict):
    date_from: date | None
    date_to: date | None
    category: str | None
    requests: int
    units: int
    regions: list[CountRow]
    categories: list[CountRow]
    by_region_category: list[RegionCategoryRow]
    by_feature: list[CountRow]
    by_capacity: list[CapacityRow]
    by_target_price: list[CountRow]
    without_target_price: CountRow
    conversion: Conversion


def capacity_band(low: Decimal | None, high: Decimal | None) -> tuple[float, float] | None:
    """The band holding the middle of the requested capacity range: 1 wide below 10 (kg,
    HP), 10 wide below 100 (litres of a water heater, inches), 50 wide above (fridges)."""
    values = [v for v in (low, high) if v is not None]
    if not values:
        return None
    middle = float(sum(values)) / len(values)
    width = 1.0 if middle < 10 else 10.0 if middle < 100 else 50.0
    start = (middle // width) * width
    return start, start + width


def _band_label(low: float, high: float) -> str:
    def text(value: float) -> str:
        return f"{value:g}"

    return f"{text(low)}–{text(high)}"


def _price_key(price: Decimal) -> int:
    for index in range(len(PRICE_EDGES) - 1, -1, -1):
        if price >= PRICE_EDGES[index]:
            return index
    return 0


def _price_label(index: int) -> str:
    low = PRICE_EDGES[index]
    if index + 1 < len(PRICE_EDGES):
        return f"¥{low:,}–{PRICE_EDGES[index + 1] - 1:,}"
    return f"¥{low:,}+"


def _region_label(region: str) -> str:
    if not region:
        return _("Unknown region")
    return str(dict(Region.choices).get(region, region))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def custom_demand(
    *,
    user: User,
    date_from: date | None = None,
    date_to: date | None = None,
    category: str | None = None,
) -> Demand:
    """Aggregated custom demand of the requests made in [date_from, date_to] (by request
    date, both ends included), optionally of one category (code): units and requests by
    region (the outlet's province region) × category, by feature, by capacity band, by
    target unit price; and how requests convert (quoted, accepted). Product managers and hq
    see every customer; branch and account managers their scope; others may not ask."""
    if not can_see_demand(user):
        raise PermissionDenied(_("Your role does not see custom demand."))
    rows = CustomOrder.objects.visible_to(user)
    if date_from is not None:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(created_at__date__lte=date_to)
    if category:
        rows = rows.filter(category__code=category)
    # One pass over the matching rows (a few thousand at the haier scale), aggregated here so
    # that the feature lists (JSON) count the same on SQLite and PostgreSQL.
    data = rows.values_list(
        "outlet__province__region",
        "category__code",
        "quantity",
        "features",
        "capacity_min",
        "capacity_max",
        "target_price",
        "status",
        "quoted_at",
        "accepted_at",
    )
    categories = {
        c.code: c for c in Category.objects.all_unscoped().only("code", "name", "name_en")
    }

    def category_label(code: str) -> str:
        found = categories.get(code)
        if found is None:
            return code
        if found.name_en and not _is_chinese_ui():
            return found.name_en
        return found.name

    cell: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    region_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    category_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    features: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    capacity: dict[tuple[str, float, float], list[int]] = defaultdict(lambda: [0, 0])
    prices: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    no_price = [0, 0]
    statuses: dict[str, int] = defaultdict(int)
    requests = units = quoted = accepted = 0
    for (
        region,
        code,
        quantity,
        feature_codes,
        low,
        high,
        target,
        status,
        quoted_at,
        accepted_at,
    ) in data:
        region = region or ""
        requests += 1
        units += quantity
        for bucket in (cell[(region, code)], region_totals[region], category_totals[code]):
            bucket[0] += 1
            bucket[1] += quantity
        for feature in feature_codes or []:
            features[feature][0] += 1
            features[feature][1] += quantity
        band = capacity_band(low, high)
        if band is not None:
            capacity[(code, *band)][0] += 1
            capacity[(code, *band)][1] += quantity
        if target is None:
            no_price[0] += 1
            no_price[1] += quantity
        else:
            prices[_price_key(target)][0] += 1
            prices[_price_key(target)][1] += quantity
        statuses[status] += 1
        quoted += quoted_at is not None
        accepted += accepted_at is not None
    region_order = [r.value for r in Region]

    def region_rank(region: str) -> tuple[int, str]:
        return (region_order.index(region) if region in region_order else len(region_order), region)

    feature_labels_ = dict(CustomFeature.choices)
    return {
        "date_from": date_from,
        "date_to": date_to,
        "category": category or None,
        "requests": requests,
        "units": units,
        "regions": [
            {"key": r, "label": _region_label(r), "requests": v[0], "units": v[1]}
            for r, v in sorted(region_totals.items(), key=lambda kv: region_rank(kv[0]))
        ],
        "categories": [
            {"key": c, "label": category_label(c), "requests": v[0], "units": v[1]}
            for c, v in sorted(category_totals.items(), key=lambda kv: (-kv[1][1], kv[0]))
        ],
        "by_region_category": [
            {
                "region": r,
                "region_label": _region_label(r),
                "category": c,
                "category_label": category_label(c),
                "requests": v[0],
                "units": v[1],
            }
            for (r, c), v in sorted(cell.items(), key=lambda kv: (region_rank(kv[0][0]), kv[0][1]))
        ],
        "by_feature": [
            {"key": f, "label": str(feature_labels_.get(f, f)), "requests": v[0], "units": v[1]}
            for f, v in sorted(features.items(), key=lambda kv: (-kv[1][1], kv[0]))
        ],
        "by_capacity": [
            {
                "category": c,
                "category_label": category_label(c),
                "band": _band_label(low, high),
                "low": low,
                "high": high,
                "requests": v[0],
                "units": v[1],
            }
            for (c, low, high), v in sorted(capacity.items(), key=lambda kv: kv[0])
        ],
        "by_target_price": [
            {"key": str(PRICE_EDGES[i]), "label": _price_label(i), "requests": v[0], "units": v[1]}
            for i, v in sorted(prices.items())
        ],
        "without_target_price": {
            "key": "",
            "label": _("No target price"),
            "requests": no_price[0],
            "units": no_price[1],
        },
        "conversion": {
            "requests": requests,
            "quoted": quoted,
            "accepted": accepted,
            "declined": statuses[S.DECLINED],
            "rejected": statuses[S.REJECTED],
            "expired": statuses[S.EXPIRED],
            "cancelled": statuses[S.CANCELLED],
            "open": sum(statuses[s] for s in OPEN_STATUSES),
            "quote_rate": _rate(quoted, requests),
            "acceptance_rate": _rate(accepted, quoted),
        },
    }


def _is_chinese_ui() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("zh")


def demand_categories(*, user: User) -> list[Category]:
    """The categories offered by the demand view's filter."""
    return list(Category.objects.visible_to(user).filter(parent__isnull=True).order_by("code"))
