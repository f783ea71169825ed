"""Customers: the list (htmx live search, filters, sorting), the XLSX export, the forms
with their duplicate warning, and the customer 360 page."""

from __future__ import annotations

import io
import json
from functools import partial
from typing import Any

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.core.http import safe_next
from roots.core.throttling import cost_throttled
from roots.customers import policies, selectors, services
from roots.customers.filters import CustomerFilter
from roots.customers.forms import CustomerForm
from roots.customers.models import Customer, Priority, Tier
from roots.customers.views.common import (
    request_user,
    sectioned,
    submit_edit,
)
from roots.org.models import User
from roots.org.people import label_people

PAGE_SIZE = 25
OUTLETS_ON_DETAIL = 100

CUSTOMER_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Basics"), ["name", "name_en", "channel_type", "status"]),
    (
        "ownership",
        gettext_lazy("Ownership & credit"),
        [
            "branch",
            "account_manager",
            "is_key_account",
            "tier",
            "priority",
            "credit_limit",
            "credit_rating",
            "payment_terms",
        ],
    ),
    (
        "profile",
        gettext_lazy("Profile"),
        [
            "legal_representative",
            "tax_id",
            "registered_capital",
            "founded_year",
            "joined_on",
            "employees",
            "store_count",
            "annual_revenue",
            "sales_area",
            "brands_carried",
            "main_competitors",
            "organisation",
            "marketing_model",
            "price_system",
            "product_structure",
        ],
    ),
    ("contact", gettext_lazy("Contact information"), ["address", "phone", "email", "website"]),
    # The shared note is read by the customer's own staff; the internal one is ours only.
    ("notes", gettext_lazy("Notes"), ["shared_notes", "notes"]),
]
_TIER_RANK = Case(
    *[When(tier=t.value, then=Value(i)) for i, t in enumerate(Tier)], output_field=IntegerField()
)
_PRIORITY_RANK = Case(
    *[When(priority=p.value, then=Value(i)) for i, p in enumerate(Priority)],
    output_field=IntegerField(),
)
# ?sort= keys of the list (a leading "-" reverses) and what they order by.
CUSTOMER_SORTS: dict[str, Any] = {
    "code": "code",
    "name": "name",
    "channel_type": "channel_type",
    "tier": _TIER_RANK,
    "priority": _PRIORITY_RANK,
    "credit_limit": "credit_limit",
    "branch": "branch__code",
    "account_manager": "account_manager__username",
    "status": "status",
    "updated_at": "updated_at",
}


# --- list and export -------------------------------------------------------------------------
def _filtered_customers(request: HttpRequest) -> tuple[QuerySet[Customer], CustomerFilter, str]:
    """The list's rows: scoped, searched (`q`), filtered (CustomerFilter) and sorted."""
    user = request_user(request)
    queryset = selectors.customer_list(user=user, search=request.GET.get("q"))
    params = request.GET.copy()
    params.pop("search", None)  # the list's search box is `q`
    filterset = CustomerFilter(params, queryset=queryset, request=request)
    sort = request.GET.get("sort") or "code"
    key = sort.removeprefix("-")
    if key not in CUSTOMER_SORTS:
        sort, key = "code", "code"
    order = CUSTOMER_SORTS[key]
    if isinstance(order, str):
        ordering: Any = f"-{order}" if sort.startswith("-") else order
    else:
        ordering = order.desc() if sort.startswith("-") else order.asc()
    return filterset.qs.order_by(ordering, "code"), filterset, sort


def _list_user(request: HttpRequest) -> User:
    user = request_user(request)
    if not policies.can_list_customers(user):
        raise PermissionDenied(_("Channel customers are not part of your work."))
    return user


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    """The customer list; an htmx request (live search, paging, sorting) gets the table only.
    Headquarters and branch managers select rows to give them to another account manager."""
    user = _list_user(request)
    customers, filterset, sort = _filtered_customers(request)
    paginator = Paginator(customers, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    choices = selectors.customer_filter_choices(user=user)
    # The account managers as the filter names them (with the branch where names repeat).
    labels = {m.pk: getattr(m, "label", m.display_name) for m in choices.account_managers}
    for customer in page.object_list:
        if customer.account_manager_id is not None:
            customer.manager_label = labels.get(customer.account_manager_id)  # type: ignore[attr-defined]
    can_reassign = policies.can_reassign_customers(user)
    context = {
        "page": page,
        "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filterset": filterset,
        "sort": sort,
        "q": request.GET.get("q", ""),
        "choices": choices,
        "can_reassign": can_reassign,
        "reassign_to": (
            label_people(selectors.reassign_candidates(user=user)) if can_reassign else []
        ),
        "can_create": policies.can_create_customer(user),
        "filtered": any(
            request.GET.get(name)
            for name in ("q", *(n for n in filterset.filters if n != "search"))
        ),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template = "customers/_customer_table.html"
    else:
        template = "customers/customer_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _label(field: str) -> str:
    return str(getattr(Customer._meta.get_field(field), "verbose_name", field))


@login_required
@require_POST
def customer_reassign(request: HttpRequest) -> HttpResponse:
    """Give the selected customers (`customers`: codes) to another account manager
    (`account_manager`: a username) of their branch. Every code must be a customer the user
    sees (else 404, and nothing changes); each customer is then its own transaction, and a
    message sums up what changed and what was skipped. Back to the list (`next`)."""
    user = _list_user(request)
    if not policies.can_reassign_customers(user):
        raise PermissionDenied(_("Only headquarters and branch managers reassign customers."))
    back = safe_next(request, reverse("customer-list"))
    codes = {code[:12] for code in request.POST.getlist("customers") if code}
    if any("\x00" in code for code in codes):
        raise Http404
    customers = list(selectors.customer_list(user=user).filter(code__in=codes).order_by("code"))
    if len(customers) != len(codes):
        raise Http404  # a customer out of the user's scope: nothing changes
    username = (request.POST.get("account_manager") or "")[:150]
    manager = (
        selectors.reassign_candidates(user=user).filter(username=username).first()
        if username and "\x00" not in username
        else None
    )
    if manager is None or not customers:
        messages.error(
            request,
            _("Choose an account manager of your branch.")
            if customers
            else _("Select at least one customer."),
        )
        response = customer_list(request)  # the list again, with the message: 400
        response.status_code = 400
        return response
    result = services.customers_reassign(user=user, customers=customers, account_manager=manager)
    if result["changed"]:
        messages.success(
            request,
            _("%(count)s customers given to %(name)s.")
            % {"count": len(result["changed"]), "name": manager.display_name},
        )
    if result["skipped"]:
        messages.warning(
            request,
            _("%(count)s skipped: %(reasons)s")
            % {
                "count": len(result["skipped"]),
                "reasons": "; ".join(f"{c.code} ({why})" for c, why in result["skipped"]),
            },
        )
    return redirect(back)


@login_required
@cost_throttled
def customer_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as an XLSX workbook (the same scope, search and filters)."""
    _list_user(request)
    customers, _filterset, _sort = _filtered_customers(request)
    columns: list[tuple[str, Any, int]] = [
        (_label("code"), lambda c: c.code, 11),
        (_label("name"), lambda c: c.name, 32),
        (_label("name_en"), lambda c: c.name_en, 28),
        (_label("channel_type"), lambda c: c.get_channel_type_display(), 16),
        (_label("branch"), lambda c: c.branch.name, 16),
        (_label("account_manager"), lambda c: c.account_manager or "", 14),
        (_label("tier"), lambda c: c.get_tier_display(), 10),
        (_label("priority"), lambda c: c.priority, 8),
        (_label("is_key_account"), lambda c: _("Yes") if c.is_key_account else _("No"), 8),
        (_label("credit_limit"), lambda c: c.credit_limit, 16),
        (_label("status"), lambda c: c.get_status_display(), 10),
        (_label("phone"), lambda c: c.phone, 16),
        (_label("address"), lambda c: c.address, 36),
    ]
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Customers")[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = workbook.add_format({"num_format": "#,##0.00"})
    for col, (title, _getter, width) in enumerate(columns):
        sheet.write_string(0, col, title, header)
        sheet.set_column(col, col, width)
    row = 0
    for row, customer in enumerate(customers.iterator(chunk_size=2000), start=1):
        for col, (_title, getter, _width) in enumerate(columns):
            value = getter(customer)
            if col == 9:
                sheet.write_number(row, col, float(value), money)
            else:
                sheet.write_string(row, col, str(value or ""))
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    workbook.close()
    filename = f"customers-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- customer forms ---------------------------------------------------------------------------
def _wire_duplicate_check(form: CustomerForm, *, user: User, exclude: str | None) -> None:
    """Typing the name asks the server for similar customers (htmx), shown under the field.
    Only staff who create customers get the check (it looks across every branch)."""
    if "name" not in form.fields or not policies.can_create_customer(user):
        return
    # A form shown again after an error checks at once; a fresh one waits for typing.
    trigger = "input changed delay:400ms" + (", load" if form.is_bound else "")
    attrs = {
        "hx-get": reverse("customer-similar"),
        "hx-trigger": trigger,
        "hx-target": "#similar-customers",
        "hx-sync": "this:replace",
        "autocomplete": "off",
    }
    if exclude:
        attrs["hx-vals"] = json.dumps({"exclude": exclude})
    form.fields["name"].widget.attrs.update(attrs)


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not policies.can_create_customer(user):
        raise PermissionDenied(_("You may not create customers."))
    form = CustomerForm(request.POST or None, user=user)
    _wire_duplicate_check(form, user=user, exclude=None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(user=user, data=form.changed_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Customer “%(name)s” created.") % {"name": customer.name})
            return redirect("customer-detail", code=customer.code)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "sections": sectioned(form, CUSTOMER_SECTIONS), "customer": None},
    )


@login_required
def customer_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a customer; the posted `version` detects an edit made meanwhile by someone else."""
    user = request_user(request)
    customer = get_object_or_404(selectors.customer_detail_queryset(user=user), code=code)
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer."))
    form = CustomerForm(request.POST or None, instance=customer, user=user)
    _wire_duplicate_check(form, user=user, exclude=customer.code)
    submission = submit_edit(
        request,
        form=form,
        current_version=customer.version,
        update=partial(services.customer_update, user=user, customer=customer),
        detail_url=reverse("customer-detail", args=[customer.code]),
        saved_message=_("Customer “%(name)s” saved.") % {"name": customer.name},
    )
    if submission.redirect:
        return submission.redirect
    return render(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "sections": sectioned(form, CUSTOMER_SECTIONS),
            "customer": customer,
            **submission.context(reverse("customer-edit", args=[customer.code])),
        },
        status=submission.status,
    )


@login_required
def customer_similar(request: HttpRequest) -> HttpResponse:
    """The duplicate warning under the name field: similar names in the user's scope (links)
    and how many similar customers exist outside it."""
    user = request_user(request)
    if not policies.can_create_customer(user):
        raise PermissionDenied
    exclude = request.GET.get("exclude") or None
    exclude_pk = None
    if exclude:
        exclude_pk = (
            selectors.customer_list(user=user)
            .filter(code=exclude)
            .values_list("pk", flat=True)
            .first()
        )
    similar = selectors.customer_similar(
        user=user, name=request.GET.get("name", "")[:200], exclude_pk=exclude_pk
    )
    return render(request, "customers/_similar.html", {"similar": similar})


# --- customer 360 ------------------------------------------------------------------------------
def _outlets_tab(user: User, customer: Customer) -> dict[str, Any]:
    outlets = list(
        selectors.outlet_list(user=user)
        .filter(customer=customer)
        .order_by("code")[:OUTLETS_ON_DETAIL]
    )
    points = [
        {
            "name": row["code"],
            "lng": float(row["longitude"] or 0),  # not null: filtered below
            "lat": float(row["latitude"] or 0),
            "label": f"{row['name']} · {row['city']}",
        }
        for row in selectors.outlet_list(user=user)
        .filter(customer=customer, latitude__isnull=False, longitude__isnull=False)
        .values("code", "name", "city", "longitude", "latitude")[:2000]
    ]
    return {"outlets": outlets, "outlet_points": {"title": _("Outlets"), "items": points}}


def _contacts_tab(user: User, customer: Customer) -> dict[str, Any]:
    return {"contacts": list(selectors.contact_list(user=user).filter(customer=customer))}


def _history_tab(user: User, customer: Customer) -> dict[str, Any]:
    return {"history": selectors.customer_history(user=user, customer=customer)}


# --- customer 360: the account tabs (orders, custom orders, balance, statements, complaints) --
TAB_ROWS = 50
BALANCE_ROWS = 20
STATEMENT_ROWS = 24


def _list_url(name: str, customer: Customer) -> str:
    """A list page filtered to the customer (`?customer=<code>`)."""
    return f"{reverse(name)}?customer={customer.code}"


def _orders_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.orders.selectors import order_list

    orders = list(
        order_list(user=user).filter(customer=customer).order_by("-submitted_at", "-id")[:TAB_ROWS]
    )
    for order in orders:
        order.link = reverse("order-detail", args=[order.number])  # type: ignore[attr-defined]
    return {"orders": orders, "orders_url": _list_url("order-list", customer)}


def _custom_orders_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.orders.custom_selectors import custom_order_list

    rows = list(
        custom_order_list(user=user)
        .filter(customer=customer)
        .order_by("-created_at", "-id")[:TAB_ROWS]
    )
    for row in rows:
        row.link = reverse("custom-order-detail", args=[row.number])  # type: ignore[attr-defined]
    return {"custom_orders": rows, "custom_orders_url": _list_url("custom-order-list", customer)}


def _balance_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.finance.selectors import account_summary, invoice_list, payment_list

    today = timezone.localdate()
    invoices = list(invoice_list(user=user).filter(customer=customer)[:BALANCE_ROWS])
    for invoice in invoices:
        invoice.link = reverse("invoice-detail", args=[invoice.number])  # type: ignore[attr-defined]
        invoice.overdue = invoice.is_overdue(today)  # type: ignore[attr-defined]
    return {
        "account": account_summary(customer=customer, today=today),
        "invoices": invoices,
        "payments": list(payment_list(user=user).filter(customer=customer)[:BALANCE_ROWS]),
        "invoices_url": _list_url("invoice-list", customer),
    }


def _statements_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.finance.selectors import statement_list

    rows = list(statement_list(user=user).filter(customer=customer)[:STATEMENT_ROWS])
    for row in rows:
        row.link = reverse("statement-detail", args=[row.number])  # type: ignore[attr-defined]
    return {"statements": rows, "statements_url": _list_url("statement-list", customer)}


def _complaints_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.service import policies as service_policies
    from roots.service.selectors import complaint_counts, complaint_list

    return {
        "complaints": list(
            complaint_list(user=user)
            .filter(customer=customer)
            .order_by("-raised_at", "-id")[:TAB_ROWS]
        ),
        "complaint_counts": complaint_counts(user=user, customer_id=customer.pk),
        "can_raise_complaint": service_policies.can_raise_for(user, customer),
    }


def _stock_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.sellthrough.inventory import stock_alerts, stock_totals

    totals = stock_totals(user=user, customer=customer)
    return {
        "stock_alerts": stock_alerts(user=user, customer=customer, limit=TAB_ROWS),
        "stock_alert_total": totals.stock_outs + totals.overstocks,
        "stock_out_count": totals.stock_outs,
    }


def _sales_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.sales.views import customer_sales_tab

    return customer_sales_tab(user, customer)


def _kpis_tab(user: User, customer: Customer) -> dict[str, Any]:
    from roots.kpis.views import customer_kpi_tab

    return customer_kpi_tab(user, customer)


# The tabs of the 360 page: the first is rendered with the page, the others are fetched by
# htmx when first shown, so the page costs what the user looks at. The account tabs are for
# staff (a customer user has the portal home and the list pages of the same records).
CUSTOMER_TABS: dict[str, Any] = {
    "profile": None,
    "outlets": _outlets_tab,
    "contacts": _contacts_tab,
    "orders": _orders_tab,
    "custom_orders": _custom_orders_tab,
    "balance": _balance_tab,
    "statements": _statements_tab,
    "complaints": _complaints_tab,
    "kpis": _kpis_tab,
    "stock": _stock_tab,
    "sales": _sales_tab,
    "history": _history_tab,
}
STAFF_TABS = frozenset(
    {"orders", "custom_orders", "balance", "statements", "complaints", "kpis", "stock", "sales"}
)


def _tabs_for(user: User) -> list[str]:
    from roots.sales.policies import works_pipeline

    return [
        key
        for key in CUSTOMER_TABS
        if (key not in STAFF_TABS or user.is_staff_role)
        and (key != "sales" or works_pipeline(user))
    ]


def _account_tab_counts(user: User, customer: Customer) -> dict[str, int]:
    """The badges of the account tabs, in one query: orders, custom orders, statements and
    active complaints of the customer, each through the user's scope."""
    from roots.finance.models import Statement
    from roots.orders.models import CustomOrder, Order
    from roots.service.models import Complaint

    def count(queryset: QuerySet[Any]) -> Any:
        return Coalesce(
            Subquery(
                queryset.filter(customer_id=OuterRef("pk"))
                .order_by()
                .values("customer_id")
                .annotate(n=Count("*"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    row = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            n_orders=count(Order.objects.visible_to(user)),
            n_custom_orders=count(CustomOrder.objects.visible_to(user)),
            n_statements=count(Statement.objects.visible_to(user)),
            n_complaints=count(Complaint.objects.visible_to(user).active()),
        )
        .values("n_orders", "n_custom_orders", "n_statements", "n_complaints")
        .first()
    )
    found: dict[str, Any] = dict(row or {})
    return {key.removeprefix("n_"): int(value or 0) for key, value in found.items()}


@login_required
def customer_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The customer 360 page: header, then one tab per facet of the relationship.

    `?tab=<key>` from htmx answers that tab's content alone; without htmx it opens the page
    on that tab (a link that works without JavaScript)."""
    user = request_user(request)
    customer = get_object_or_404(selectors.customer_detail_queryset(user=user), code=code)
    tab_keys = _tabs_for(user)
    active = request.GET.get("tab", "profile")
    if active not in tab_keys:
        active = "profile"
    context: dict[str, Any] = {
        "customer": customer,
        "active_tab": active,
        "internal_shown": not policies.customer_hidden_fields(user),
    }
    loader = CUSTOMER_TABS[active]
    if loader is not None:
        context.update(loader(user, customer))
    if request.htmx and "tab" in request.GET:  # type: ignore[attr-defined]
        response = render(request, f"customers/tabs/_{active}.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    counts: dict[str, int | None] = {
        "profile": None,
        "outlets": customer.outlet_count,  # type: ignore[attr-defined]
        "contacts": customer.contact_count,  # type: ignore[attr-defined]
        "balance": None,
        "kpis": None,
        "stock": None,
        "sales": None,
        "history": customer.history_count,  # type: ignore[attr-defined]
    }
    if user.is_staff_role:
        counts.update(_account_tab_counts(user, customer))
    labels = {
        "profile": _("Profile"),
        "outlets": _("Outlets"),
        "contacts": _("Contacts"),
        "orders": _("Orders"),
        "custom_orders": _("Custom orders"),
        "balance": _("Balance"),
        "statements": _("Statements"),
        "complaints": _("Complaints"),
        "kpis": _("KPIs"),
        "stock": _("Stock"),
        "sales": _("Sales"),
        "history": _("History"),
    }
    context["tabs"] = [
        {
            "key": key,
            "label": labels[key],
            "count": counts[key],
            "template": f"customers/tabs/_{key}.html",
            "url": f"{request.path}?tab={key}",
        }
        for key in tab_keys
    ]
    context["primary_contact"] = selectors.customer_primary_contact(user=user, customer=customer)
    context["can_edit"] = policies.can_edit_customer(user, customer)
    response = render(request, "customers/customer_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
