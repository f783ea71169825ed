"""Catalog and promotion pages; included at the site root, so each path names its prefix."""

from django.urls import path

from roots.catalog import views

urlpatterns = [
    path("catalog/", views.catalog_list, name="catalog-list"),
    path("catalog/<str:code>/", views.catalog_detail, name="catalog-detail"),
    path("promotions/", views.promotion_list, name="promotion-list"),
    path("promotions/new/", views.promotion_create, name="promotion-create"),
    path("promotions/<str:code>/", views.promotion_detail, name="promotion-detail"),
    path("promotions/<str:code>/edit/", views.promotion_edit, name="promotion-edit"),
]
