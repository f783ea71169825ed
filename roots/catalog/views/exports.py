"""XLSX exports of the catalog lists: products, promotions, channel price lists and customer
prices. Each answers the rows its list page shows (the same scoped, filtered queryset, so
the same scope and filters), in the list's order, behind the same role gate."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from roots.catalog import policies, selectors
from roots.catalog.views.common import catalog_reader, price_reader
from roots.catalog.views.prices import customer_prices_shown, period_state, price_lists_shown
from roots.catalog.views.products import buyer_of, filtered_skus
from roots.catalog.views.promotions import _promotion_rows, promotions_shown
from roots.core.export import Column, xlsx_response
from roots.core.throttling import cost_throttled
from roots.org.models import Role

CARD_CHUNK = 500


@login_required
@cost_throttled
def catalog_export(request: HttpRequest) -> HttpResponse:
    user = catalog_reader(request)
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()[:20]
    status = request.GET.get("status", "") if policies.can_edit_catalog(user) else ""
    active = {"inactive": False, "all": None}.get(status, True)
    skus = filtered_skus(user, query=query, category=category, active=active).select_related(
        "product_model__category"
    )
    customer = buyer_of(user)

    def cards() -> Iterator[selectors.ProductCard]:
        # the cards of a chunk of SKUs at a time (prices, promotions and stock in a few queries)
        rows = skus.iterator(chunk_size=CARD_CHUNK)
        while chunk := list(islice(rows, CARD_CHUNK)):
            yield from selectors.product_cards(skus=chunk, customer=customer)

    columns = [
        Column(_("Code"), lambda c: c.sku.code, 20),
        Column(_("Product"), lambda c: c.sku.name, 36),
        Column(_("Category"), lambda c: c.sku.product_model.category.local_name, 16),
        Column(_("List price (CNY)"), lambda c: c.list_price, 14, "money"),
    ]
    if customer is not None:
        columns.append(Column(_("Your price (CNY)"), lambda c: c.price, 14, "money"))
    columns += [
        Column(_("Promotion"), lambda c: c.promotion.code if c.promotion else "", 14),
        Column(_("Promotion price (CNY)"), lambda c: c.promotion_price, 14, "money"),
        Column(_("Available"), lambda c: c.available, 10, "number"),
        Column(_("Active"), lambda c: c.sku.is_active, 8),
    ]
    return xlsx_response(name="catalog", sheet=_("Products"), columns=columns, rows=cards())


@login_required
@cost_throttled
def promotion_export(request: HttpRequest) -> HttpResponse:
    user = catalog_reader(request)
    promotions = promotions_shown(request, user)

    def rows() -> Iterator[dict[str, Any]]:
        for chunk_start in range(0, promotions.count(), CARD_CHUNK):
            yield from _promotion_rows(list(promotions[chunk_start : chunk_start + CARD_CHUNK]))

    columns = [
        Column(_("Code"), lambda r: r["promotion"].code, 14),
        Column(_("Promotion"), lambda r: r["promotion"].name, 30),
        Column(_("Discount"), lambda r: r["promotion"].discount_percent / 100, 10, "percent"),
        Column(_("Valid from"), lambda r: r["promotion"].valid_from, 11),
        Column(_("Valid to"), lambda r: r["promotion"].valid_to, 11),
        Column(_("Channels"), lambda r: ", ".join(map(str, r["channels"])), 20),
        Column(_("Products"), lambda r: ", ".join(r["targets"]), 30),
    ]
    if user.role != Role.CUSTOMER_USER:
        columns.append(Column(_("State"), lambda r: r["state_label"], 10))
    return xlsx_response(name="promotions", sheet=_("Promotions"), columns=columns, rows=rows())


@login_required
@cost_throttled
def price_list_export(request: HttpRequest) -> HttpResponse:
    user = price_reader(request)
    _filterset, lists = price_lists_shown(request, user)
    today = timezone.localdate()
    columns = [
        Column(_("Code"), lambda r: r.code, 14),
        Column(_("Price list"), lambda r: r.name, 30),
        Column(_("Channel type"), lambda r: r.get_channel_type_display(), 16),
        Column(_("Valid from"), lambda r: r.valid_from, 11),
        Column(_("Valid to"), lambda r: r.valid_to, 11),
        Column(_("SKUs"), lambda r: r.items_count, 8, "number"),
        Column(_("State"), lambda r: period_state(r.valid_from, r.valid_to, today)[0], 10),
    ]
    return xlsx_response(name="price-lists", sheet=_("Price lists"), columns=columns, rows=lists)


@login_required
@cost_throttled
def customer_price_export(request: HttpRequest) -> HttpResponse:
    user = price_reader(request)
    # a filter that is not valid shows no row (as the page does)
    _filterset, prices = customer_prices_shown(request, user)
    prices = prices.select_related("customer", "sku")
    today = timezone.localdate()
    columns = [
        Column(_("Customer code"), lambda r: r.customer.code, 11),
        Column(_("Customer"), lambda r: r.customer.name, 28),
        Column(_("SKU"), lambda r: r.sku.code, 20),
        Column(_("Product"), lambda r: r.sku.name, 30),
        Column(_("List price (CNY)"), lambda r: r.sku.list_price, 14, "money"),
        Column(_("Agreed price (CNY)"), lambda r: r.price, 14, "money"),
        Column(_("Valid from"), lambda r: r.valid_from, 11),
        Column(_("Valid to"), lambda r: r.valid_to, 11),
        Column(_("State"), lambda r: period_state(r.valid_from, r.valid_to, today)[0], 10),
    ]
    return xlsx_response(
        name="customer-prices", sheet=_("Customer prices"), columns=columns, rows=prices
    )
