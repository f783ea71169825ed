"""Activities: the list, the page, the forms, and completing or cancelling one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.selectors import history_entries
from roots.org.models import Role, User
from roots.sales import policies, selectors, services
from roots.sales.forms import ActivityForm, CompleteForm
from roots.sales.models import Activity, ActivityStatus
from roots.sales.views.common import (
    ACTIVITY_ROWS,
    _attempt,
    _mark,
    _pipeline_user,
    _posted_version,
    _prefill,
    _safe_next,
    _scope_filters,
    submit_form,
)


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
            expected_version=_posted_version(request),
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
    if form is None:
        status, error = _attempt(
            lambda: services.activity_cancel(
                user=user, activity=activity, expected_version=_posted_version(request)
            )
        )
    elif form.is_valid():
        status, error = _attempt(
            lambda: services.activity_complete(
                user=user,
                activity=activity,
                outcome=form.cleaned_data["outcome"],
                expected_version=_posted_version(request),
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
