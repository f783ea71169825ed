"""Price pages: channel price lists (渠道价格表) with their items, and customer-specific
prices (客户协议价). Staff who sell and customer users read them by their scope (a customer
user its own channel's lists and its own prices); headquarters and product managers create,
change and end them through the catalog services, with the change history on each page."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roots.catalog import policies, selectors, services
from roots.catalog.filters import CustomerPriceFilter, PriceListFilter
from roots.catalog.forms import (
    CustomerPriceEndForm,
    CustomerPriceForm,
    PriceListForm,
    PriceListItemForm,
)
from roots.catalog.models import PRICE_ROLES, CustomerPrice, PriceList, PriceListItem
from roots.catalog.views.common import (
    PAGE_SIZE,
    catalog_editor,
    editable_record,
    maintenance_page,
    price_reader,
)
from roots.core.exceptions import PreconditionFailedError
from roots.core.pages import page_user, posted_version, render_page
from roots.core.selectors import history_entries

PRICE_LIST_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Price list"), ["code", "name", "channel_type"]),
    ("period", gettext_lazy("Validity"), ["valid_from", "valid_to"]),
]
ITEM_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Price"), ["sku", "price"]),
]
CUSTOMER_PRICE_SECTIONS: list[tuple[str, Any, list[str]]] = [
    ("basics", gettext_lazy("Customer and product"), ["customer", "sku", "price"]),
    ("period", gettext_lazy("Validity"), ["valid_from", "valid_to"]),
]


def period_state(start: date, end: date | None, today: date) -> tuple[str, str]:
    """The label and colour of a period today: scheduled, current or ended."""
    if start > today:
        return _("Scheduled"), "azure"
    if end is not None and end < today:
        return _("Ended"), "secondary"
    return _("Current"), "green"


def _list_page(request: HttpRequest, template: str, fragment: str, **context: Any) -> HttpResponse:
    return render_page(request, template, fragment, context)


# --- channel price lists ---------------------------------------------------------------------
def _lists_crumb() -> tuple[str, str]:
    return (reverse("price-list-list"), _("Price lists"))


def _price_list_url(price_list: PriceList) -> str:
    return reverse("price-list-detail", args=[price_list.code])


def price_lists_shown(request: HttpRequest, user: Any) -> tuple[PriceListFilter, Any]:
    """The price lists the list page shows `user` (its filters, `show`), in its order; the
    page and its export read them here."""
    filterset = PriceListFilter(
        request.GET or None,
        queryset=selectors.price_list_list(user=user).annotate(items_count=Count("items")),
    )
    lists = filterset.qs
    if request.GET.get("show", "current") == "current":
        today = timezone.localdate()
        lists = lists.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return filterset, lists.order_by("channel_type", "-valid_from", "code")


@login_required
def price_list_list(request: HttpRequest) -> HttpResponse:
    """The channel price lists the user sees, by channel type and period."""
    user = price_reader(request)
    show = request.GET.get("show", "current")
    filterset, lists = price_lists_shown(request, user)
    today = timezone.localdate()
    paginator = Paginator(lists, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {"price_list": pl, "state": period_state(pl.valid_from, pl.valid_to, today)}
        for pl in page.object_list
    ]
    return _list_page(
        request,
        "catalog/price_list_list.html",
        "catalog/_price_list_table.html",
        page=page,
        page_numbers=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        rows=rows,
        filterset=filterset,
        show=show,
        can_edit=policies.can_edit_catalog(user),
        filtered=bool(request.GET.get("search") or request.GET.get("channel_type")),
    )


@login_required
def price_list_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A price list: its items (searchable, paged), the form that adds one, its history."""
    user = page_user(request)
    price_list = get_object_or_404(selectors.price_list_list(user=user), code=code[:20])
    query = request.GET.get("q", "").strip()[:100]
    items = selectors.price_list_item_list(user=user).filter(price_list=price_list)
    if query:
        items = items.filter(sku__in=selectors.sku_list(user=user, search=query))
    paginator = Paginator(items.order_by("sku__code"), 50)
    page = paginator.get_page(request.GET.get("page"))
    can_edit = policies.can_edit_catalog(user)
    item_form = PriceListItemForm(user=user) if can_edit else None
    if item_form is not None:  # one row inline: the example goes into the box
        item_form.fields["sku"].help_text = ""
        item_form.fields["sku"].widget.attrs["placeholder"] = "BCD-216STPT-W"
    return render(
        request,
        "catalog/price_list_detail.html",
        {
            "price_list": price_list,
            "state": period_state(price_list.valid_from, price_list.valid_to, timezone.localdate()),
            "page": page,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "q": query,
            "can_edit": can_edit,
            "item_form": item_form,
            "history": (
                selectors.price_list_history(price_list=price_list)
                if user.role in PRICE_ROLES
                else None
            ),
        },
    )


@login_required
def price_list_create(request: HttpRequest) -> HttpResponse:
    user = catalog_editor(request)
    form = PriceListForm(
        request.POST or None, user=user, initial={"valid_from": timezone.localdate()}
    )
    return maintenance_page(
        request,
        form=form,
        save=partial(services.price_list_create, user=user),
        success_url=_price_list_url,
        message=lambda pl: _("Price list “%(name)s” saved.") % {"name": pl.name},
        groups=PRICE_LIST_SECTIONS,
        title=_("New price list"),
        crumbs=[_lists_crumb()],
        cancel_url=reverse("price-list-list"),
    )


@login_required
def price_list_edit(request: HttpRequest, code: str) -> HttpResponse:
    user, price_list = editable_record(request, selectors.price_list_list, code=code[:20])
    form = PriceListForm(request.POST or None, instance=price_list, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.price_list_update, user=user, price_list=price_list),
        success_url=lambda _record: _price_list_url(price_list),
        message=lambda record: _("Price list “%(name)s” saved.") % {"name": record.name},
        version=price_list.version,
        groups=PRICE_LIST_SECTIONS,
        title=_("Edit price list"),
        subtitle=f"{price_list.name} · {price_list.code}",
        crumbs=[_lists_crumb(), (_price_list_url(price_list), price_list.code)],
        cancel_url=_price_list_url(price_list),
        reload_url=reverse("price-list-edit", args=[price_list.code]),
    )


@login_required
def price_list_item_create(request: HttpRequest, code: str) -> HttpResponse:
    """Price a SKU in a price list (the detail page's inline form posts here; a bad entry
    comes back on this page with its errors)."""
    user, price_list = editable_record(request, selectors.price_list_list, code=code[:20])
    form = PriceListItemForm(request.POST or None, user=user)
    return maintenance_page(
        request,
        form=form,
        save=lambda data: services.price_list_item_create(
            user=user, data={**data, "price_list": price_list}
        ),
        success_url=lambda _record: _price_list_url(price_list),
        message=lambda item: (
            _("%(sku)s priced at ¥%(price)s.") % {"sku": item.sku.code, "price": item.price}
        ),
        groups=ITEM_SECTIONS,
        title=_("Add a SKU to the price list"),
        subtitle=f"{price_list.name} · {price_list.code}",
        crumbs=[_lists_crumb(), (_price_list_url(price_list), price_list.code)],
        cancel_url=_price_list_url(price_list),
    )


@login_required
def price_list_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-price a SKU in a price list (the SKU and the list stay)."""
    user, item = editable_record(request, selectors.price_list_item_list, pk=pk)
    back = _price_list_url(item.price_list)
    form = PriceListItemForm(request.POST or None, instance=item, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.price_list_item_update, user=user, price_list_item=item),
        success_url=lambda _record: back,
        message=lambda record: (
            _("%(sku)s priced at ¥%(price)s.") % {"sku": item.sku.code, "price": record.price}
        ),
        version=item.version,
        groups=ITEM_SECTIONS,
        title=_("Edit price"),
        subtitle=f"{item.price_list.name} · {item.sku.name} ({item.sku.code})",
        crumbs=[_lists_crumb(), (back, item.price_list.code)],
        cancel_url=back,
        history=history_entries(instance=item),
        reload_url=reverse("price-list-item-edit", args=[item.pk]),
    )


@login_required
@require_POST
def price_list_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a SKU off a price list (its history stays on the list's page)."""
    user, item = editable_record(request, selectors.price_list_item_list, pk=pk)
    try:
        services.price_list_item_delete(
            user=user, price_list_item=item, expected_version=posted_version(request)
        )
    except PreconditionFailedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(sku)s removed from the price list.") % {"sku": item.sku.code}
        )
    return redirect(_price_list_url(item.price_list))


# --- customer-specific prices ------------------------------------------------------------------
def _customer_prices_crumb() -> tuple[str, str]:
    return (reverse("customer-price-list"), _("Customer prices"))


def _customer_price_url(price: CustomerPrice) -> str:
    return reverse("customer-price-detail", args=[price.pk])


def customer_prices_shown(request: HttpRequest, user: Any) -> tuple[CustomerPriceFilter, Any]:
    """The customer prices the list page shows `user` (its filters, `show`; none when a
    filter is not valid), in its order; the page and its export read them here."""
    filterset = CustomerPriceFilter(
        request.GET or None, queryset=selectors.customer_price_list(user=user)
    )
    if filterset.is_bound and not filterset.is_valid():
        prices = CustomerPrice.objects.none()
    else:
        prices = filterset.qs
    today = timezone.localdate()
    show = request.GET.get("show", "current")
    if show == "current":
        prices = prices.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    elif show == "ended":
        prices = prices.filter(valid_to__lt=today)
    return filterset, prices.order_by("customer__code", "sku__code", "-valid_from")


@login_required
def customer_price_list(request: HttpRequest) -> HttpResponse:
    """Customer-specific prices in the user's scope, by customer or SKU (code, name, pinyin)."""
    user = price_reader(request)
    show = request.GET.get("show", "current")
    filterset, prices = customer_prices_shown(request, user)
    status = 400 if filterset.is_bound and not filterset.is_valid() else 200
    today = timezone.localdate()
    paginator = Paginator(prices, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {"price": cp, "state": period_state(cp.valid_from, cp.valid_to, today)}
        for cp in page.object_list
    ]
    response = _list_page(
        request,
        "catalog/customer_price_list.html",
        "catalog/_customer_price_table.html",
        page=page,
        page_numbers=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        rows=rows,
        filterset=filterset,
        show=show,
        can_edit=policies.can_edit_catalog(user),
        filtered=any(request.GET.get(k) for k in ("search", "customer", "sku")),
    )
    response.status_code = status
    return response


def _customer_price_detail(
    request: HttpRequest, price: CustomerPrice, *, end_form: Any = None, status: int = 200
) -> HttpResponse:
    user = page_user(request)
    today = timezone.localdate()
    can_edit = policies.can_edit_catalog(user)
    if can_edit and end_form is None:
        end_form = CustomerPriceEndForm(initial={"valid_to": max(today, price.valid_from)})
    channel_price = (
        PriceListItem.objects.all_unscoped()
        .filter(
            sku=price.sku,
            price_list__channel_type=price.customer.channel_type,
            price_list__valid_from__lte=today,
        )
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=today))
        .order_by("-price_list__valid_from")
        .values_list("price", flat=True)
        .first()
    )
    return render(
        request,
        "catalog/customer_price_detail.html",
        {
            "price": price,
            "state": period_state(price.valid_from, price.valid_to, today),
            "channel_price": channel_price,
            "can_edit": can_edit,
            "can_end": can_edit and (price.valid_to is None or price.valid_to >= today),
            "end_form": end_form,
            "history": history_entries(instance=price) if user.role in PRICE_ROLES else None,
        },
        status=status,
    )


@login_required
def customer_price_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    price = get_object_or_404(selectors.customer_price_list(user=user), pk=pk)
    return _customer_price_detail(request, price)


@login_required
def customer_price_create(request: HttpRequest) -> HttpResponse:
    """A new customer-specific price; `?customer=` and `?sku=` prefill it."""
    user = catalog_editor(request)
    initial = {
        "customer": request.GET.get("customer", "")[:12],
        "sku": request.GET.get("sku", "")[:40],
        "valid_from": timezone.localdate(),
    }
    form = CustomerPriceForm(request.POST or None, user=user, initial=initial)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.customer_price_create, user=user),
        success_url=_customer_price_url,
        message=lambda cp: (
            _("Price of %(sku)s for %(customer)s saved.")
            % {"sku": cp.sku.code, "customer": cp.customer.name}
        ),
        groups=CUSTOMER_PRICE_SECTIONS,
        title=_("New customer price"),
        crumbs=[_customer_prices_crumb()],
        cancel_url=reverse("customer-price-list"),
    )


@login_required
def customer_price_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a customer price's amount or period (the customer and the SKU stay)."""
    user, price = editable_record(request, selectors.customer_price_list, pk=pk)
    form = CustomerPriceForm(request.POST or None, instance=price, user=user)
    return maintenance_page(
        request,
        form=form,
        save=partial(services.customer_price_update, user=user, customer_price=price),
        success_url=lambda _record: _customer_price_url(price),
        message=lambda record: (
            _("Price of %(sku)s for %(customer)s saved.")
            % {"sku": price.sku.code, "customer": price.customer.name}
        ),
        version=price.version,
        groups=CUSTOMER_PRICE_SECTIONS,
        title=_("Edit customer price"),
        subtitle=f"{price.customer.name} · {price.sku.name} ({price.sku.code})",
        crumbs=[_customer_prices_crumb(), (_customer_price_url(price), f"#{price.pk}")],
        cancel_url=_customer_price_url(price),
        reload_url=reverse("customer-price-edit", args=[price.pk]),
    )


@login_required
@require_POST
def customer_price_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End a customer price on a day (today by default); the channel price applies after."""
    user, price = editable_record(request, selectors.customer_price_list, pk=pk)
    form = CustomerPriceEndForm(request.POST)
    if not form.is_valid():
        return _customer_price_detail(request, price, end_form=form, status=400)
    try:
        services.customer_price_end(
            user=user,
            customer_price=price,
            on=form.cleaned_data["valid_to"],
            expected_version=posted_version(request),
        )
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {}).get("valid_to")
        for error in ValidationError(errors).messages if errors else exc.messages:
            form.add_error("valid_to", error)
        return _customer_price_detail(request, price, end_form=form, status=400)
    except PreconditionFailedError as exc:
        form.add_error(None, str(exc))
        return _customer_price_detail(request, price, end_form=form, status=409)
    messages.success(
        request,
        _("The price of %(sku)s for %(customer)s ends on %(date)s.")
        % {
            "sku": price.sku.code,
            "customer": price.customer.name,
            "date": date_format(form.cleaned_data["valid_to"], "SHORT_DATE_FORMAT"),
        },
    )
    return redirect(_customer_price_url(price))
