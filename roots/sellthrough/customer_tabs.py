"""The customer 360 page's tab of stock: the stock alerts at the customer's outlets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from roots.customers.models import Customer
from roots.customers.tabs import TAB_ROWS, CustomerTab, register
from roots.sellthrough.inventory.selectors import stock_alerts, stock_totals

if TYPE_CHECKING:
    from roots.org.models import User


def _stock_tab(user: User, customer: Customer) -> dict[str, Any]:
    totals = stock_totals(user=user, customer=customer)
    return {
        "stock_alerts": stock_alerts(user=user, customer=customer, limit=TAB_ROWS),
        "stock_alert_total": totals.stock_outs + totals.overstocks,
        "stock_out_count": totals.stock_outs,
    }


register(CustomerTab(key="stock", label=_("Stock"), order=100, load=_stock_tab, staff_only=True))
