"""Inventory pages (进销存); included at the site root, so each path names its own prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from roots.sellthrough.inventory import views

urlpatterns: list[URLPattern] = [
    path("sellthrough/inventory/", views.stock_position, name="inventory"),
    path(
        "sellthrough/inventory/export.xlsx",
        views.stock_position_export,
        name="inventory-export",
    ),
    path("sellthrough/sell-through/", views.sell_through_rate, name="sell-through-rate"),
    path(
        "sellthrough/sell-through/export.xlsx",
        views.sell_through_rate_export,
        name="sell-through-export",
    ),
    path("sellthrough/alerts/", views.stock_alerts, name="stock-alerts"),
    path(
        "sellthrough/alerts/export.xlsx",
        views.stock_alerts_export,
        name="stock-alerts-export",
    ),
]
