"""The pipeline board: the kanban of the six steps with the forecast, and the moves
(and reopening) of opportunities made on it or on their pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.pages import is_htmx, posted_version, render_page
from roots.org.models import User
from roots.sales import selectors, services
from roots.sales.forms import MoveForm, ReopenForm
from roots.sales.lifecycles import OPPORTUNITY
from roots.sales.models import OPEN_STAGES, LostReason, Stage
from roots.sales.views.common import (
    _attempt,
    _pipeline_user,
    _require_manager,
    _safe_next,
    _scope_filters,
)
from roots.sales.views.opportunities import _get_opportunity, _opportunity_context

FORECAST_PAST = 2
FORECAST_MONTHS = 6


def _month_label(day: Any) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


# --- the board -----------------------------------------------------------------------------------
def _forecast_chart(forecast: selectors.Forecast) -> dict[str, Any]:
    """The forecast chart's data (labels translated here): stacked weighted + the rest of the
    unweighted pipeline per month, and what was won beside it."""
    months = forecast.months
    return {
        "title": _("Forecast by close month"),
        "labels": [_month_label(m.month) for m in months],
        "names": {
            "weighted": _("Weighted"),
            "rest": _("Rest of the pipeline"),
            "won": _("Won"),
            "unweighted": _("Unweighted"),
        },
        "weighted": [float(m.weighted) for m in months],
        "rest": [float(m.unweighted - m.weighted) for m in months],
        "unweighted": [float(m.unweighted) for m in months],
        "won": [float(m.won) for m in months],
    }


def _board_context(
    user: User, params: QueryDict, *, error: str | None = None, notice: str | None = None
) -> dict[str, Any]:
    filters = _scope_filters(user, params, mine_by_default=True)
    board = selectors.pipeline_board(user=user, owner=filters["owner"], branch=filters["branch"])
    forecast = selectors.forecast_by_month(
        user=user,
        owner=filters["owner"],
        branch=filters["branch"],
        months=FORECAST_MONTHS,
        past=FORECAST_PAST,
    )
    for column in board.columns:
        for card in column.cards:
            card.can_move = "move" in OPPORTUNITY.actions(user, card)  # type: ignore[attr-defined]
    return {
        **filters,
        "board": board,
        "forecast": forecast,
        "forecast_chart": _forecast_chart(forecast),
        "move_stages": [(s, Stage(s).label) for s in (*OPEN_STAGES, Stage.WON)],
        "lost_reasons": LostReason.choices,
        "board_error": error,
        "board_notice": notice,
        "board_query": params.urlencode(),
    }


@login_required
def pipeline_board(request: HttpRequest) -> HttpResponse:
    """The pipeline as a kanban of the six steps with per-column totals, and the forecast
    by close month; htmx (filters, moves) gets the board region only."""
    user = _pipeline_user(request)
    context = _board_context(user, request.GET)
    return render_page(request, "sales/board.html", "sales/_board.html", context)


def _board_params(request: HttpRequest) -> QueryDict:
    """The filters of the board the move was made on (htmx sends the page's address)."""
    return QueryDict(urlsplit(request.headers.get("HX-Current-URL", "")).query)


@login_required
@require_POST
def opportunity_move(request: HttpRequest, code: str) -> HttpResponse:
    """Move an opportunity (a card of the board, or the buttons of its page). From the board
    by htmx the board region comes back, with the error if the move was refused; otherwise
    back to the page it came from. Bad input 400, not allowed now 409, stale 412."""
    user = _pipeline_user(request)
    opportunity = _get_opportunity(user, code)
    _require_manager(user, opportunity)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        status, error = _attempt(
            lambda: services.opportunity_move(
                user=user,
                opportunity=opportunity,
                stage=data["stage"],
                lost_reason=data.get("lost_reason") or "",
                lost_note=data.get("lost_note") or "",
                version=posted_version(request),
            ),
            form=form,
        )
    else:
        status = 400
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    notice = None
    if status == 200:
        notice = _("%(name)s: %(stage)s.") % {
            "name": opportunity.name,
            "stage": opportunity.get_stage_display(),
        }
    if is_htmx(request) and request.POST.get("from") == "board":
        context = _board_context(user, _board_params(request), error=error, notice=notice)
        return render_page(request, "sales/board.html", "sales/_board.html", context, status=status)
    if status == 200:
        messages.success(request, notice or "")
        return redirect(_safe_next(request) or reverse("opportunity-detail", args=[code]))
    fresh = _get_opportunity(user, code)
    context = _opportunity_context(user, fresh, move_form=form, error=error)
    return render(request, "sales/opportunity_detail.html", context, status=status)


@login_required
@require_POST
def opportunity_reopen(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    opportunity = _get_opportunity(user, code)
    _require_manager(user, opportunity)
    form = ReopenForm(request.POST)
    status, error = 400, ""
    if form.is_valid():
        status, error = _attempt(
            lambda: services.opportunity_reopen(
                user=user,
                opportunity=opportunity,
                stage=form.cleaned_data.get("stage") or Stage.NEGOTIATION,
                expected_version=posted_version(request),
            )
        )
        if status == 200:
            messages.success(request, _("Opportunity reopened."))
            return redirect("opportunity-detail", code=code)
    fresh = _get_opportunity(user, code)
    context = _opportunity_context(user, fresh, reopen_form=form, error=error)
    return render(request, "sales/opportunity_detail.html", context, status=status)
