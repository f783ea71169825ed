"""Pages of notifications: the list, the bell's drop-down (an htmx fragment loaded when it
opens), and marking one or all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from roots.core.http import safe_next
from roots.core.pages import page_user, scoped_object_or_404
from roots.notifications import selectors, services
from roots.notifications.models import Notification

PAGE_SIZE = 25


def _own(request: HttpRequest, pk: int) -> Notification:
    """One of the user's notifications; anyone else's (or none) is a 404."""
    return scoped_object_or_404(
        selectors.notification_list(user=page_user(request)), request, pk=pk
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """Every notification of the user, newest first (`?unread=1`: the unread ones)."""
    user = page_user(request)
    only_unread = request.GET.get("unread") in ("1", "true")
    rows = selectors.notification_list(user=user, unread=True if only_unread else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            ),
            "only_unread": only_unread,
            "unread": selectors.unread_count(user=user),
        },
    )


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The bell's unread count (one COUNT), a fragment the top bar loads after the page."""
    return render(
        request,
        "notifications/_badge.html",
        {"count": selectors.unread_count(user=page_user(request))},
    )


@login_required
@require_GET
def notification_menu(request: HttpRequest) -> HttpResponse:
    """The bell's drop-down: the latest notifications and the unread count (a fragment)."""
    user = page_user(request)
    response = render(
        request,
        "notifications/_menu.html",
        {
            "items": selectors.latest(user=user),
            "unread": selectors.unread_count(user=user),
            "next": safe_next(request, reverse("notification-list")),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _target(notification: Notification) -> str:
    url = notification.url
    return url if url.startswith("/") and not url.startswith("//") else ""


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, then go to what it is about."""
    notification = services.notification_mark_read(
        user=page_user(request), notification=_own(request, pk)
    )
    if request.POST.get("open") and _target(notification):
        return redirect(_target(notification))
    return redirect(safe_next(request, reverse("notification-list")))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=page_user(request))
    return redirect(safe_next(request, reverse("notification-list")))
