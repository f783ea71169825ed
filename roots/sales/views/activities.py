"""Activities: the list, the page, the forms, and completing or cancelling one."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.export import Column, xlsx_response
from roots.core.pages import posted_version
from roots.core.selectors import history_entries
from roots.core.throttling import cost_throttled
from roots.org.models import Role, User
from roots.sales import policies, selectors, services
from roots.sales.daily.selectors import day_end, day_start
from roots.sales.forms import ActivityForm, CompleteForm
from roots.sales.lifecycles import ACTIVITY
from roots.sales.models import Activity, ActivityStatus
from roots.sales.views.common import (
    ACTIVITY_ROWS,
    PAGE_SIZE,
    _attempt,
    _mark,
    _pipeline_user,
    _prefill,
    _safe_next,
    _scope_filters,
    submit_form,
)

# --- activities ----------------------------------------------------------------------------------
WINDOW_MAX_DAYS = 366


def _parse_date(raw: str | None) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat((raw or "")[:10])
    except ValueError:
        return None
    return day if datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31) else None


def _window(params: QueryDict) -> tuple[datetime.date, datetime.date, bool]:
    """The date window of the list (`from`, `to`): this week (Monday to Sunday) by default;
    the end never before the start, the window at most a year. And whether `to` was given
    (planned activities past the window are shown only when it was not)."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    start = _parse_date(params.get("from")) or monday
    given_end = _parse_date(params.get("to"))
    end = given_end or max(start, monday) + datetime.timedelta(days=6)
    if end < start:
        end = start
    if (end - start).days > WINDOW_MAX_DAYS:
        end = start + datetime.timedelta(days=WINDOW_MAX_DAYS)
    return start, end, given_end is not None


def _activity_rows(request: HttpRequest, user: User) -> dict[str, Any]:
    """The activities of the page's owner filter and date window: planned ones (every
    overdue one, then those from the window's start on: up to its end when one is given,
    otherwise every upcoming one) and the ones done within the window."""
    params = request.GET.copy()
    if user.role == Role.BRANCH_MANAGER and "owner" not in params:
        params["owner"] = user.username  # their own by default, like an account manager
    filters = _scope_filters(user, params, mine_by_default=True)
    rows = selectors.activity_list(user=user)
    if filters["owner"] is not None:
        rows = rows.filter(owner=filters["owner"])
    if filters["branch"] is not None:
        rows = rows.filter(branch=filters["branch"])
    start, end, end_given = _window(params)
    now = timezone.now()
    since, until = day_start(start), day_end(end)
    planned = rows.filter(status=ActivityStatus.PLANNED).filter(
        Q(planned_at__lt=now) | Q(planned_at__gte=since)
    )
    if end_given:
        planned = planned.filter(Q(planned_at__lt=now) | Q(planned_at__lt=until))
    done = rows.filter(status=ActivityStatus.DONE, done_at__gte=since, done_at__lt=until)
    return {
        **filters,
        "planned_rows": planned.order_by("planned_at", "pk"),
        "done_rows": done.order_by("-done_at", "-pk"),
        "date_from": start,
        "date_to": end,
        "window_given": bool(params.get("from") or end_given),
    }


def _counted_page(request: HttpRequest, rows: QuerySet[Activity]) -> dict[str, Any]:
    """`_page` in one query: the page's rows carry the total (`COUNT(*) OVER ()`), so the
    page costs the same whether the window holds no row or many."""
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    counted = rows.annotate(total_rows=Window(Count("pk")))
    found = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    if found:
        total = found[0].total_rows  # type: ignore[attr-defined]
    else:
        total = rows.count() if number > 1 else 0
        if total:  # past the last page: show the last one
            number = (total - 1) // PAGE_SIZE + 1
            found = list(counted[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.__dict__["count"] = total  # the cached property, known already
    page = Page(found, number, paginator)
    return {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(number, on_each_side=2, on_ends=1),
    }


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    """My planned activities (overdue first) and those done in a date window (this week by
    default; paged); branch managers and headquarters look at an owner of their scope (or
    all); a form logs a visit or a call."""
    user = _pipeline_user(request)
    found = _activity_rows(request, user)
    planned = _mark(user, list(found.pop("planned_rows")[:ACTIVITY_ROWS]))
    paged = _counted_page(request, found.pop("done_rows"))
    _mark(user, list(paged["page"].object_list))
    now = timezone.now()
    context = {
        **found,
        **paged,
        "planned": planned,
        "done": paged["page"].object_list,
        "overdue": sum(1 for a in planned if getattr(a, "overdue", False)),
        "form": ActivityForm(user=user, initial={"planned_at": timezone.localtime(now)}),
        "row_limit": ACTIVITY_ROWS,
    }
    return render(request, "sales/activity_list.html", context)


@login_required
@cost_throttled
def activity_export(request: HttpRequest) -> HttpResponse:
    """The activities of the page (the same owner filter and window: planned, then done)
    as an XLSX workbook."""
    user = _pipeline_user(request)
    found = _activity_rows(request, user)

    def about(a: Activity) -> str:
        if a.customer is not None:
            return a.customer.name
        return a.lead.company_name if a.lead is not None else ""

    columns = [
        Column(_("Subject"), lambda a: a.subject, 28),
        Column(_("Kind"), lambda a: a.get_kind_display(), 8),
        Column(_("Status"), lambda a: a.get_status_display(), 8),
        Column(_("Planned for"), lambda a: a.planned_at, 17),
        Column(_("Done at"), lambda a: a.done_at, 17),
        Column(_("Customer code"), lambda a: a.customer.code if a.customer_id else "", 11),
        Column(_("Customer or lead"), about, 28),
        Column(_("Opportunity"), lambda a: a.opportunity.code if a.opportunity_id else "", 11),
        Column(_("Contact"), lambda a: a.contact.name if a.contact_id else "", 12),
        Column(_("Owner"), lambda a: a.owner.display_name, 12),
        Column(_("Outcome"), lambda a: a.outcome, 40),
    ]
    rows = itertools.chain(found["planned_rows"].iterator(), found["done_rows"].iterator())
    return xlsx_response(name="activities", sheet=_("Activities"), columns=columns, rows=rows)


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

    def save(data: dict[str, Any]) -> Activity:
        if form.logs_done:
            return services.activity_log(user=user, data=data)
        return services.activity_plan(user=user, data=data)

    done, status = submit_form(
        request,
        form,
        save,
        message=lambda _activity: (
            _("Activity logged.") if form.logs_done else _("Activity planned.")
        ),
        success_url=_safe_next(request) or reverse("activity-list"),
    )
    if done is not None:
        return done
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
    done, status = submit_form(
        request,
        form,
        lambda data: services.activity_update(
            user=user,
            activity=activity,
            data=data,
            expected_version=posted_version(request),
        ),
        message=_("Activity saved."),
        success_url=_safe_next(request) or reverse("activity-list"),
    )
    if done is not None:
        return done
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
    actions = ACTIVITY.actions(user, activity)
    planned = activity.status == ActivityStatus.PLANNED
    return {
        "activity": activity,
        "can_manage": policies.can_manage(user, activity),
        "complete_form": (complete_form or CompleteForm()) if "complete" in actions else None,
        "can_cancel": "cancel" in actions,
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
    if form is None:
        status, error = _attempt(
            lambda: services.activity_cancel(
                user=user, activity=activity, expected_version=posted_version(request)
            )
        )
    elif form.is_valid():
        status, error = _attempt(
            lambda: services.activity_complete(
                user=user,
                activity=activity,
                outcome=form.cleaned_data["outcome"],
                expected_version=posted_version(request),
            ),
            form=form,
        )
    if status == 200:
        messages.success(
            request, _("Activity done.") if step == "complete" else _("Activity cancelled.")
        )
        return redirect(_safe_next(request) or reverse("activity-detail", args=[pk]))
    context = _activity_context(user, _get_activity(user, pk), complete_form=form, error=error)
    return render(request, "sales/activity_detail.html", context, status=status)
