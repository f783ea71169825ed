"""Pages of the sales pipeline: the board (kanban of the six steps, forecast), opportunities,
leads, activities, the priority matrix and the potential-customer worksheet, and the sales
tab of the customer 360 page (`customer_sales_tab`).

Only the roles that sell (account managers, branch managers, headquarters) have these
pages: the others get 403. A record outside the user's scope is 404; a step the user may
not take on a record in scope is 403; a step not possible in the record's state is 409.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.selectors import history_entries
from roots.customers.models import Customer, Priority
from roots.org.models import Branch, Role, User
from roots.sales import policies, selectors, services
from roots.sales.filters import LeadFilter, OpportunityFilter
from roots.sales.forms import (
    ActivityForm,
    AssessmentForm,
    CompleteForm,
    ConvertForm,
    DisqualifyForm,
    LeadForm,
    MoveForm,
    OpportunityForm,
    ReopenForm,
)
from roots.sales.models import (
    CLOSED_STAGES,
    OPEN_STAGES,
    STAGE_PROBABILITY,
    Activity,
    ActivityStatus,
    Lead,
    LeadStatus,
    LostReason,
    Opportunity,
    PotentialAssessment,
    Stage,
)

PAGE_SIZE = 25
ACTIVITY_ROWS = 100
DETAIL_ROWS = 50
FORECAST_PAST = 2
FORECAST_MONTHS = 6
PRIORITY_COLOURS = {"A+": "#d63939", "A": "#f76707", "B": "#f59f00", "C": "#868e96"}


# --- helpers -----------------------------------------------------------------------------------
def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _pipeline_user(request: HttpRequest) -> User:
    user = _user(request)
    if not policies.works_pipeline(user):
        raise PermissionDenied(_("The sales pipeline is not part of your work."))
    return user


def _require_manager(user: User, record: Any) -> None:
    if not policies.can_manage(user, record):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters change it."))


def _is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def _render(
    request: HttpRequest, full: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """One view, two renderings: the page, or its fragment for htmx."""
    response = render(request, fragment if _is_htmx(request) else full, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except (TypeError, ValueError):
        return None


def _by_code(queryset: QuerySet[Any], code: str) -> Any:
    if "\x00" in code or len(code) > 20:  # no record has such a code (PostgreSQL refuses NUL)
        raise Http404
    return get_object_or_404(queryset, code=code)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _page(request: HttpRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


def _mark(user: User, rows: list[Activity]) -> list[Activity]:
    """What the activity rows show: whether the user may act on each, whether it is late."""
    now = timezone.now()
    for activity in rows:
        activity.can_manage = policies.can_manage(user, activity)  # type: ignore[attr-defined]
        activity.overdue = (  # type: ignore[attr-defined]
            activity.status == ActivityStatus.PLANNED and activity.planned_at < now
        )
    return rows


def _month_label(day: Any) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


# --- filters of the board, the lists and the matrix ----------------------------------------------
def _scope_filters(user: User, params: QueryDict, *, mine_by_default: bool) -> dict[str, Any]:
    """The owner (and, for headquarters, branch) a page narrows to. Account managers see
    their own by default (`owner=all` for everything in their scope); branch managers and
    headquarters pick an owner of their scope."""
    branch = None
    if user.role == Role.HQ_ADMIN:
        code = (params.get("branch") or "")[:10]
        branch = Branch.objects.filter(code=code).first() if code else None
    choices = selectors.owner_choices(user=user, branch=branch)
    wanted = (params.get("owner") or "")[:150]
    owner: User | None = None
    if wanted and wanted != "all":
        owner = choices.filter(username=wanted).first()
    elif not wanted and mine_by_default and user.role == Role.ACCOUNT_MANAGER:
        owner = user
    return {
        "owner": owner,
        "branch": branch,
        "owner_value": owner.username if owner else ("all" if wanted == "all" else ""),
        "branch_value": branch.code if branch else "",
        "owner_choices": list(choices) if user.role != Role.ACCOUNT_MANAGER else [],
        "branches": list(Branch.objects.order_by("code")) if user.role == Role.HQ_ADMIN else [],
        "is_account_manager": user.role == Role.ACCOUNT_MANAGER,
    }


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
            card.can_move = policies.can_manage(user, card)  # type: ignore[attr-defined]
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
    return _render(request, "sales/board.html", "sales/_board.html", context)


# --- opportunities -------------------------------------------------------------------------------
OPPORTUNITY_SORTS = ("close_date", "expected_value", "code", "stage_changed_at", "name")


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
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
    context = {
        **filters,
        **_page(request, rows.order_by(sort, "pk")),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "sort": sort,
        "stages": Stage.choices,
        "filtered": any(request.GET.get(n) for n in ("q", "owner", "branch", *filterset.filters)),
    }
    return _render(request, "sales/opportunity_list.html", "sales/_opportunity_table.html", context)


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
        "reopen_form": (reopen_form or ReopenForm()) if manage and closed else None,
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


def _prefill(user: User, request: HttpRequest) -> dict[str, Any]:
    """The customer, lead or opportunity named in the query string (`?customer=C000123`),
    if the user may see it."""
    found: dict[str, Any] = {}
    sources: dict[str, QuerySet[Any]] = {
        "customer": selectors.assessable_customers(user=user),
        "lead": selectors.lead_list(user=user),
        "opportunity": selectors.opportunity_list(user=user),
    }
    for name, queryset in sources.items():
        code = (request.GET.get(name) or "")[:12]
        if code and "\x00" not in code:
            found[name] = queryset.filter(code=code).first()
    return {k: v for k, v in found.items() if v is not None}


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
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not form.errors:
            try:
                created = services.opportunity_create(user=user, data=data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Opportunity %(code)s opened.") % {"code": created.code}
                )
                return redirect(
                    _safe_next(request) or reverse("opportunity-detail", args=[created.code])
                )
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": _safe_next(request) or "", "editing": None}
    return render(request, "sales/opportunity_form.html", context, status=status)


@login_required
def opportunity_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    opportunity = _get_opportunity(user, code)
    if not policies.can_manage(user, opportunity):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters edit it."))
    form = OpportunityForm(request.POST or None, user=user, instance=opportunity)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(
                user=user,
                opportunity=opportunity,
                data=form.service_data(),
                expected_version=_posted_version(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except (ConflictError, PreconditionFailedError) as exc:
            form.add_error(None, str(exc))
            status = 409 if isinstance(exc, ConflictError) else 412
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("opportunity-detail", code=opportunity.code)
    context = {"form": form, "editing": opportunity, "version": opportunity.version}
    return render(request, "sales/opportunity_form.html", context, status=status)


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
    status, error = 400, None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.opportunity_move(
                user=user,
                opportunity=opportunity,
                stage=data["stage"],
                lost_reason=data.get("lost_reason") or "",
                lost_note=data.get("lost_note") or "",
                version=_posted_version(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            error = _error_text(exc)
        except (ConflictError, PreconditionFailedError) as exc:
            error = str(exc)
            status = 409 if isinstance(exc, ConflictError) else 412
        else:
            status = 200
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    notice = None
    if status == 200:
        notice = _("%(name)s: %(stage)s.") % {
            "name": opportunity.name,
            "stage": opportunity.get_stage_display(),
        }
    if _is_htmx(request) and request.POST.get("from") == "board":
        context = _board_context(user, _board_params(request), error=error, notice=notice)
        response = render(request, "sales/_board.html", context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response
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
    status, error = 400, None
    if form.is_valid():
        try:
            services.opportunity_reopen(
                user=user,
                opportunity=opportunity,
                stage=form.cleaned_data.get("stage") or Stage.NEGOTIATION,
                expected_version=_posted_version(request),
            )
        except ValidationError as exc:
            error = _error_text(exc)
        except (ConflictError, PreconditionFailedError) as exc:
            error = str(exc)
            status = 409 if isinstance(exc, ConflictError) else 412
        else:
            messages.success(request, _("Opportunity reopened."))
            return redirect("opportunity-detail", code=code)
    fresh = _get_opportunity(user, code)
    context = _opportunity_context(user, fresh, reopen_form=form, error=error)
    return render(request, "sales/opportunity_detail.html", context, status=status)


# --- leads ---------------------------------------------------------------------------------------
@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
    filters = _scope_filters(user, request.GET, mine_by_default=True)
    queryset = selectors.lead_list(user=user, search=request.GET.get("q"))
    if filters["owner"] is not None:
        queryset = queryset.filter(owner=filters["owner"])
    if filters["branch"] is not None:
        queryset = queryset.filter(branch=filters["branch"])
    params = request.GET.copy()
    for name in ("search", "owner", "branch"):
        params.pop(name, None)
    if params.get("open") == "any":
        params.pop("open")
        open_value = "any"
    elif "open" not in params and "status" not in params:
        params["open"] = open_value = "true"
    else:
        open_value = params.get("open") or "any"
    filterset = LeadFilter(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    context = {
        **filters,
        **_page(request, rows.order_by("-created_at", "-pk")),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "open_value": open_value,
        "filtered": any(request.GET.get(n) for n in ("q", "owner", "branch", *filterset.filters)),
    }
    return _render(request, "sales/lead_list.html", "sales/_lead_table.html", context)


def _get_lead(user: User, code: str) -> Lead:
    return _by_code(selectors.lead_list(user=user), code)


def _lead_context(
    user: User, lead: Lead, *, disqualify_form: DisqualifyForm | None = None, error: str = ""
) -> dict[str, Any]:
    manage = policies.can_manage(user, lead)
    open_ = lead.status in services.OPEN_LEAD_STATUSES
    return {
        "lead": lead,
        "can_manage": manage,
        "is_open": open_,
        "can_qualify": manage and lead.status in (LeadStatus.NEW, LeadStatus.WORKING),
        "disqualify_form": (disqualify_form or DisqualifyForm()) if manage and open_ else None,
        "opportunities": list(
            selectors.opportunity_list(user=user).filter(lead=lead).order_by("close_date", "pk")
        ),
        "activities": _mark(
            user,
            list(
                selectors.activity_list(user=user)
                .filter(lead=lead)
                .order_by("-planned_at", "-pk")[:DETAIL_ROWS]
            ),
        ),
        "history": history_entries(instance=lead),
        "page_error": error,
    }


@login_required
def lead_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    return render(request, "sales/lead_detail.html", _lead_context(user, lead))


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
    form = LeadForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.lead_create(user=user, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Lead %(code)s recorded.") % {"code": lead.code})
            return redirect("lead-detail", code=lead.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "sales/lead_form.html", {"form": form, "editing": None}, status=status)


@login_required
def lead_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    if not policies.can_manage(user, lead):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters edit it."))
    form = LeadForm(request.POST or None, user=user, instance=lead)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(
                user=user,
                lead=lead,
                data=form.service_data(),
                expected_version=_posted_version(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except (ConflictError, PreconditionFailedError) as exc:
            form.add_error(None, str(exc))
            status = 409 if isinstance(exc, ConflictError) else 412
        else:
            messages.success(request, _("Lead saved."))
            return redirect("lead-detail", code=lead.code)
    context = {"form": form, "editing": lead, "version": lead.version}
    return render(request, "sales/lead_form.html", context, status=status)


@login_required
@require_POST
def lead_qualify(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    _require_manager(user, lead)
    try:
        services.lead_qualify(user=user, lead=lead, expected_version=_posted_version(request))
    except (ConflictError, PreconditionFailedError) as exc:
        status = 409 if isinstance(exc, ConflictError) else 412
        context = _lead_context(user, _get_lead(user, code), error=str(exc))
        return render(request, "sales/lead_detail.html", context, status=status)
    messages.success(request, _("Lead qualified."))
    return redirect("lead-detail", code=code)


@login_required
@require_POST
def lead_disqualify(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    _require_manager(user, lead)
    form = DisqualifyForm(request.POST)
    status, error = 400, ""
    if form.is_valid():
        try:
            services.lead_disqualify(
                user=user,
                lead=lead,
                reason=form.cleaned_data["reason"],
                expected_version=_posted_version(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except (ConflictError, PreconditionFailedError) as exc:
            error = str(exc)
            status = 409 if isinstance(exc, ConflictError) else 412
        else:
            messages.success(request, _("Lead disqualified."))
            return redirect("lead-detail", code=code)
    context = _lead_context(user, _get_lead(user, code), disqualify_form=form, error=error)
    return render(request, "sales/lead_detail.html", context, status=status)


@login_required
def lead_convert(request: HttpRequest, code: str) -> HttpResponse:
    """Convert a lead: a new customer (a prospect in the customer master) or an existing
    one of the lead's branch, optionally with an opportunity."""
    from roots.customers.selectors import customer_similar

    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    if not policies.can_manage(user, lead):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters convert it."))
    if lead.status not in services.OPEN_LEAD_STATUSES:
        messages.warning(request, _("This lead is closed."))
        return redirect("lead-detail", code=code)
    form = ConvertForm(request.POST or None, user=user, lead=lead)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if not form.errors:
            try:
                services.lead_convert(
                    user=user, lead=lead, expected_version=_posted_version(request), **kwargs
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except (ConflictError, PreconditionFailedError) as exc:
                form.add_error(None, str(exc))
                status = 409 if isinstance(exc, ConflictError) else 412
            else:
                lead.refresh_from_db()
                messages.success(
                    request,
                    _("Lead converted: customer %(code)s.") % {"code": lead.customer.code}  # type: ignore[union-attr]
                    if lead.customer
                    else _("Lead converted."),
                )
                return redirect("customer-detail", code=lead.customer.code)  # type: ignore[union-attr]
    context = {
        "lead": lead,
        "form": form,
        "similar": customer_similar(user=user, name=lead.company_name),
    }
    return render(request, "sales/lead_convert.html", context, status=status)


# --- activities ----------------------------------------------------------------------------------
@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    """My planned activities (overdue first) and the latest done ones; branch managers and
    headquarters look at an owner of their scope (or all); a form logs a visit or a call."""
    user = _pipeline_user(request)
    params = request.GET.copy()
    if user.role == Role.BRANCH_MANAGER and "owner" not in params:
        params["owner"] = user.username  # their own by default, like an account manager
    filters = _scope_filters(user, params, mine_by_default=True)
    rows = selectors.activity_list(user=user)
    if filters["owner"] is not None:
        rows = rows.filter(owner=filters["owner"])
    if filters["branch"] is not None:
        rows = rows.filter(branch=filters["branch"])
    now = timezone.now()
    planned = list(
        rows.filter(status=ActivityStatus.PLANNED).order_by("planned_at", "pk")[:ACTIVITY_ROWS]
    )
    _mark(user, planned)
    done = _mark(
        user,
        list(rows.filter(status=ActivityStatus.DONE).order_by("-done_at", "-pk")[:ACTIVITY_ROWS]),
    )
    context = {
        **filters,
        "planned": planned,
        "done": done,
        "overdue": sum(1 for a in planned if getattr(a, "overdue", False)),
        "form": ActivityForm(user=user, initial={"planned_at": timezone.localtime(now)}),
        "row_limit": ACTIVITY_ROWS,
    }
    return render(request, "sales/activity_list.html", context)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
    prefill = _prefill(user, request)
    initial = {"planned_at": timezone.localtime(timezone.now())}
    form = ActivityForm(
        request.POST or None,
        user=user,
        initial=initial,
        customer=prefill.get("customer"),
        lead=prefill.get("lead"),
        opportunity=prefill.get("opportunity"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not form.errors:
            try:
                if form.logs_done:
                    services.activity_log(user=user, data=data)
                else:
                    services.activity_plan(user=user, data=data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Activity logged.") if form.logs_done else _("Activity planned.")
                )
                return redirect(_safe_next(request) or reverse("activity-list"))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "prefill": prefill, "next": _safe_next(request) or "", "editing": None}
    return render(request, "sales/activity_form.html", context, status=status)


def _get_activity(user: User, pk: int) -> Activity:
    return get_object_or_404(selectors.activity_list(user=user), pk=pk)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _pipeline_user(request)
    activity = _get_activity(user, pk)
    if not policies.can_manage(user, activity):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters edit it."))
    form = ActivityForm(request.POST or None, user=user, instance=activity)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                user=user,
                activity=activity,
                data=form.service_data(),
                expected_version=_posted_version(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except (ConflictError, PreconditionFailedError) as exc:
            form.add_error(None, str(exc))
            status = 409 if isinstance(exc, ConflictError) else 412
        else:
            messages.success(request, _("Activity saved."))
            return redirect(_safe_next(request) or reverse("activity-list"))
    context = {
        "form": form,
        "editing": activity,
        "version": activity.version,
        "next": _safe_next(request) or "",
    }
    return render(request, "sales/activity_form.html", context, status=status)


def _activity_context(
    user: User, activity: Activity, *, complete_form: CompleteForm | None = None, error: str = ""
) -> dict[str, Any]:
    manage = policies.can_manage(user, activity)
    planned = activity.status == ActivityStatus.PLANNED
    return {
        "activity": activity,
        "can_manage": manage,
        "complete_form": (complete_form or CompleteForm()) if manage and planned else None,
        "can_cancel": manage and planned,
        "overdue": planned and activity.planned_at < timezone.now(),
        "history": history_entries(instance=activity),
        "page_error": error,
    }


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _pipeline_user(request)
    activity = _get_activity(user, pk)
    return render(request, "sales/activity_detail.html", _activity_context(user, activity))


@login_required
@require_POST
def activity_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_step(request, pk, "complete")


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_step(request, pk, "cancel")


def _activity_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Complete (with the outcome) or cancel a planned activity, then back to where the
    form was (`next`). A refused step shows the activity's page with the reason: 400 bad
    input, 409 not planned any more, 412 changed meanwhile."""
    user = _pipeline_user(request)
    activity = _get_activity(user, pk)
    if not policies.can_manage(user, activity):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters change it."))
    form = CompleteForm(request.POST) if step == "complete" else None
    status, error = 400, ""
    try:
        if form is not None:
            if form.is_valid():
                services.activity_complete(
                    user=user,
                    activity=activity,
                    outcome=form.cleaned_data["outcome"],
                    expected_version=_posted_version(request),
                )
        else:
            services.activity_cancel(
                user=user, activity=activity, expected_version=_posted_version(request)
            )
    except ValidationError as exc:
        if form is not None:
            _add_errors(form, exc)
        error = _error_text(exc)
    except (ConflictError, PreconditionFailedError) as exc:
        error = str(exc)
        status = 409 if isinstance(exc, ConflictError) else 412
    else:
        if form is None or not form.errors:
            messages.success(
                request, _("Activity done.") if step == "complete" else _("Activity cancelled.")
            )
            return redirect(_safe_next(request) or reverse("activity-detail", args=[pk]))
    context = _activity_context(user, _get_activity(user, pk), complete_form=form, error=error)
    return render(request, "sales/activity_detail.html", context, status=status)


# --- the priority matrix and the worksheet -------------------------------------------------------
def _matrix_chart(points: list[selectors.MatrixPoint]) -> dict[str, Any]:
    return {
        "title": _("Priority matrix"),
        "thresholds": {
            "score": services.POTENTIAL_HIGH_SCORE,
            "share": float(services.CURRENT_HIGH_SHARE * 100),
        },
        "labels": {
            "score": _("Score (potential)"),
            "share": _("Share of the potential we already get, per cent"),
            "current": _("Current yearly revenue (CNY)"),
            "potential": _("Potential yearly revenue (CNY)"),
            "matrix": _("Score × share"),
            "revenue": _("Current × potential revenue"),
        },
        "colours": PRIORITY_COLOURS,
        "priorities": [p.value for p in Priority],
        "items": [
            {
                "code": p.customer,
                "name": p.name,
                "current": float(p.current_revenue),
                "potential": float(p.potential_revenue),
                "score": p.score,
                "share": round(p.share, 1) if p.share is not None else None,
                "priority": p.priority,
            }
            for p in points
        ],
    }


@login_required
def priority_matrix(request: HttpRequest) -> HttpResponse:
    """The customers' current assessments on the A+/A/B/C matrix (a chart and a table)."""
    user = _pipeline_user(request)
    filters = _scope_filters(user, request.GET, mine_by_default=False)
    priority = request.GET.get("priority") or None
    if priority not in Priority.values:
        priority = None
    kwargs = {"owner": filters["owner"], "branch": filters["branch"], "priority": priority}
    points = selectors.matrix_points(user=user, **kwargs)
    rows = selectors.latest_assessments(user=user, **kwargs).order_by("-score", "customer__code")
    counts = {p.value: 0 for p in Priority}
    for point in points:
        counts[point.priority] += 1
    context = {
        **filters,
        **_page(request, rows),
        "priority": priority or "",
        "priorities": Priority.values,
        "counts": counts,
        "count_a_plus": counts[Priority.A_PLUS],
        "chart": _matrix_chart(points),
        "potential_high": services.POTENTIAL_HIGH_SCORE,
        "current_high": f"{int(services.CURRENT_HIGH_SHARE * 100)}%",
    }
    return _render(request, "sales/matrix.html", "sales/_matrix_table.html", context)


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    """The potential-customer worksheet of a customer (`?customer=<code>`); without one, a
    list of the user's customers to choose from."""
    user = _pipeline_user(request)
    code = (request.GET.get("customer") or "")[:12]
    customers = selectors.assessable_customers(user=user)
    if not code:
        context = {"customers": customers.order_by("code")[:300], "choose": True}
        return render(request, "sales/assessment_form.html", context)
    customer = _by_code(customers, code)
    if not policies.can_sell_to(user, customer):  # pragma: no cover - scope equals the policy
        raise PermissionDenied
    form = AssessmentForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                user=user, customer=customer, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Assessment saved: score %(score)s, priority %(priority)s.")
                % {"score": assessment.score, "priority": assessment.priority},
            )
            return redirect("assessment-detail", pk=assessment.pk)
    current = selectors.customer_current_revenue(user=user, customer=customer)
    context = {
        "customer": customer,
        "form": form,
        "current_revenue": current,
        "latest": selectors.latest_assessment(user=user, customer=customer),
        "preview": {
            "current": float(current),
            "threshold_score": services.POTENTIAL_HIGH_SCORE,
            "threshold_share": float(services.CURRENT_HIGH_SHARE),
            "max_total": services.SCORE_MAX_TOTAL,
            "fields": list(services.SCORE_FIELDS),
        },
        "potential_high": services.POTENTIAL_HIGH_SCORE,
        "current_high": f"{int(services.CURRENT_HIGH_SHARE * 100)}%",
    }
    return render(request, "sales/assessment_form.html", context, status=status)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _pipeline_user(request)
    assessment: PotentialAssessment = get_object_or_404(selectors.assessment_list(user=user), pk=pk)
    earlier = list(
        selectors.assessment_list(user=user)
        .filter(customer=assessment.customer)
        .exclude(pk=assessment.pk)
        .order_by("-created_at", "-pk")[:10]
    )
    scores = [
        {"label": AssessmentForm.base_fields[name].label, "value": getattr(assessment, name)}
        for name in services.SCORE_FIELDS
    ]
    share = (
        f"{assessment.current_revenue / assessment.potential_revenue * 100:.0f}%"
        if assessment.potential_revenue
        else None
    )
    context = {
        "assessment": assessment,
        "scores": scores,
        "share": share,
        "earlier": earlier,
        "potential_high": services.POTENTIAL_HIGH_SCORE,
        "current_high": f"{int(services.CURRENT_HIGH_SHARE * 100)}%",
        "is_current": not any(e.created_at > assessment.created_at for e in earlier),
    }
    return render(request, "sales/assessment_detail.html", context)


# --- the customer 360 tab ------------------------------------------------------------------------
def customer_sales_tab(user: User, customer: Customer) -> dict[str, Any]:
    """The sales tab of the customer 360 page (`sales/_customer_tab.html`): planned and
    recent activities, open opportunities, the latest assessment. Five queries. Roles
    without a pipeline get an empty tab."""
    if not policies.works_pipeline(user):
        return {"sales_visible": False}
    activities = selectors.customer_activities(user=user, customer=customer)
    _mark(user, activities.planned)
    _mark(user, activities.recent)
    opportunities = list(
        selectors.opportunity_list(user=user)
        .filter(customer=customer, stage__in=OPEN_STAGES)
        .order_by("close_date", "pk")[:DETAIL_ROWS]
    )
    return {
        "sales_visible": True,
        "sales_planned": activities.planned,
        "sales_recent": activities.recent,
        "sales_opportunities": opportunities,
        "sales_pipeline_value": sum((o.expected_value for o in opportunities), start=0),
        "sales_assessment": selectors.latest_assessment(user=user, customer=customer),
        "sales_can_sell": policies.can_sell_to(user, customer),
        "stage_probability": STAGE_PROBABILITY,
    }
