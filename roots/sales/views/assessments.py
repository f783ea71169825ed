"""The priority matrix and the potential-customer worksheet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from roots.core.pages import render_page
from roots.customers.models import Priority
from roots.sales import policies, selectors, services
from roots.sales.forms import AssessmentForm
from roots.sales.models import PotentialAssessment
from roots.sales.views.common import _by_code, _page, _pipeline_user, _scope_filters

PRIORITY_COLOURS = {"A+": "#d63939", "A": "#f76707", "B": "#f59f00", "C": "#868e96"}


# --- the priority matrix and the worksheet -------------------------------------------------------
def _matrix_chart(points: list[selectors.MatrixPoint]) -> dict[str, Any]:
    return {
        "title": _("Priority matrix"),
        "thresholds": {
            "score": services.POTENTIAL_HIGH_SCORE,
            "share": float(services.CURRENT_HIGH_SHARE * 100),
        },
        "labels": {
            "score": _("Score (potential)"),
            "share": _("Share of the potential we already get, per cent"),
            "current": _("Current yearly revenue (CNY)"),
            "potential": _("Potential yearly revenue (CNY)"),
            "matrix": _("Score × share"),
            "revenue": _("Current × potential revenue"),
        },
        "colours": PRIORITY_COLOURS,
        "priorities": [p.value for p in Priority],
        "items": [
            {
                "code": p.customer,
                "name": p.name,
                "current": float(p.current_revenue),
                "potential": float(p.potential_revenue),
                "score": p.score,
                "share": round(p.share, 1) if p.share is not None else None,
                "priority": p.priority,
            }
            for p in points
        ],
    }


@login_required
def priority_matrix(request: HttpRequest) -> HttpResponse:
    """The customers' current assessments on the A+/A/B/C matrix (a chart and a table)."""
    user = _pipeline_user(request)
    filters = _scope_filters(user, request.GET, mine_by_default=False)
    priority = request.GET.get("priority") or None
    if priority not in Priority.values:
        priority = None
    kwargs = {"owner": filters["owner"], "branch": filters["branch"], "priority": priority}
    points = selectors.matrix_points(user=user, **kwargs)
    rows = selectors.latest_assessments(user=user, **kwargs).order_by("-score", "customer__code")
    counts = {p.value: 0 for p in Priority}
    for point in points:
        counts[point.priority] += 1
    context = {
        **filters,
        **_page(request, rows),
        "priority": priority or "",
        "priorities": Priority.values,
        "counts": counts,
        "count_a_plus": counts[Priority.A_PLUS],
        "chart": _matrix_chart(points),
        "potential_high": services.POTENTIAL_HIGH_SCORE,
        "current_high": f"{int(services.CURRENT_HIGH_SHARE * 100)}%",
    }
    return render_page(request, "sales/matrix.html", "sales/_matrix_table.html", context)


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    """The potential-customer worksheet of a customer (`?customer=<code>`); without one, a
    list of the user's customers to choose from."""
    user = _pipeline_user(request)
    code = (request.GET.get("customer") or "")[:12]
    customers = selectors.assessable_customers(user=user)
    if not code:
        context = {"customers": customers.order_by("code")[:300], "choose": True}
        return render(request, "sales/assessment_form.html", context)
    customer = _by_code(customers, code)
    if not policies.can_sell_to(user, customer):  # pragma: no cover - scope equals the policy
        raise PermissionDenied
    form = AssessmentForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(
                user=user, customer=customer, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Assessment saved: score %(score)s, priority %(priority)s.")
                % {"score": assessment.score, "priority": assessment.priority},
            )
            return redirect("assessment-detail", pk=assessment.pk)
    current = selectors.customer_current_revenue(user=user, customer=customer)
    context = {
        "customer": customer,
        "form": form,
        "current_revenue": current,
        "latest": selectors.latest_assessment(user=user, customer=customer),
        "preview": {
            "current": float(current),
            "threshold_score": services.POTENTIAL_HIGH_SCORE,
            "threshold_share": float(services.CURRENT_HIGH_SHARE),
            "max_total": services.SCORE_MAX_TOTAL,
            "fields": list(services.SCORE_FIELDS),
        },
        "potential_high": services.POTENTIAL_HIGH_SCORE,
        "current_high": f"{int(services.CURRENT_HIGH_SHARE * 100)}%",
    }
    return render(request, "sales/assessment_form.html", context, status=status)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _pipeline_user(request)
    assessment: PotentialAssessment = get_object_or_404(selectors.assessment_list(user=user), pk=pk)
    earlier = list(
        selectors.assessment_list(user=user)
        .filter(customer=assessment.customer)
        .exclude(pk=assessment.pk)
        .order_by("-created_at", "-pk")[:10]
    )
    scores = [
        {"label": AssessmentForm.base_fields[name].label, "value": getattr(assessment, name)}
        for name in services.SCORE_FIELDS
    ]
    share = (
        f"{assessment.current_revenue / assessment.potential_revenue * 100:.0f}%"
        if assessment.potential_revenue
        else None
    )
    context = {
        "assessment": assessment,
        "scores": scores,
        "share": share,
        "earlier": earlier,
        "potential_high": services.POTENTIAL_HIGH_SCORE,
        "current_high": f"{int(services.CURRENT_HIGH_SHARE * 100)}%",
        "is_current": not any(e.created_at > assessment.created_at for e in earlier),
    }
    return render(request, "sales/assessment_detail.html", context)
