"""Complaint pages: the scoped list with SLA clocks, the new-complaint form (also posted from
the portal home), and the complaint page with its thread and the forms of each role."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.export import Column, xlsx_response
from roots.core.http import safe_next
from roots.core.pages import is_htmx, page_user, posted_version, render_page, run_service
from roots.core.throttling import cost_throttled
from roots.customers.selectors import customer_list
from roots.org.models import Role, User
from roots.service import policies, selectors, services
from roots.service.filters import ComplaintFilter
from roots.service.forms import (
    AssignForm,
    CloseForm,
    ComplaintForm,
    MessageForm,
    ReopenForm,
    ResolveForm,
)
from roots.service.lifecycles import COMPLAINT
from roots.service.models import Complaint, ComplaintStatus, Severity, sla_hours

PAGE_SIZE = 25
PORTAL_RECENT = 5


COMPLAINT_ROLES = (
    Role.HQ_ADMIN,
    Role.BRANCH_MANAGER,
    Role.ACCOUNT_MANAGER,
    Role.PRODUCT_MANAGER,
    Role.CUSTOMER_USER,
)


# --- list ------------------------------------------------------------------------------------
@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints in the user's scope, newest first, with their SLA clocks; an htmx request
    (filters, paging) gets the table only."""
    user = page_user(request)
    if not user.has_role(*COMPLAINT_ROLES):
        # Call agents, engineers and suppliers serve no channel customer.
        raise PermissionDenied(_("Complaints of channel customers are not part of your work."))
    rows, filterset = _complaint_rows(request, user)
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filterset": filterset,
        "q": request.GET.get("q", ""),
        "counts": selectors.complaint_counts(user=user),
        "show_customer": user.role != Role.CUSTOMER_USER,
        "can_raise": policies.may_raise_complaints(user),
        "filtered": any(request.GET.get(n) for n in ("q", *filterset.filters)),
    }
    return render_page(
        request, "service/complaint_list.html", "service/_complaint_table.html", context
    )


def _complaint_rows(request: HttpRequest, user: User) -> tuple[QuerySet[Complaint], Any]:
    """The list's rows (scoped, searched, filtered, newest first) and its FilterSet: the
    page and its export share them."""
    queryset = selectors.complaint_list(user=user, search=request.GET.get("q"))
    params = request.GET.copy()
    params.pop("search", None)
    filterset = ComplaintFilter(params, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    return rows.order_by("-raised_at", "-id"), filterset


@login_required
@cost_throttled
def complaint_export(request: HttpRequest) -> HttpResponse:
    """The filtered complaint list as an XLSX workbook (the same scope, search and filters)."""
    user = page_user(request)
    if not user.has_role(*COMPLAINT_ROLES):
        raise PermissionDenied(_("Complaints of channel customers are not part of your work."))
    rows, _filterset = _complaint_rows(request, user)

    def person(someone: Any) -> str:
        return someone.display_name if someone is not None else ""

    columns = [
        Column(_("Number"), lambda r: r.number, 13),
        Column(_("Subject"), lambda r: r.subject, 30),
        Column(_("Customer code"), lambda r: r.customer.code, 11),
        Column(_("Customer"), lambda r: r.customer.name, 28),
        Column(_("Outlet"), lambda r: r.outlet.name if r.outlet_id else "", 20),
        Column(_("Category"), lambda r: r.get_category_display(), 12),
        Column(_("Severity"), lambda r: r.get_severity_display(), 10),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Owner"), lambda r: person(r.owner), 12),
        Column(_("Raised by"), lambda r: person(r.raised_by), 12),
        Column(_("Raised at"), lambda r: r.raised_at, 17),
        Column(_("Response due"), lambda r: r.response_due, 17),
        Column(_("Resolution due"), lambda r: r.resolution_due, 17),
        Column(_("Resolved at"), lambda r: r.resolved_at, 17),
        Column(_("Resolved within SLA"), lambda r: r.resolved_within_sla, 10),
    ]
    return xlsx_response(name="complaints", sheet=_("Complaints"), columns=columns, rows=rows)


# --- new complaint ---------------------------------------------------------------------------
def portal_card_context(
    user: User, form: ComplaintForm | None = None, created: Complaint | None = None
) -> dict[str, Any]:
    """What the complaints card of the portal home shows: the form and the latest
    complaints of the company with their deadlines (two queries)."""
    return {
        "complaint_form": form or ComplaintForm(user=user),
        "recent_complaints": list(
            selectors.complaint_list(user=user).order_by("-raised_at", "-id")[:PORTAL_RECENT]
        ),
        "created_complaint": created,
        "complaint_sla": {
            "urgent": sla_hours(Severity.URGENT)["response"],
            "normal": sla_hours(Severity.NORMAL)["response"],
        },
    }


def _safe_next(request: HttpRequest) -> str | None:
    return safe_next(request, "") or None


@login_required
def complaint_create(request: HttpRequest) -> HttpResponse:
    """Raise a complaint. The portal home posts here too: by htmx it gets its complaints card
    back (with the new complaint and its deadline); without JavaScript it goes back home."""
    user = page_user(request)
    if not policies.may_raise_complaints(user):
        raise PermissionDenied(_("You may not raise complaints."))
    prefill = None
    code = request.GET.get("customer")
    if code:
        prefill = customer_list(user=user).filter(code=code[:12]).first()
    form = ComplaintForm(request.POST or None, user=user, customer=prefill)
    from_portal = request.POST.get("from") == "portal"
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not form.errors:
            try:
                created = services.complaint_raise(user=user, data=data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied:
                form.add_error("customer", _("You may not raise complaints for this customer."))
    if from_portal and is_htmx(request):
        fresh = ComplaintForm(user=user) if created else form
        response = render(
            request,
            "service/_portal_card.html",
            portal_card_context(user, fresh, created),
            status=200 if created or not form.errors else 400,
        )
        return response
    if created is not None:
        messages.success(
            request,
            _("Complaint %(number)s raised; we answer by %(due)s.")
            % {"number": created.number, "due": _local(created.response_due)},
        )
        return redirect(_safe_next(request) or reverse("complaint-detail", args=[created.number]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "service/complaint_form.html",
        {"form": form, "next": _safe_next(request) or ""},
        status=status,
    )


def _local(value: Any) -> str:
    from django.utils import formats, timezone

    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


# --- detail and actions ----------------------------------------------------------------------
# The forms of the complaint page: the thread's message (our staff's is the step `respond`),
# and one per step of `COMPLAINT` that the page offers.
FORMS: dict[str, type[forms.Form]] = {
    "message": MessageForm,
    "resolve": ResolveForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "assign": AssignForm,
}
ACTIONS = tuple(FORMS)


def _detail_context(
    user: User, complaint: Complaint, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    handle = policies.can_handle(user, complaint)
    complainant = policies.is_complainant(user, complaint)
    thread = list(selectors.complaint_thread(user=user, complaint=complaint))
    for entry in thread:
        # Bubbles of the reader's side (our staff, or the customer) sit on the right.
        author = entry.author
        entry.from_customer = author is not None and author.role == Role.CUSTOMER_USER  # type: ignore[attr-defined]
        entry.mine = entry.from_customer != user.is_staff_role  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "complaint": complaint,
        "thread": thread,
        "can_handle": handle,
        "is_complainant": complainant,
        "is_staff_view": user.is_staff_role,
    }
    if (handle or complainant) and complaint.status != ComplaintStatus.CLOSED:
        form = bound.get("message") or MessageForm()
        if not handle:
            del form.fields["internal"]
        context["message_form"] = form
    # The form of each step the user may take now (the declaration decides).
    for action in services.complaint_actions(user=user, complaint=complaint):
        if action == "assign":
            owners = selectors.complaint_owner_choices(user=user, complaint=complaint)
            context["assign_form"] = bound.get("assign") or AssignForm(
                owners=owners, initial={"owner": complaint.owner}
            )
        elif action in FORMS:
            context[f"{action}_form"] = bound.get(action) or FORMS[action]()
    return context


def _get_complaint(user: User, number: str) -> Complaint:
    if "\x00" in number:  # PostgreSQL refuses NUL in a parameter; no complaint has one
        raise Http404
    return get_object_or_404(selectors.complaint_detail_queryset(user=user), number=number[:16])


@login_required
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = page_user(request)
    complaint = _get_complaint(user, number)
    return render(request, "service/complaint_detail.html", _detail_context(user, complaint))


@login_required
@require_POST
def complaint_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One form of the complaint page: a message, or a step of `COMPLAINT` (resolve, close
    (confirm), reopen, assign) taken through `COMPLAINT.take`. Success goes back to the page;
    bad input shows the form again (400), a step that is not allowed now says why (409), a
    stale version too (412), a role that may not take it gets 403."""
    user = page_user(request)
    complaint = _get_complaint(user, number)
    if action not in FORMS:
        raise Http404
    form: forms.Form
    if action == "assign":
        form = AssignForm(
            request.POST, owners=selectors.complaint_owner_choices(user=user, complaint=complaint)
        )
    else:
        form = FORMS[action](request.POST)
    status = 400
    if form.is_valid():
        data, expected = form.cleaned_data, posted_version(request)
        _done, status = run_service(
            form,
            lambda: _run(action, user=user, complaint=complaint, data=data, expected=expected),
        )
        if status == 200:
            messages.success(request, _SUCCESS[action]())
            return redirect("complaint-detail", number=complaint.number)
    complaint = _get_complaint(user, number)
    context = _detail_context(user, complaint, {action: form})
    if f"{action}_form" not in context:  # the form is not offered now: say why at the top
        context["page_form"] = form
    return render(request, "service/complaint_detail.html", context, status=status)


_SUCCESS = {
    "message": lambda: _("Message sent."),
    "resolve": lambda: _("Complaint resolved; the customer is asked to confirm."),
    "close": lambda: _("Complaint closed."),
    "reopen": lambda: _("Complaint reopened."),
    "assign": lambda: _("Owner changed."),
}


def _run(
    action: str, *, user: User, complaint: Complaint, data: dict[str, Any], expected: int | None
) -> Any:
    if action == "message":
        return services.complaint_message_add(
            user=user,
            complaint=complaint,
            text=data["text"],
            internal=bool(data.get("internal")),
            expected_version=None,
        )
    return COMPLAINT.take(
        user=user, obj=complaint, step=action, data=data, expected_version=expected
    )
