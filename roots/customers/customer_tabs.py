"""The customer master's own tabs of the 360 page: profile, outlets, contacts, history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roots.customers import selectors
from roots.customers.models import Customer
from roots.customers.tabs import CustomerTab, register

if TYPE_CHECKING:
    from roots.org.models import User

OUTLETS_ON_DETAIL = 100


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


# The badges of outlets, contacts and history are annotations of the page's customer
# (`selectors.customer_detail_queryset`).
register(CustomerTab(key="profile", label=gettext_lazy("Profile"), order=10))
register(
    CustomerTab(
        key="outlets",
        label=gettext_lazy("Outlets"),
        order=20,
        load=_outlets_tab,
        count_attr="outlet_count",
    )
)
register(
    CustomerTab(
        key="contacts",
        label=gettext_lazy("Contacts"),
        order=30,
        load=_contacts_tab,
        count_attr="contact_count",
    )
)
register(
    CustomerTab(
        key="history",
        label=gettext_lazy("History"),
        order=900,
        load=_history_tab,
        count_attr="history_count",
    )
)
