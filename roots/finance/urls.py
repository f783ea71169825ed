"""The app's pages; included at the site root, so each path names its own prefix."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
