"""What the top bar's search finds in the pipeline: opportunities (by code or name)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roots.core.global_search import record_kind
from roots.sales.models import Opportunity

record_kind(
    key="opportunities",
    label=_("Opportunities"),
    icon="ti-chart-funnel",
    nav="pipeline-board",
    queryset=lambda user: Opportunity.objects.visible_to(user).select_related("customer"),
    title=lambda o: f"{o.code} · {o.name}",
    subtitle=lambda o: " · ".join(
        p for p in ((o.customer.name if o.customer_id else ""), o.get_stage_display()) if p
    ),
    url=lambda o: reverse("opportunity-detail", args=[o.code]),
    order=50,
)
