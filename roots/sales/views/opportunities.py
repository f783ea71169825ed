"""Opportunities: the list, the page, and the create and edit forms."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.export import Column, xlsx_response
from roots.core.pages import posted_version, render_page
from roots.core.selectors import history_entries
from roots.core.throttling import cost_throttled
from roots.org.models import User
from roots.sales import policies, selectors, services
from roots.sales.filters import OpportunityFilter
from roots.sales.forms import MoveForm, OpportunityForm, ReopenForm
from roots.sales.lifecycles import OPPORTUNITY
from roots.sales.models import CLOSED_STAGES, OPEN_STAGES, LostReason, Opportunity, Stage
from roots.sales.views.common import (
    DETAIL_ROWS,
    _by_code,
    _mark,
    _page,
    _pipeline_user,
    _prefill,
    _safe_next,
    _scope_filters,
    submit_form,
)

# --- opportunities -------------------------------------------------------------------------------
OPPORTUNITY_SORTS = ("close_date", "expected_value", "code", "stage_changed_at", "name")


def _opportunity_rows(request: HttpRequest, user: User) -> dict[str, Any]:
    """The list's rows (scoped, searched, filtered, sorted; the page and its export share
    them) with the filters' state."""
    filters = _scope_filters(user, request.GET, mine_by_default=True)
    queryset = selectors.opportunity_list(user=user, search=request.GET.get("q"))
    params = request.GET.copy()
    for name in ("search", "owner", "branch"):
        params.pop(name, None)
    if filters["owner"] is not None:
        queryset = queryset.filter(owner=filters["owner"])
    if filters["branch"] is not None:
        queryset = queryset.filter(branch=filters["branch"])
    filterset = OpportunityFilter(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    sort = request.GET.get("sort", "close_date")
    if sort.lstrip("-") not in OPPORTUNITY_SORTS:
        sort = "close_date"
    return {**filters, "rows": rows.order_by(sort, "pk"), "filterset": filterset, "sort": sort}


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
    found = _opportunity_rows(request, user)
    rows = found.pop("rows")
    context = {
        **found,
        **_page(request, rows),
        "q": request.GET.get("q", ""),
        "stages": Stage.choices,
        "filtered": any(
            request.GET.get(n) for n in ("q", "owner", "branch", *found["filterset"].filters)
        ),
    }
    return render_page(
        request, "sales/opportunity_list.html", "sales/_opportunity_table.html", context
    )


@login_required
@cost_throttled
def opportunity_export(request: HttpRequest) -> HttpResponse:
    """The filtered opportunity list as an XLSX workbook (the same scope, search, filters
    and order)."""
    user = _pipeline_user(request)
    rows = _opportunity_rows(request, user)["rows"]
    columns = [
        Column(_("Code"), lambda r: r.code, 12),
        Column(_("Name"), lambda r: r.name, 30),
        Column(_("Customer code"), lambda r: r.customer.code if r.customer_id else "", 11),
        Column(
            _("Customer or lead"),
            lambda r: (
                r.customer.name if r.customer_id else (r.lead.company_name if r.lead_id else "")
            ),
            28,
        ),
        Column(_("Branch"), lambda r: r.branch.name, 16),
        Column(_("Owner"), lambda r: r.owner.display_name if r.owner_id else "", 12),
        Column(_("Stage"), lambda r: r.get_stage_display(), 12),
        Column(_("Expected value (CNY)"), lambda r: r.expected_value, 16, "money"),
        Column(_("Probability (%)"), lambda r: r.effective_probability, 10, "number"),
        Column(_("Expected close date"), lambda r: r.close_date, 13),
        Column(_("Next step"), lambda r: r.next_step, 30),
        Column(_("Reason lost"), lambda r: r.get_lost_reason_display(), 14),
    ]
    return xlsx_response(name="opportunities", sheet=_("Opportunities"), columns=columns, rows=rows)


def _get_opportunity(user: User, code: str) -> Opportunity:
    return _by_code(
        selectors.opportunity_list(user=user).select_related("customer__account_manager"), code
    )


def _stage_path(opportunity: Opportunity) -> list[dict[str, Any]]:
    """The six steps, each done, current or to do; the outcome at the end."""
    current = opportunity.stage
    index = OPEN_STAGES.index(current) if current in OPEN_STAGES else len(OPEN_STAGES)
    path = [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "state": "done" if i < index else "current" if i == index else "todo",
        }
        for i, stage in enumerate(OPEN_STAGES)
    ]
    outcome = Stage(current).label if current in CLOSED_STAGES else _("Won or lost")
    path.append(
        {
            "stage": current if current in CLOSED_STAGES else "outcome",
            "label": outcome,
            "state": "current" if current in CLOSED_STAGES else "todo",
        }
    )
    return path


def _opportunity_context(
    user: User,
    opportunity: Opportunity,
    *,
    move_form: MoveForm | None = None,
    reopen_form: ReopenForm | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    manage = policies.can_manage(user, opportunity)
    actions = OPPORTUNITY.actions(user, opportunity)
    closed = opportunity.stage in CLOSED_STAGES
    activities = _mark(
        user,
        list(
            selectors.activity_list(user=user)
            .filter(opportunity=opportunity)
            .order_by("-planned_at", "-pk")[:DETAIL_ROWS]
        ),
    )
    return {
        "opportunity": opportunity,
        "path": _stage_path(opportunity),
        "closed": closed,
        "overdue": not closed and opportunity.close_date < timezone.localdate(),
        "can_manage": manage,
        "move_stages": [
            (s, Stage(s).label) for s in (*OPEN_STAGES, Stage.WON) if s != opportunity.stage
        ],
        "lost_reasons": LostReason.choices,
        "move_form": move_form or MoveForm(),
        "reopen_form": (reopen_form or ReopenForm()) if "reopen" in actions else None,
        "weighted": (opportunity.expected_value * opportunity.effective_probability / 100).quantize(
            selectors.CENT
        ),
        "activities": activities,
        "history": history_entries(instance=opportunity),
        "page_error": error,
    }


@login_required
def opportunity_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    opportunity = _get_opportunity(user, code)
    context = _opportunity_context(user, opportunity)
    return render(request, "sales/opportunity_detail.html", context)


@login_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
    prefill = _prefill(user, request)
    form = OpportunityForm(
        request.POST or None,
        user=user,
        customer=prefill.get("customer"),
        lead=prefill.get("lead"),
    )
    done, status = submit_form(
        request,
        form,
        lambda data: services.opportunity_create(user=user, data=data),
        message=lambda created: _("Opportunity %(code)s opened.") % {"code": created.code},
        success_url=lambda created: (
            _safe_next(request) or reverse("opportunity-detail", args=[created.code])
        ),
    )
    if done is not None:
        return done
    context = {"form": form, "next": _safe_next(request) or "", "editing": None}
    return render(request, "sales/opportunity_form.html", context, status=status)


@login_required
def opportunity_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    opportunity = _get_opportunity(user, code)
    if not policies.can_manage(user, opportunity):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters edit it."))
    form = OpportunityForm(request.POST or None, user=user, instance=opportunity)
    done, status = submit_form(
        request,
        form,
        lambda data: services.opportunity_update(
            user=user,
            opportunity=opportunity,
            data=data,
            expected_version=posted_version(request),
        ),
        message=_("Opportunity saved."),
        success_url=reverse("opportunity-detail", args=[opportunity.code]),
    )
    if done is not None:
        return done
    context = {"form": form, "editing": opportunity, "version": opportunity.version}
    return render(request, "sales/opportunity_form.html", context, status=status)
