"""Customers: the list (htmx live search, filters, sorting), the XLSX export, the forms
with their duplicate warning, and the customer 360 page."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.core.export import Column, xlsx_response
from roots.core.http import safe_next
from roots.core.pages import is_htmx, page_user, render_page
from roots.core.throttling import cost_throttled
from roots.customers import policies, selectors, services
from roots.customers.filters import CustomerFilter
from roots.customers.forms import CustomerForm
from roots.customers.models import Customer, Priority, Tier
from roots.customers.tabs import tab_counts, tabs_for
from roots.customers.views.common import create_page, edit_page
from roots.org.models import User
from roots.org.people import label_people

PAGE_SIZE = 25

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
    user = page_user(request)
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
    user = page_user(request)
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
    return render_page(
        request, "customers/customer_list.html", "customers/_customer_table.html", context
    )


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
    columns = [
        Column(_label("code"), lambda c: c.code, 11),
        Column(_label("name"), lambda c: c.name, 32),
        Column(_label("name_en"), lambda c: c.name_en, 28),
        Column(_label("channel_type"), lambda c: c.get_channel_type_display(), 16),
        Column(_label("branch"), lambda c: c.branch.name, 16),
        Column(_label("account_manager"), lambda c: str(c.account_manager or ""), 14),
        Column(_label("tier"), lambda c: c.get_tier_display(), 10),
        Column(_label("priority"), lambda c: c.priority, 8),
        Column(_label("is_key_account"), lambda c: c.is_key_account, 8),
        Column(_label("credit_limit"), lambda c: c.credit_limit, 16, "money"),
        Column(_label("status"), lambda c: c.get_status_display(), 10),
        Column(_label("phone"), lambda c: c.phone, 16),
        Column(_label("address"), lambda c: c.address, 36),
    ]
    return xlsx_response(name="customers", sheet=_("Customers"), columns=columns, rows=customers)


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
    user = page_user(request)
    if not policies.can_create_customer(user):
        raise PermissionDenied(_("You may not create customers."))
    form = CustomerForm(request.POST or None, user=user)
    _wire_duplicate_check(form, user=user, exclude=None)
    return create_page(
        request,
        form=form,
        create=lambda: services.customer_create(user=user, data=form.changed_values()),
        added=lambda customer: _("Customer “%(name)s” created.") % {"name": customer.name},
        detail_url=lambda customer: reverse("customer-detail", args=[customer.code]),
        template="customers/customer_form.html",
        sections=CUSTOMER_SECTIONS,
        customer=None,
    )


@login_required
def customer_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a customer; the posted `version` detects an edit made meanwhile by someone else."""
    user = page_user(request)
    customer = get_object_or_404(selectors.customer_detail_queryset(user=user), code=code)
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer."))
    form = CustomerForm(request.POST or None, instance=customer, user=user)
    _wire_duplicate_check(form, user=user, exclude=customer.code)
    return edit_page(
        request,
        form=form,
        current_version=customer.version,
        update=partial(services.customer_update, user=user, customer=customer),
        detail_url=reverse("customer-detail", args=[customer.code]),
        saved_message=_("Customer “%(name)s” saved.") % {"name": customer.name},
        edit_url=reverse("customer-edit", args=[customer.code]),
        template="customers/customer_form.html",
        sections=CUSTOMER_SECTIONS,
        customer=customer,
    )


@login_required
def customer_similar(request: HttpRequest) -> HttpResponse:
    """The duplicate warning under the name field: similar names in the user's scope (links)
    and how many similar customers exist outside it."""
    user = page_user(request)
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
@login_required
def customer_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The customer 360 page: header, then one tab per facet of the relationship.

    `?tab=<key>` from htmx answers that tab's content alone; without htmx it opens the page
    on that tab (a link that works without JavaScript)."""
    user = page_user(request)
    customer = get_object_or_404(selectors.customer_detail_queryset(user=user), code=code)
    # The tabs are registered by the apps whose records they show (`roots.customers.tabs`):
    # the first is rendered with the page, the others are fetched by htmx when first shown,
    # so the page costs what the user looks at. The account tabs are for staff (a customer
    # user has the portal home and the list pages of the same records).
    shown = {tab.key: tab for tab in tabs_for(user)}
    active = request.GET.get("tab", "profile")
    if active not in shown:
        active = "profile"
    context: dict[str, Any] = {
        "customer": customer,
        "active_tab": active,
        "internal_shown": not policies.customer_hidden_fields(user),
    }
    loader = shown[active].load
    if loader is not None:
        context.update(loader(user, customer))
    page, tab = "customers/customer_detail.html", shown[active].template
    if is_htmx(request) and "tab" in request.GET:
        return render_page(request, page, tab, context)
    counts = tab_counts(user, customer, list(shown.values()))
    context["tabs"] = [
        {
            "key": key,
            "label": str(each.label),
            "count": counts[key],
            "template": each.template,
            "url": f"{request.path}?tab={key}",
        }
        for key, each in shown.items()
    ]
    context["primary_contact"] = selectors.customer_primary_contact(user=user, customer=customer)
    context["can_edit"] = policies.can_edit_customer(user, customer)
    return render_page(request, page, tab, context, partial=False)
