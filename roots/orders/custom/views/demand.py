"""The custom-demand pages: the aggregated demand (charts, table) and its XLSX workbook, for
product managers and the staff who sell (their scope)."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from roots.core.pages import page_user
from roots.core.throttling import cost_throttled
from roots.orders.custom import selectors
from roots.orders.custom.forms import DemandFilterForm
from roots.orders.custom.policies import can_see_demand


def _demand_request(request: HttpRequest) -> tuple[DemandFilterForm, selectors.Demand | None]:
    user = page_user(request)
    if not can_see_demand(user):
        raise PermissionDenied(_("Your role does not see custom demand."))
    categories = selectors.demand_categories(user=user)
    form = DemandFilterForm(request.GET or None, categories=categories)
    filters: dict[str, Any] = {}
    if form.is_bound:
        if not form.is_valid():
            return form, None
        filters = {
            "date_from": form.cleaned_data.get("date_from"),
            "date_to": form.cleaned_data.get("date_to"),
            "category": form.cleaned_data.get("category") or None,
        }
    return form, selectors.custom_demand(user=user, **filters)


def _charts(demand: selectors.Demand) -> dict[str, Any]:
    # Cells by code (two categories may share a name), axes by label.
    region_keys = [r["key"] for r in demand["regions"]]
    category_keys = [c["key"] for c in demand["categories"]]
    cells = [
        [category_keys.index(row["category"]), region_keys.index(row["region"]), row["units"]]
        for row in demand["by_region_category"]
    ]
    top_category = demand["category"] or (
        demand["categories"][0]["key"] if demand["categories"] else None
    )
    bands = [b for b in demand["by_capacity"] if b["category"] == top_category]
    return {
        "heatmap": {
            "title": _("Units by region and category"),
            "x": [c["label"] for c in demand["categories"]],
            "y": [r["label"] for r in demand["regions"]],
            "cells": cells,
            "max": max((c[2] for c in cells), default=1),
            "low": _("Low"),
            "high": _("High"),
        },
        "features": {
            "title": _("Units by feature"),
            "items": [{"name": f["label"], "value": f["units"]} for f in demand["by_feature"]],
        },
        "capacity": {
            "title": _("Units by capacity band"),
            "items": [{"name": b["band"], "value": b["units"]} for b in bands],
        },
        "capacity_category": bands[0]["category_label"] if bands else "",
        "prices": {
            "title": _("Requests by target unit price"),
            "items": [
                {"name": p["label"], "value": p["requests"]} for p in demand["by_target_price"]
            ],
        },
    }


@login_required
def custom_demand(request: HttpRequest) -> HttpResponse:
    """Aggregated custom demand for product planning."""
    form, demand = _demand_request(request)
    context: dict[str, Any] = {"form": form, "demand": demand}
    if demand is not None:
        context["charts"] = _charts(demand)
        conversion = demand["conversion"]
        context["quote_rate"] = _percent(conversion["quote_rate"])
        context["acceptance_rate"] = _percent(conversion["acceptance_rate"])
        context["rate_cards"] = [
            {
                "icon": "ti-receipt",
                "colour": "indigo",
                "value": context["quote_rate"],
                "label": _("Requests quoted"),
                "testid": "kpi-quote-rate",
            },
            {
                "icon": "ti-checks",
                "colour": "green",
                "value": context["acceptance_rate"],
                "label": _("Quotes accepted"),
                "testid": "kpi-acceptance-rate",
            },
        ]
    return render(request, "orders/custom_demand.html", context, status=200 if demand else 400)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


@login_required
@cost_throttled
def custom_demand_export(request: HttpRequest) -> HttpResponse:
    """The demand view's tables as an XLSX workbook (the same scope and filters)."""
    form, demand = _demand_request(request)
    if demand is None:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors), status=400
        )
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})

    def sheet(title: str, columns: list[tuple[str, int]], rows: list[list[Any]]) -> None:
        ws = book.add_worksheet(title[:31])
        for col, (label, width) in enumerate(columns):
            ws.write_string(0, col, label, header)
            ws.set_column(col, col, width)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, int | float):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        ws.freeze_panes(1, 0)

    requests, units = _("Requests"), _("Units")
    sheet(
        _("Region x category"),
        [(_("Region"), 18), (_("Category"), 20), (requests, 10), (units, 10)],
        [
            *(
                [r["region_label"], r["category_label"], r["requests"], r["units"]]
                for r in demand["by_region_category"]
            ),
            [pgettext("sum row of a table", "Total"), "", demand["requests"], demand["units"]],
        ],
    )
    sheet(
        _("Features"),
        [(_("Feature"), 26), (requests, 10), (units, 10)],
        [[f["label"], f["requests"], f["units"]] for f in demand["by_feature"]],
    )
    sheet(
        _("Capacity bands"),
        [(_("Category"), 20), (_("Capacity"), 14), (requests, 10), (units, 10)],
        [
            [b["category_label"], b["band"], b["requests"], b["units"]]
            for b in demand["by_capacity"]
        ],
    )
    sheet(
        _("Target prices"),
        [(_("Target unit price"), 20), (requests, 10), (units, 10)],
        [
            [p["label"], p["requests"], p["units"]]
            for p in [*demand["by_target_price"], demand["without_target_price"]]
        ],
    )
    conversion = demand["conversion"]
    sheet(
        _("Conversion"),
        [(_("Measure"), 24), (_("Value"), 12)],
        [
            [_("Requests"), conversion["requests"]],
            [_("Quoted"), conversion["quoted"]],
            [_("Accepted"), conversion["accepted"]],
            [_("Request declined"), conversion["declined"]],
            [_("Quote rejected"), conversion["rejected"]],
            [_("Expired"), conversion["expired"]],
            [_("Cancelled"), conversion["cancelled"]],
            [_("Open"), conversion["open"]],
            [_("Quote rate"), _percent(conversion["quote_rate"])],
            [_("Acceptance rate"), _percent(conversion["acceptance_rate"])],
        ],
    )
    book.close()
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="custom-demand-{stamp}.xlsx"'
    return response
