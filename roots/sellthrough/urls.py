"""The app's pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from typing import Any

from django.urls import path, re_path

from roots.sellthrough import views

urlpatterns: list[Any] = [
    path("sellthrough/", views.sellthrough_home, name="sellthrough-home"),
    path("sellthrough/uploads/<int:pk>/", views.upload_detail, name="sellthrough-upload-detail"),
    path(
        "sellthrough/uploads/<int:pk>/errors.csv",
        views.upload_errors_csv,
        name="sellthrough-upload-errors",
    ),
    re_path(
        r"^sellthrough/template/(?P<kind>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        views.template_download,
        name="sellthrough-template",
    ),
]
