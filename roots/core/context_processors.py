"""The shell's navigation: what each role may open (no links to what does not exist).

Core knows no roles and no app (docs/architecture.md, "Layering"): the table of entries,
each with the roles that see it, is the top app's (`roots/home/navigation.py`), which sets it
here from its AppConfig.ready. `navigation` (the context processor) and `may_open` read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

# (key, label, icon) of a domain group of the sidebar, in order.
NavGroup = tuple[str, Any, str]
# (url name, group ("" stands above the groups), label, icon, roles that see it)
NavEntry = tuple[str, str, Any, str, frozenset[str]]

NAV_GROUPS: list[NavGroup] = []
NAVIGATION: list[NavEntry] = []


def set_navigation(*, groups: Iterable[NavGroup], entries: Iterable[NavEntry]) -> None:
    """Set the sidebar's groups and entries (the top app does, once, when Django starts)."""
    NAV_GROUPS[:] = list(groups)
    NAVIGATION[:] = list(entries)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, group, label, icon, roles in NAVIGATION:
        if user.role in roles:
            items.append(
                {
                    "url": reverse(name),
                    "group": group,
                    "label": label,
                    "icon": icon,
                    "active": False,
                }
            )
    # The entry whose address is the longest prefix of the page's is the active one (on
    # /orders/desk/ that is "Order desk", not also "Orders").
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    from roots.core.global_search import kinds_for

    return {
        "nav_items": items,
        "nav_groups": _grouped(items),
        "can_search": bool(kinds_for(user)),
    }


def _grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sidebar's sections: the ungrouped entries first, then one collapsible section
    per domain that has entries for this user; the section of the active entry is open."""
    sections: list[dict[str, Any]] = [
        {"key": "", "label": "", "icon": "", "items": [i for i in items if not i["group"]]}
    ]
    for key, label, icon in NAV_GROUPS:
        members = [i for i in items if i["group"] == key]
        if members:
            active = any(i["active"] for i in members)
            sections.append(
                {"key": key, "label": label, "icon": icon, "items": members, "active": active}
            )
    return sections


def may_open(user: Any, url_name: str) -> bool:
    """Whether the navigation offers this user the page named `url_name`."""
    return any(name == url_name and user.role in roles for name, _g, _l, _i, roles in NAVIGATION)
