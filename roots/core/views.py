"""Pages of the shell itself: the global search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roots.core.global_search import search_all


@login_required
def global_search(request: HttpRequest) -> HttpResponse:
    """`/search/?q=`: customers, contacts (also by phone), orders, custom orders,
    opportunities, complaints and statements in the user's scope, grouped by kind. The top
    bar asks with htmx for the drop-down; without htmx this is a page of results."""
    query = request.GET.get("q", "").strip()
    partial = bool(getattr(request, "htmx", False))
    limit = 5 if partial else 20
    groups = search_all(user=request.user, query=query, limit=limit)  # type: ignore[arg-type]
    template = "core/_search_results.html" if partial else "core/search.html"
    return render(request, template, {"q": query, "groups": groups, "limit": limit})
