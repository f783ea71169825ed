"""Leads: the list, the page, the forms, and qualifying, disqualifying and converting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roots.core.exceptions import ConflictError, PreconditionFailedError
from roots.core.export import Column, xlsx_response
from roots.core.pages import posted_version, render_page
from roots.core.selectors import history_entries
from roots.core.throttling import cost_throttled
from roots.org.models import User
from roots.sales import policies, selectors, services
from roots.sales.filters import LeadFilter
from roots.sales.forms import ConvertForm, DisqualifyForm, LeadForm
from roots.sales.lifecycles import LEAD
from roots.sales.models import OPEN_LEAD_STATUSES, Lead
from roots.sales.views.common import (
    DETAIL_ROWS,
    _attempt,
    _by_code,
    _mark,
    _page,
    _pipeline_user,
    _require_manager,
    _scope_filters,
    submit_form,
)


# --- leads ---------------------------------------------------------------------------------------
def _lead_rows(request: HttpRequest, user: User) -> dict[str, Any]:
    """The list's rows (scoped, searched, filtered; the page and its export share them)
    with the filters' state."""
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
    return {
        **filters,
        "rows": rows.order_by("-created_at", "-pk"),
        "filterset": filterset,
        "open_value": open_value,
    }


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    user = _pipeline_user(request)
    found = _lead_rows(request, user)
    rows = found.pop("rows")
    context = {
        **found,
        **_page(request, rows),
        "q": request.GET.get("q", ""),
        "filtered": any(
            request.GET.get(n) for n in ("q", "owner", "branch", *found["filterset"].filters)
        ),
    }
    return render_page(request, "sales/lead_list.html", "sales/_lead_table.html", context)


@login_required
@cost_throttled
def lead_export(request: HttpRequest) -> HttpResponse:
    """The filtered lead list as an XLSX workbook (the same scope, search and filters)."""
    user = _pipeline_user(request)
    rows = _lead_rows(request, user)["rows"]
    columns = [
        Column(_("Code"), lambda r: r.code, 12),
        Column(_("Company"), lambda r: r.company_name, 30),
        Column(_("Contact"), lambda r: r.contact_name, 12),
        Column(_("Phone"), lambda r: r.phone, 15),
        Column(_("Channel type"), lambda r: r.get_channel_type_display(), 14),
        Column(_("Province"), lambda r: r.province.name if r.province_id else "", 10),
        Column(_("City"), lambda r: r.city, 10),
        Column(_("Branch"), lambda r: r.branch.name, 16),
        Column(_("Owner"), lambda r: r.owner.display_name if r.owner_id else "", 12),
        Column(_("Source"), lambda r: r.get_source_display(), 12),
        Column(_("Status"), lambda r: r.get_status_display(), 10),
        Column(_("Estimated revenue (CNY)"), lambda r: r.estimated_revenue, 16, "money"),
        Column(_("Customer"), lambda r: r.customer.code if r.customer_id else "", 11),
        Column(_("Created at"), lambda r: r.created_at, 17),
    ]
    return xlsx_response(name="leads", sheet=_("Leads"), columns=columns, rows=rows)


def _get_lead(user: User, code: str) -> Lead:
    return _by_code(selectors.lead_list(user=user), code)


def _lead_context(
    user: User, lead: Lead, *, disqualify_form: DisqualifyForm | None = None, error: str = ""
) -> dict[str, Any]:
    actions = LEAD.actions(user, lead)
    return {
        "lead": lead,
        "can_manage": policies.can_manage(user, lead),
        "is_open": lead.status in OPEN_LEAD_STATUSES,
        "can_qualify": "qualify" in actions,
        "disqualify_form": (
            (disqualify_form or DisqualifyForm()) if "disqualify" in actions else None
        ),
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
    done, status = submit_form(
        request,
        form,
        lambda data: services.lead_create(user=user, data=data),
        message=lambda lead: _("Lead %(code)s recorded.") % {"code": lead.code},
        success_url=lambda lead: reverse("lead-detail", args=[lead.code]),
    )
    if done is not None:
        return done
    return render(request, "sales/lead_form.html", {"form": form, "editing": None}, status=status)


@login_required
def lead_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    if not policies.can_manage(user, lead):
        raise PermissionDenied(_("Only its owner, the branch manager or headquarters edit it."))
    form = LeadForm(request.POST or None, user=user, instance=lead)
    done, status = submit_form(
        request,
        form,
        lambda data: services.lead_update(
            user=user, lead=lead, data=data, expected_version=posted_version(request)
        ),
        message=_("Lead saved."),
        success_url=reverse("lead-detail", args=[lead.code]),
    )
    if done is not None:
        return done
    context = {"form": form, "editing": lead, "version": lead.version}
    return render(request, "sales/lead_form.html", context, status=status)


@login_required
@require_POST
def lead_qualify(request: HttpRequest, code: str) -> HttpResponse:
    user = _pipeline_user(request)
    lead = _get_lead(user, code)
    _require_manager(user, lead)
    try:
        services.lead_qualify(user=user, lead=lead, expected_version=posted_version(request))
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
        status, error = _attempt(
            lambda: services.lead_disqualify(
                user=user,
                lead=lead,
                reason=form.cleaned_data["reason"],
                expected_version=posted_version(request),
            ),
            form=form,
        )
        if status == 200:
            messages.success(request, _("Lead disqualified."))
            return redirect("lead-detail", code=code)
        if status == 400:
            error = ""  # the refused input is shown on the form's fields only
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
    if lead.status not in OPEN_LEAD_STATUSES:
        messages.warning(request, _("This lead is closed."))
        return redirect("lead-detail", code=code)
    form = ConvertForm(request.POST or None, user=user, lead=lead)

    def convert(kwargs: dict[str, Any]) -> Lead:
        services.lead_convert(
            user=user, lead=lead, expected_version=posted_version(request), **kwargs
        )
        lead.refresh_from_db()
        return lead

    done, status = submit_form(
        request,
        form,
        convert,
        data=form.service_kwargs,
        message=lambda converted: (
            _("Lead converted: customer %(code)s.") % {"code": converted.customer.code}
            if converted.customer
            else _("Lead converted.")
        ),
        success_url=lambda converted: reverse("customer-detail", args=[converted.customer.code]),
    )
    if done is not None:
        return done
    context = {
        "lead": lead,
        "form": form,
        "similar": customer_similar(user=user, name=lead.company_name),
    }
    return render(request, "sales/lead_convert.html", context, status=status)
