"""What the top bar's search finds among complaints (by number or subject)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.core.global_search import record_kind
from roots.service.models import Complaint

record_kind(
    key="complaints",
    label=_("Complaints"),
    icon="ti-message-report",
    nav="complaint-list",
    queryset=lambda user: Complaint.objects.visible_to(user).select_related("customer"),
    title=lambda c: f"{c.number} · {c.subject}",
    subtitle=lambda c: f"{c.customer.name} · {c.get_status_display()}",
    url=lambda c: reverse("complaint-detail", args=[c.number]),
    order=60,
)
