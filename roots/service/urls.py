"""The app's pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from typing import Any

from django.urls import path

from roots.service import views

urlpatterns: list[Any] = [
    path("complaints/", views.complaint_list, name="complaint-list"),
    path("complaints/export/", views.complaint_export, name="complaint-export"),
    path("complaints/new/", views.complaint_create, name="complaint-create"),
    path("complaints/<str:number>/", views.complaint_detail, name="complaint-detail"),
    path(
        "complaints/<str:number>/<slug:action>/",
        views.complaint_action,
        name="complaint-action",
    ),
]
