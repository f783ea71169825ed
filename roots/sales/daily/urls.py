"""Pages of the OEC daily board (日清); included at the site root."""

from __future__ import annotations

from django.urls import URLPattern, path

from roots.sales.daily import views

urlpatterns: list[URLPattern] = [
    path("daily/", views.daily_board, name="daily-board"),
    path("daily/team/", views.daily_team, name="daily-team"),
    path("daily/team/export/", views.daily_team_export, name="daily-team-export"),
    path("daily/add/", views.daily_add, name="daily-add"),
    path("daily/bulk/", views.daily_bulk, name="daily-bulk"),
    path("daily/refresh/", views.daily_refresh, name="daily-refresh"),
    path("daily/items/<int:pk>/<slug:step>/", views.daily_item_step, name="daily-item-step"),
]
