"""What the top bar's search finds in the customer master: customers and their contacts
(by name, pinyin, initials, and by phone in any format)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.core.global_search import record_kind
from roots.customers.models import Contact, Customer

record_kind(
    key="customers",
    label=_("Customers"),
    icon="ti-building-store",
    nav="customer-list",
    queryset=lambda user: Customer.objects.visible_to(user).select_related("branch"),
    title=lambda c: f"{c.name} · {c.code}",
    subtitle=lambda c: c.branch.name if c.branch_id else "",
    url=lambda c: reverse("customer-detail", args=[c.code]),
    order=10,
)

record_kind(
    key="contacts",
    label=_("Contacts"),
    icon="ti-address-book",
    nav="customer-list",
    queryset=lambda user: Contact.objects.visible_to(user).select_related("customer"),
    title=lambda c: c.name,
    subtitle=lambda c: " · ".join(p for p in (c.title, c.customer.name, c.mobile or c.phone) if p),
    url=lambda c: reverse("contact-detail", args=[c.pk]),
    order=20,
    phone=True,
)
