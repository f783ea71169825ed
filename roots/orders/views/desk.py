"""The staff order desk: tabs of orders waiting for a step, one-click steps and bulk steps."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.pages import is_htmx, page_user
from roots.orders import selectors, services
from roots.orders.lifecycles import ORDER, ORDER_STAFF
from roots.orders.views.common import PAGE_SIZE
from roots.org.models import User

logger = logging.getLogger(__name__)

# --- the order desk ------------------------------------------------------------------------
DESK_LABELS = {
    "confirm": gettext_lazy("To confirm"),
    "allocate": gettext_lazy("To allocate"),
    "ship": gettext_lazy("To ship"),
    "transit": gettext_lazy("In transit"),
}


def _desk_user(request: HttpRequest) -> User:
    user = page_user(request)
    if user.role not in ORDER_STAFF:
        raise PermissionDenied(
            _("The order desk is for account managers, branch managers and headquarters.")
        )
    return user


# The action each tab's orders wait for, taken on the selected rows at once.
DESK_BULK = {"confirm": "confirm", "allocate": "allocate", "ship": "ship"}
BULK_LABELS = {
    "confirm": (gettext_lazy("Confirm selected"), "ti-checks"),
    "allocate": (gettext_lazy("Allocate selected"), "ti-packages"),
    "ship": (gettext_lazy("Ship selected"), "ti-truck-delivery"),
}
MAX_BULK = 100


@dataclass
class BulkOutcome:
    """What a bulk action did: the orders that took the step, and those that did not with
    the reason each was refused."""

    action: str
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


# The step that each tab's orders wait for (who may take it decides whose work they are).
DESK_STEPS = {"confirm": "confirm", "allocate": "allocate", "ship": "ship", "transit": "deliver"}


def _desk_tab(user: User, counts: dict[str, int], wanted: str | None) -> str:
    """The tab to show: the one asked for while it has work for the user, else the first
    tab with work for the user (review D16), else the one asked for. Work is an order
    waiting for a step the user's role may take (an account manager does not allocate)."""

    def has_work(key: str) -> bool:
        return bool(counts.get(key)) and user.role in (services.STEPS[DESK_STEPS[key]].roles or ())

    if wanted is not None and wanted in counts and has_work(wanted):
        return wanted
    for key, _status in selectors.DESK_TABS:
        if has_work(key):
            return key
    return wanted if wanted in counts else "confirm"


def desk_response(
    request: HttpRequest,
    user: User,
    tab: str | None,
    *,
    follow_work: bool = True,
    bulk: BulkOutcome | None = None,
    status: int = 200,
) -> HttpResponse:
    """The desk on `tab`; with `follow_work` a tab without work gives way to the first tab
    that has some (after an action, or when the desk opens without a tab)."""
    counts = selectors.order_desk_counts(user=user)
    statuses = dict(selectors.DESK_TABS)
    if follow_work or tab not in statuses:
        tab = _desk_tab(user, counts, tab)
    if tab is None:
        raise AssertionError("tab is not None")
    orders = (
        selectors.order_list(user=user)
        .filter(status=statuses[tab])
        .select_related("custom_order")
        .order_by("submitted_at", "id")
    )
    paginator = Paginator(orders, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    bulk_action = DESK_BULK.get(tab)
    rows = []
    for order in page.object_list:
        actions = services.order_actions(user=user, order=order)
        rows.append(
            {
                "order": order,
                "buttons": ORDER.buttons(actions),
                "selectable": bulk_action is not None and bulk_action in actions,
            }
        )
    bulk_button = None
    if bulk_action and any(row["selectable"] for row in rows):
        label, icon = BULK_LABELS[bulk_action]
        bulk_button = {"action": bulk_action, "label": str(label), "icon": icon}
    context = {
        "tab": tab,
        "tabs": [
            {"key": key, "label": DESK_LABELS[key], "count": counts[key]}
            for key, _status in selectors.DESK_TABS
        ],
        "rows": rows,
        "bulk_button": bulk_button,
        "bulk": bulk,
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "today": timezone.localdate(),
    }
    template = "orders/_desk.html" if is_htmx(request) else "orders/order_desk.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    if request.method == "POST" and is_htmx(request):
        # The address bar follows the tab the desk moved to.
        response["HX-Replace-Url"] = f"{reverse('order-desk')}?tab={tab}"
    return response


@login_required
def order_desk(request: HttpRequest) -> HttpResponse:
    """The staff order desk: orders to confirm, allocate, ship and in transit, in the user's
    scope, oldest first, with one-click actions and bulk actions on the selected rows. It
    opens on the first tab that has work; a tab chosen in the address stays."""
    user = _desk_user(request)
    tab = request.GET.get("tab")
    return desk_response(request, user, tab, follow_work=not tab)


def _bulk_transition(*, user: User, action: str, picked: list[str]) -> BulkOutcome:
    """Take `action` on each picked order (`number@version`), each through the service in a
    transaction of its own: one refusal does not undo the others."""
    outcome = BulkOutcome(action=action)
    wanted: list[tuple[str, int | None]] = []
    for value in picked:
        number, _sep, given = value.strip().partition("@")
        wanted.append((number[:16], int(given) if given.isdigit() else None))
    orders = {
        order.number: order
        for order in selectors.order_list(user=user)
        .select_related("custom_order")
        .filter(number__in=[number for number, _v in wanted])
    }
    for number, expected in wanted:
        order = orders.get(number)
        if order is None:
            outcome.failed.append((number, _("No such order in your scope.")))
            continue
        try:
            services.order_transition(
                user=user, order=order, action=action, expected_version=expected
            )
        except (ConflictError, PreconditionFailedError, PermissionDenied) as exc:
            outcome.failed.append((number, str(exc) or _("You may not do this.")))
        except ValidationError as exc:
            outcome.failed.append((number, " ".join(exc.messages)))
        except Http404:
            outcome.failed.append((number, _("No such order in your scope.")))
        except DatabaseError:
            logger.exception("bulk %s of %s failed", action, number)
            outcome.failed.append((number, _("The database was busy; try this order again.")))
        else:
            outcome.done.append(number)
    return outcome


@login_required
@require_POST
def order_desk_bulk(request: HttpRequest) -> HttpResponse:
    """The tab's step (confirm, allocate, ship) on the selected orders; answers with the desk
    and, per order, whether it took the step or why not. Never a 500 for a refusal."""
    user = _desk_user(request)
    tab = request.POST.get("tab", "")
    action = DESK_BULK.get(tab)
    if action is None:
        messages.error(request, _("This tab has no bulk action."))
        return desk_response(request, user, tab, status=400)
    if user.role not in (services.STEPS[action].roles or ()):
        messages.error(request, _("Only the branch manager or headquarters may do this."))
        return desk_response(request, user, tab, status=403)
    picked = list(dict.fromkeys(v for v in request.POST.getlist("order") if v.strip()))
    if not picked:
        messages.warning(request, _("Select at least one order."))
        return desk_response(request, user, tab, status=400)
    if len(picked) > MAX_BULK:
        messages.error(request, _("At most %(n)s orders at once.") % {"n": MAX_BULK})
        return desk_response(request, user, tab, status=400)
    outcome = _bulk_transition(user=user, action=action, picked=picked)
    return desk_response(request, user, tab, bulk=outcome)
