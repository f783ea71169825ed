"""Pages of the OEC daily board (日清): `/daily/` (a user's list for a day, with the steps
done / carry over / reopen and own tasks, all by htmx with plain-form fallbacks) and
`/daily/team/` (clearing rates of a team over the last 14 days, for branch managers and
headquarters)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from roots.core.exceptions import ConflictError, add_service_errors
from roots.core.export import Column, xlsx_response
from roots.core.pages import is_htmx, page_user, render_page, scoped_object_or_404
from roots.core.throttling import cost_throttled
from roots.org.models import Role, User
from roots.sales.daily import selectors, services
from roots.sales.daily.lifecycles import DAILY_ITEM, OWNER_ONLY, REASON_MAX
from roots.sales.models import DailyItem


class TaskForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Task"), max_length=services.TITLE_MAX, strip=True)
    detail = forms.CharField(
        label=gettext_lazy("Detail"), max_length=services.DETAIL_MAX, required=False, strip=True
    )


class CarryForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it not cleared today?"),
        max_length=REASON_MAX,
        strip=True,
    )


def _require_board(user: User) -> None:
    if not selectors.has_board(user):
        raise PermissionDenied(_("The daily board is for our staff."))


def _parse_day(raw: str | None, default: datetime.date) -> datetime.date:
    if not raw:
        return default
    try:
        day = datetime.date.fromisoformat(raw[:10])
    except ValueError:
        return default
    return day if datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31) else default


def _board_context(
    request: HttpRequest,
    *,
    owner: User,
    day: datetime.date,
    carrying: int | None = None,
    carry_form: CarryForm | None = None,
    task_form: TaskForm | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    user = page_user(request)
    today = selectors.board_today()
    board = selectors.daily_board(user=user, owner=owner, day=day)
    editable = owner.pk == user.pk and day >= today
    return {
        "board": board,
        "owner": owner,
        "own": owner.pk == user.pk,
        "day": day,
        "today": today,
        "is_today": day == today,
        "editable": editable,
        "carrying": carrying if editable else None,
        "carry_form": carry_form or CarryForm(),
        "task_form": task_form or TaskForm(),
        "error": error,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "owner_query": "" if owner.pk == user.pk else owner.username,
        "is_manager": selectors.is_team_manager(user),
    }


def _render_board(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render_page(
        request, "sales/daily_board.html", "sales/_daily_board.html", context, status=status
    )


def _board_url(day: datetime.date | None = None) -> str:
    url = reverse("daily-board")
    if day is not None and day != selectors.board_today():
        url += "?" + urlencode({"day": day.isoformat()})
    return url


@login_required
def daily_board(request: HttpRequest) -> HttpResponse:
    """A user's list for a day: their own (today's is built on first opening), or for a
    branch manager or headquarters a team member's (`?user=`, read-only). `?day=` looks at
    another day (past days are read-only); `?carry=<id>` opens an item's carry-over form
    (without JavaScript)."""
    user = page_user(request)
    _require_board(user)
    today = selectors.board_today()
    day = _parse_day(request.GET.get("day"), today)
    owner = selectors.board_owner(user=user, username=request.GET.get("user"))
    if owner is None:
        raise Http404
    if owner.pk == user.pk and day == today:
        services.daily_board_ensure(user=user, day=day)
    carrying = request.GET.get("carry", "")
    context = _board_context(
        request, owner=owner, day=day, carrying=int(carrying) if carrying.isdigit() else None
    )
    return _render_board(request, context)


def _own_item(request: HttpRequest, pk: int) -> DailyItem:
    return scoped_object_or_404(selectors.daily_item_list(user=page_user(request)), request, pk=pk)


def _done_message(step: str, item: DailyItem) -> str:
    if step == "done":
        return _("Cleared: %(title)s") % {"title": item.get_title_display()}
    if step == "carry":
        return _("Carried over to tomorrow: %(title)s") % {"title": item.get_title_display()}
    return _("Reopened: %(title)s") % {"title": item.get_title_display()}


@login_required
@require_http_methods(["GET", "POST"])
def daily_item_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step on an item of one's own board: done, carry (GET shows the reason form,
    POST carries; the reason is required: 400) or reopen. Another user's item in scope (a
    branch manager reading a team member's board) is 403, a past day's item 409, an item
    out of scope 404. htmx gets the board back; a plain form goes back to the page."""
    if step not in DAILY_ITEM.steps:
        raise Http404
    user = page_user(request)
    _require_board(user)
    item = _own_item(request, pk)
    if item.user_id != user.pk:
        raise PermissionDenied(str(OWNER_ONLY))
    if request.method == "GET":
        if step != "carry":
            raise Http404
        return _render_board(
            request, _board_context(request, owner=user, day=item.day, carrying=item.pk)
        )
    carry_form = CarryForm(request.POST) if step == "carry" else None
    try:
        if carry_form is None or carry_form.is_valid():
            data = carry_form.cleaned_data if carry_form is not None else {}
            DAILY_ITEM.take(user=user, obj=item, step=step, data=data)
    except ValidationError as exc:
        if carry_form is None:  # only carrying takes input
            raise
        add_service_errors(carry_form, exc)
    except ConflictError as exc:
        context = _board_context(request, owner=user, day=item.day, error=str(exc))
        return _render_board(request, context, status=409)
    if carry_form is not None and carry_form.errors:
        context = _board_context(
            request, owner=user, day=item.day, carrying=item.pk, carry_form=carry_form
        )
        return _render_board(request, context, status=400)
    if is_htmx(request):
        return _render_board(request, _board_context(request, owner=user, day=item.day))
    messages.success(request, _done_message(step, item))
    return redirect(_board_url(item.day))


class BulkForm(forms.Form):
    step = forms.ChoiceField(choices=[(s, s) for s in services.BULK_STEPS])
    items = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    reason = forms.CharField(max_length=REASON_MAX, required=False, strip=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any whole number may be named; whether it is one's own item is looked up after.
        raw = self.data.getlist("items") if hasattr(self.data, "getlist") else []
        field = self.fields["items"]
        if isinstance(field, forms.TypedMultipleChoiceField):
            field.choices = [(v, v) for v in raw if str(v).isdigit()]


def _bulk_summary(step: str, result: services.BulkResult) -> str:
    changed = len(result["changed"])
    if step == "done":
        text = _("%(count)s items cleared.") % {"count": changed}
    else:
        text = _("%(count)s items carried over to tomorrow.") % {"count": changed}
    if result["skipped"]:
        text += " " + _("%(count)s skipped: %(reasons)s") % {
            "count": len(result["skipped"]),
            "reasons": "; ".join(
                f"{item.get_title_display()} ({why})" for item, why in result["skipped"]
            ),
        }
    return text


@login_required
@require_POST
def daily_bulk(request: HttpRequest) -> HttpResponse:
    """Several items of one's own board at once: done, or carried over with one reason for
    all (`items` = ids, `step`, `reason`). Every id must be an item of one's own board
    (else 404, and nothing changes); each item is then its own transaction, and the answer
    sums up what changed and what was skipped (done already, ...)."""
    user = page_user(request)
    _require_board(user)
    today = selectors.board_today()
    form = BulkForm(request.POST)
    if not form.is_valid():
        if "items" in form.errors and any(
            not str(v).isdigit() for v in request.POST.getlist("items")
        ):
            raise Http404
        context = _board_context(
            request,
            owner=user,
            day=today,
            error=" ".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return _render_board(request, context, status=400)
    ids = set(form.cleaned_data["items"])
    items = list(
        selectors.daily_item_list(user=user).filter(pk__in=ids, user=user).order_by("day", "pk")
    )
    if len(items) != len(ids):
        raise Http404  # an id that is not an item of one's own board: nothing changes
    step = form.cleaned_data["step"]
    try:
        result = services.daily_items_bulk(
            user=user, items=items, step=step, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        bound = CarryForm(request.POST) if step == "carry" else None
        context = _board_context(
            request,
            owner=user,
            day=today,
            error=" ".join(exc.messages),
            carry_form=bound,
        )
        context["bulk_reason_error"] = step == "carry"
        return _render_board(request, context, status=400)
    summary = _bulk_summary(step, result)
    if is_htmx(request):
        context = _board_context(request, owner=user, day=today)
        context["notice"] = summary
        return _render_board(request, context)
    messages.success(request, summary)
    return redirect(_board_url())


@login_required
@require_POST
def daily_add(request: HttpRequest) -> HttpResponse:
    """Add an own task to today's board (400 with the form's errors)."""
    user = page_user(request)
    _require_board(user)
    form = TaskForm(request.POST)
    today = selectors.board_today()
    if form.is_valid():
        try:
            services.daily_item_add(
                user=user, title=form.cleaned_data["title"], detail=form.cleaned_data["detail"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        context = _board_context(request, owner=user, day=today, task_form=form)
        return _render_board(request, context, status=400)
    if is_htmx(request):
        return _render_board(request, _board_context(request, owner=user, day=today))
    messages.success(request, _("Task added."))
    return redirect(_board_url())


@login_required
@require_POST
def daily_refresh(request: HttpRequest) -> HttpResponse:
    """Look at one's work again: add what came up since the board was built."""
    user = page_user(request)
    _require_board(user)
    today = selectors.board_today()
    result = services.daily_board_build(user=user, day=today)
    if is_htmx(request):
        return _render_board(request, _board_context(request, owner=user, day=today))
    messages.success(
        request,
        _("%(count)s new items on your board.") % {"count": result["added"] + result["carried_in"]},
    )
    return redirect(_board_url())


def _team_chart(view: selectors.TeamView) -> dict[str, Any]:
    # Today is not over: its point stays off the line (its label says so).
    return {
        "title": _("Team's daily clearing rate"),
        "series": _("Clearing rate"),
        "labels": [
            formats.date_format(cell.day, "SHORT_DATE_FORMAT")
            + (" " + _("(in progress)") if cell.in_progress else "")
            for cell in view.team
        ],
        "rates": [None if cell.in_progress else cell.percent for cell in view.team],
        "target": round(selectors.TARGET_RATE * 100),
        "items": [cell.items for cell in view.team],
        "done": [cell.done for cell in view.team],
        "items_label": _("Items"),
        "done_label": _("Done"),
    }


def _team(request: HttpRequest) -> selectors.TeamView:
    user = page_user(request)
    _require_board(user)
    if not selectors.is_team_manager(user):
        raise PermissionDenied(_("The team view is for branch managers and headquarters."))
    today = selectors.board_today()
    view = selectors.team_view(user=user, today=today, branch_code=request.GET.get("branch"))
    if view is None:
        raise Http404
    return view


@login_required
def daily_team(request: HttpRequest) -> HttpResponse:
    """Clearing rates of the last 14 days: a branch manager's branch staff; headquarters
    per branch, and one branch's staff with `?branch=` (`-`: staff without a branch).
    Today is shown as in progress and left out of the period's rates."""
    user = page_user(request)
    view = _team(request)
    today = selectors.board_today()
    context = {
        "view": view,
        "chart": _team_chart(view),
        "today": today,
        "is_hq": user.role == Role.HQ_ADMIN,
        "no_branch_code": selectors.NO_BRANCH,
        "target_percent": round(selectors.TARGET_RATE * 100),
        "meets_target": view.meets_target,
    }
    return render(request, "sales/daily_team.html", context)


@login_required
@cost_throttled
def daily_team_export(request: HttpRequest) -> HttpResponse:
    """The team table as an XLSX workbook: one row per person (or branch) and day, with
    items, done items and the rate (today marked as in progress)."""
    view = _team(request)
    rows = [(row, cell) for row in view.rows for cell in row.days]
    columns = [
        Column(_("Branch") if view.by_branch else _("Name"), lambda r: r[0].label, 18),
        Column(
            _("Code") if view.by_branch else _("Username"),
            lambda r: r[0].link if view.by_branch else r[0].username,
            12,
        ),
        Column(_("Day"), lambda r: r[1].day, 11),
        Column(_("Items"), lambda r: r[1].items, 8, "number"),
        Column(_("Done"), lambda r: r[1].done, 8, "number"),
        Column(_("Clearing rate"), lambda r: r[1].rate, 10, "percent"),
        Column(_("In progress"), lambda r: r[1].in_progress, 10),
    ]
    name = "team-clearing-rate"
    if view.branch is not None:
        name += f"-{view.branch.code}"
    return xlsx_response(name=name, sheet=_("Team clearing rate"), columns=columns, rows=rows)
