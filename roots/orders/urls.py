"""Order pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from typing import Any

from django.urls import include, path

from roots.orders import views

urlpatterns: list[Any] = [
    path("orders/", views.order_list, name="order-list"),
    path("orders/export/", views.order_export, name="order-export"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/new/products/", views.order_new_products, name="order-new-products"),
    path("orders/new/cart/", views.order_new_cart, name="order-new-cart"),
    path("orders/desk/", views.order_desk, name="order-desk"),
    path("orders/desk/bulk/", views.order_desk_bulk, name="order-desk-bulk"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/<slug:action>/", views.order_action, name="order-action"),
    path("", include("roots.orders.custom.urls")),
]
