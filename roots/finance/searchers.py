"""What the top bar's search finds in finance: statements (by number)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.core.global_search import record_kind
from roots.finance.models import Statement

record_kind(
    key="statements",
    label=_("Statements"),
    icon="ti-file-invoice",
    nav="statement-list",
    queryset=lambda user: Statement.objects.visible_to(user).select_related("customer"),
    title=lambda s: s.number,
    subtitle=lambda s: f"{s.customer.name} · {s.year}-{s.month:02d} · {s.get_status_display()}",
    url=lambda s: reverse("statement-detail", args=[s.number]),
    order=70,
)
