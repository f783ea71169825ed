"""Order pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from typing import Any

from django.urls import include, path

urlpatterns: list[Any] = [path("", include("roots.orders.custom_urls"))]
