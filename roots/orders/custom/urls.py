"""Custom-order (made-to-order) pages; included by `roots.orders.urls` at the site root."""

from __future__ import annotations

from typing import Any

from django.urls import path

from roots.orders.custom import views

urlpatterns: list[Any] = [
    path("custom-orders/", views.custom_order_list, name="custom-order-list"),
    path("custom-orders/new/", views.custom_order_create, name="custom-order-create"),
    path("custom-orders/export/", views.custom_order_export, name="custom-order-export"),
    path("custom-orders/demand/", views.custom_demand, name="custom-order-demand"),
    path(
        "custom-orders/demand/export/",
        views.custom_demand_export,
        name="custom-order-demand-export",
    ),
    path("custom-orders/<str:number>/", views.custom_order_detail, name="custom-order-detail"),
    path(
        "custom-orders/<str:number>/<slug:step>/",
        views.custom_order_step,
        name="custom-order-step",
    ),
]
