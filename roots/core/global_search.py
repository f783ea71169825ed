"""The top bar's search across kinds of record: each app registers what it can find.

An app registers a `SearchKind` from its `searchers.py` (imported by its AppConfig's
`ready()`), so that core knows no app's models (STYLE habit 20: pages that gather other
apps' parts do it by registration). A kind says which page of the navigation it belongs to:
a user who may not open that page does not search that kind, and each kind's `find` starts
from the model's `visible_to(user)`, so a hit is always a record the user may open.

Queries that look like a phone number (digits, spaces, `+`, `-`, brackets) are reduced to
their digits, without a leading China country code, so that `+86 137 3106 9353`,
`137-3106-9353` and `13731069353` find the same contact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roots.core.search import query_terms

if TYPE_CHECKING:
    from roots.org.models import User

PHONE_QUERY = re.compile(r"^\+?[\d\s\-()]{5,}$")
DEFAULT_LIMIT = 5
MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class SearchHit:
    """One found record: what it is called, a line of context and where it lives."""

    title: str
    url: str
    subtitle: str = ""


@dataclass(frozen=True)
class SearchKind:
    """A kind of record the top bar finds.

    `find(user, terms, phone, limit)` answers at most `limit` hits of records visible to
    the user; `terms` are the query's normalised terms (all must match), `phone` the
    query's digits when it looks like a phone number (else None).
    """

    key: str
    label: Any
    icon: str
    nav: str  # the url name of the kind's list page in the navigation
    find: Callable[[User, list[str], str | None, int], list[SearchHit]]
    order: int = 100


@dataclass
class SearchGroup:
    kind: SearchKind
    hits: list[SearchHit] = field(default_factory=list)


_KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> SearchKind:
    """Add a kind of record to the global search (once per key)."""
    _KINDS[kind.key] = kind
    return kind


def registered_kinds() -> list[SearchKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def phone_digits(query: str) -> str | None:
    """The digits of a query that looks like a phone number, without the country code of
    China (`+86`, `0086`); None for any other query."""
    if not PHONE_QUERY.match(query.strip()):
        return None
    digits = re.sub(r"\D", "", query)
    if query.strip().startswith("+86") or digits.startswith("0086"):
        digits = digits[4:] if digits.startswith("0086") else digits[2:]
    return digits if len(digits) >= 5 else None


def kinds_for(user: User) -> list[SearchKind]:
    """The kinds this user may search: those whose list page the navigation offers them."""
    from roots.core.context_processors import may_open

    return [kind for kind in registered_kinds() if may_open(user, kind.nav)]


def search_all(*, user: User, query: str, limit: int = DEFAULT_LIMIT) -> list[SearchGroup]:
    """Every kind's hits for the query, grouped by kind in a fixed order; kinds without a
    hit are left out."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    terms = query_terms(query)
    if not terms:
        return []
    phone = phone_digits(query)
    groups = []
    for kind in kinds_for(user):
        hits = kind.find(user, terms, phone, limit)
        if hits:
            groups.append(SearchGroup(kind=kind, hits=hits))
    return groups


def by_terms(queryset: Any, terms: list[str]) -> Any:
    """Filter on `search_text`: every term must match (see `ScopedQuerySet.search`)."""
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def record_kind(
    *,
    key: str,
    label: Any,
    icon: str,
    nav: str,
    queryset: Callable[[User], Any],
    title: Callable[[Any], str],
    subtitle: Callable[[Any], str],
    url: Callable[[Any], str],
    order: int = 100,
    phone: bool = False,
) -> SearchKind:
    """A kind whose records carry `search_text`: the scoped `queryset(user)` filtered by
    the query's terms (or, for a kind with `phone=True` and a phone-like query, by its
    digits), newest first."""

    def find(user: User, terms: list[str], digits: str | None, limit: int) -> list[SearchHit]:
        qs = queryset(user)
        qs = qs.filter(search_text__contains=digits) if (phone and digits) else by_terms(qs, terms)
        return [
            SearchHit(title=title(obj), subtitle=subtitle(obj), url=url(obj))
            for obj in qs.order_by("-pk")[:limit]
        ]

    return register(SearchKind(key=key, label=label, icon=icon, nav=nav, find=find, order=order))
