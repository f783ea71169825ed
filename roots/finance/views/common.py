"""Helpers shared by the finance pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from roots.core.lifecycle import Lifecycle
from roots.core.pages import page_user, posted_version, render_page
from roots.org.models import Role, User

PAGE_SIZE = 25
# Roles that work with customers' accounts: the staff who keep them, product managers
# (read-only) and the customers themselves.
FINANCE_ROLES = (
    Role.HQ_ADMIN,
    Role.BRANCH_MANAGER,
    Role.ACCOUNT_MANAGER,
    Role.PRODUCT_MANAGER,
    Role.CUSTOMER_USER,
)


def finance_user(request: HttpRequest) -> User:
    """The signed-in user, if finance is part of their work (403 otherwise)."""
    user = page_user(request)
    if not user.has_role(*FINANCE_ROLES):
        raise PermissionDenied(_("Customer accounts are not part of your work."))
    return user


def paginate(request: HttpRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    paginator = Paginator(rows, PAGE_SIZE)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


def filter_rows(
    request: HttpRequest, queryset: QuerySet[Any], filter_class: Any
) -> tuple[Any, QuerySet[Any]]:
    """The list page's FilterSet (`q` is the search box) and `queryset` narrowed by it;
    no rows when a filter is not valid. Lists and their exports answer the same rows."""
    params = request.GET.copy()
    if "q" in params:
        params["search"] = request.GET.get("q", "")
    filterset = filter_class(params, queryset=queryset, request=request)
    return filterset, filterset.qs if filterset.is_valid() else queryset.none()


def list_page(
    request: HttpRequest,
    user: User,
    queryset: QuerySet[Any],
    filter_class: Any,
    name: str,
    **extra: Any,
) -> HttpResponse:
    """A finance list page (`finance/<name>_list.html`, its table the htmx fragment): the
    scoped rows through the FilterSet, a page of them, and `extra` for the template."""
    filterset, rows = filter_rows(request, queryset, filter_class)
    context = {
        **paginate(request, rows),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "show_customer": user.role != Role.CUSTOMER_USER,
        "filtered": any(request.GET.get(n) for n in ("q", *filterset.filters)),
        **extra,
    }
    return render_page(request, f"finance/{name}_list.html", f"finance/_{name}_table.html", context)


def step_refusal_status(
    lifecycle: Lifecycle[Any], request: HttpRequest, obj: Any, action: str
) -> int:
    """The status to show the record's page again with, after `lifecycle.page_view` could
    not take the step `action` (it told the user why, as a message): the checks of
    `Lifecycle.take` in its order, on the record as the request found it. A refusal of the
    role or of the state is 409, a version the user did not see 412, else bad input 400.
    (`page_view` hands `respond` no more than `ok`; the finance pages have always answered
    a refusal with its status.)"""
    user = page_user(request)
    step = lifecycle.steps[action]
    if lifecycle.role_refusal(user, obj, step) is not None:
        return 409
    version = posted_version(request)
    if lifecycle.versioned and version is not None and version != obj.version:
        return 412
    if lifecycle.state_refusal(user, obj, step) is not None:
        return 409
    return 400
