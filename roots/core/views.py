"""Pages of the shell itself: the global search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from roots.core.global_search import search_all
from roots.core.pages import is_htmx, page_user, render_page


@login_required
def global_search(request: HttpRequest) -> HttpResponse:
    """`/search/?q=`: customers, contacts (also by phone), orders, custom orders,
    opportunities, complaints and statements in the user's scope, grouped by kind. The top
    bar asks with htmx for the drop-down; without htmx this is a page of results."""
    query = request.GET.get("q", "").strip()
    partial = is_htmx(request)
    limit = 5 if partial else 20
    groups = search_all(user=page_user(request), query=query, limit=limit)
    context = {"q": query, "groups": groups, "limit": limit}
    return render_page(
        request, "core/search.html", "core/_search_results.html", context, partial=partial
    )
