"""The KPI pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from django.urls import URLPattern, path

from roots.kpis import views

urlpatterns: list[URLPattern] = [
    path("kpis/", views.kpi_home, name="kpi-home"),
    path("kpis/export/", views.kpi_home_export, name="kpi-home-export"),
    path("kpis/customers/<str:code>/", views.kpi_customer, name="kpi-customer"),
    path(
        "kpis/customers/<str:code>/export/",
        views.kpi_customer_export,
        name="kpi-customer-export",
    ),
    path(
        "kpis/account-managers/<str:username>/",
        views.kpi_account_manager,
        name="kpi-account-manager",
    ),
    path(
        "kpis/account-managers/<str:username>/export/",
        views.kpi_account_manager_export,
        name="kpi-account-manager-export",
    ),
    path("kpis/branches/<str:code>/", views.kpi_branch, name="kpi-branch"),
    path("kpis/branches/<str:code>/export/", views.kpi_branch_export, name="kpi-branch-export"),
]
