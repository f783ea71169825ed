"""API of the sales pipeline: `/api/v1/leads/` (with `qualify`, `disqualify`, `convert`),
`/opportunities/` (with `move`, `reopen`, `forecast` and `board`), `/activities/` (with
`complete` and `cancel`) and `/assessments/`, one module per resource. Leads and
opportunities are addressed by code, activities and assessments by id. The steps are
generated from the declarations in `roots.sales.lifecycles` (`LifecycleViewSetMixin`), and
every record says which the caller may take now (`allowed_actions`).

Roles without a pipeline (product managers, call agents, engineers, customers, suppliers)
list nothing, find no record (404) and may not create (403)."""

from typing import Any

from django.urls import URLPattern

from roots.sales.api.activities import ActivitySerializer, ActivityViewSet
from roots.sales.api.assessments import AssessmentSerializer, AssessmentViewSet
from roots.sales.api.leads import LeadSerializer, LeadViewSet
from roots.sales.api.opportunities import OpportunitySerializer, OpportunityViewSet

# (prefix, viewset, basename) for the router, and plain paths (APIViews) under /api/v1/.
ROUTES: list[tuple[str, Any, str]] = [
    ("leads", LeadViewSet, "lead"),
    ("opportunities", OpportunityViewSet, "opportunity"),
    ("activities", ActivityViewSet, "activity"),
    ("assessments", AssessmentViewSet, "assessment"),
]
PATHS: list[URLPattern] = []

__all__ = [
    "PATHS",
    "ROUTES",
    "ActivitySerializer",
    "ActivityViewSet",
    "AssessmentSerializer",
    "AssessmentViewSet",
    "LeadSerializer",
    "LeadViewSet",
    "OpportunitySerializer",
    "OpportunityViewSet",
]
