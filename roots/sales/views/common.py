"""Helpers shared by the sales pipeline pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError, PreconditionFailedError, add_service_errors
from roots.core.http import safe_next
from roots.core.pages import page_user, run_service
from roots.org.models import Branch, Role, User
from roots.org.people import label_people
from roots.sales import policies, selectors
from roots.sales.models import Activity, ActivityStatus

PAGE_SIZE = 25
ACTIVITY_ROWS = 100
DETAIL_ROWS = 50


# --- helpers -----------------------------------------------------------------------------------
def _pipeline_user(request: HttpRequest) -> User:
    user = page_user(request)
    if not policies.works_pipeline(user):
        raise PermissionDenied(_("The sales pipeline is not part of your work."))
    return user


def _require_manager(user: User, record: Any) -> None:
    if not policies.can_manage(user, record):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters change it."))


def _safe_next(request: HttpRequest) -> str | None:
    return safe_next(request, "") or None


def _by_code(queryset: QuerySet[Any], code: str) -> Any:
    if "\x00" in code or len(code) > 20:  # no record has such a code (PostgreSQL refuses NUL)
        raise Http404
    return get_object_or_404(queryset, code=code)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


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
        # Two people of the same name are told apart by their branch (label_people).
        "owner_choices": label_people(choices) if user.role != Role.ACCOUNT_MANAGER else [],
        "branches": list(Branch.objects.order_by("code")) if user.role == Role.HQ_ADMIN else [],
        "is_account_manager": user.role == Role.ACCOUNT_MANAGER,
    }


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


def submit_form(
    request: HttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    message: str | Callable[[Any], str],
    success_url: str | Callable[[Any], str],
    data: Callable[[], dict[str, Any]] | None = None,
) -> tuple[HttpResponse | None, int]:
    """The POST half of a create or edit form: the form's data (`form.service_data()` unless
    said) goes to `save` (a service call); on success a message and a redirect (both may
    depend on what `save` returned). Otherwise no response and the status to render the form
    with: 200 on GET, 400 bad input (service errors land on the form's fields), 409 not
    possible in the record's state, 412 changed meanwhile (both as a non-field error)."""
    if request.method != "POST":
        return None, 200
    if not form.is_valid():
        return None, 400
    values = (data or form.service_data)()
    if form.errors:
        return None, 400
    saved, status = run_service(form, lambda: save(values))
    if status != 200:
        return None, status
    messages.success(request, message(saved) if callable(message) else message)
    return redirect(success_url(saved) if callable(success_url) else success_url), status


def _attempt(call: Callable[[], Any], *, form: forms.Form | None = None) -> tuple[int, str]:
    """Run the service call of a step (move, reopen, disqualify, complete, cancel): 200 and
    no reason when it went through; otherwise the status and the reason to show: 400 refused
    input (its errors also on `form`, if given), 409 not possible in the record's state, 412
    changed meanwhile."""
    try:
        call()
    except ValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
        return 400, _error_text(exc)
    except (ConflictError, PreconditionFailedError) as exc:
        return (409 if isinstance(exc, ConflictError) else 412), str(exc)
    return 200, ""
