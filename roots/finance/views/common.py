"""Helpers shared by the finance pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from roots.core.exceptions import ConflictError, PreconditionFailedError
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
    user: User = request.user  # type: ignore[assignment]
    if not user.has_role(*FINANCE_ROLES):
        raise PermissionDenied(_("Customer accounts are not part of your work."))
    return user


def record_user(request: HttpRequest) -> User:
    """The signed-in user of a record's page: no role check, as the record is looked up in
    the user's scope and answers 404 outside it (for every role)."""
    return request.user  # type: ignore[return-value]


def posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def paginate(request: HttpRequest, rows: QuerySet[Any]) -> dict[str, Any]:
    paginator = Paginator(rows, PAGE_SIZE)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }


def list_response(
    request: HttpRequest, *, page_template: str, table_template: str, context: dict[str, Any]
) -> HttpResponse:
    """One view, two renderings: the whole page, or the table for an htmx request."""
    htmx = getattr(request, "htmx", None)
    template = table_template if htmx and not htmx.history_restore_request else page_template
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def run_service(form: forms.Form, call: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service for a valid form: answer (result, 200), or (None, status) with the
    service's complaint on the form (400 bad input, 409 not allowed now, 412 stale)."""
    try:
        return call(), 200
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return None, 400
    except ConflictError as exc:
        form.add_error(None, str(exc))
        return None, 409
    except PreconditionFailedError as exc:
        form.add_error(None, str(exc))
        return None, 412
