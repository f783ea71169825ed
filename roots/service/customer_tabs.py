"""The customer 360 page's tab of service: the customer's complaints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from roots.customers.models import Customer
from roots.customers.tabs import TAB_ROWS, CustomerTab, register
from roots.service import policies
from roots.service.models import Complaint
from roots.service.selectors import complaint_counts, complaint_list

if TYPE_CHECKING:
    from roots.org.models import User


def _complaints_tab(user: User, customer: Customer) -> dict[str, Any]:
    return {
        "complaints": list(
            complaint_list(user=user)
            .filter(customer=customer)
            .order_by("-raised_at", "-id")[:TAB_ROWS]
        ),
        "complaint_counts": complaint_counts(user=user, customer_id=customer.pk),
        "can_raise_complaint": policies.can_raise_for(user, customer),
    }


# The badge counts the active complaints.
register(
    CustomerTab(
        key="complaints",
        label=_("Complaints"),
        order=80,
        load=_complaints_tab,
        staff_only=True,
        counted=lambda user: Complaint.objects.visible_to(user).active(),
    )
)
