"""Reads of the customer master, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from rapidfuzz import fuzz, process, utils

from roots.customers.models import Contact, Customer, Outlet

if TYPE_CHECKING:
    from roots.org.models import User

# Words that every company name carries; they make unrelated names look alike.
_COMMON_WORDS = ("有限责任公司", "股份有限公司", "有限公司", "集团", "公司", "商贸", "电器", "家电")


def customer_list(*, user: User, search: str | None = None) -> QuerySet[Customer]:
    """Customers the user may see, with what the list shows joined in one query."""
    return (
        Customer.objects.visible_to(user).search(search).select_related("branch", "account_manager")
    )


def customer_detail_queryset(*, user: User) -> QuerySet[Customer]:
    return (
        Customer.objects.visible_to(user)
        .select_related("branch", "branch__province", "account_manager")
        .annotate(outlet_count=Count("outlets", distinct=True))
    )


def outlet_list(*, user: User, search: str | None = None) -> QuerySet[Outlet]:
    return Outlet.objects.visible_to(user).search(search).select_related("customer", "province")


def contact_list(*, user: User, search: str | None = None) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user).search(search).select_related("customer")


@dataclass(frozen=True)
class SimilarCustomers:
    """Customers whose names are close to a new one: those the user may see by name, and
    a count of the others (their names are outside the user's scope)."""

    visible: list[tuple[Customer, float]]
    hidden_count: int


def _core_name(name: str) -> str:
    for word in _COMMON_WORDS:
        name = name.replace(word, "")
    return utils.default_process(name) or name


def customer_similar(
    *, user: User, name: str, exclude_pk: int | None = None, threshold: float = 85.0, limit: int = 5
) -> SimilarCustomers:
    """Duplicate warning for a new or renamed customer (rapidfuzz over every customer name).

    The comparison runs over all customers, because a duplicate in another branch is still a
    duplicate; only names inside the user's scope are shown.
    """
    if not name or len(name.strip()) < 2:
        return SimilarCustomers(visible=[], hidden_count=0)
    candidates = Customer.objects.all_unscoped().values_list("pk", "name")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    choices = {pk: _core_name(n) for pk, n in candidates}
    query = _core_name(name)
    if not query:
        return SimilarCustomers(visible=[], hidden_count=0)
    matches = process.extract(
        query, choices, scorer=fuzz.WRatio, score_cutoff=threshold, limit=50, processor=None
    )
    if not matches:
        return SimilarCustomers(visible=[], hidden_count=0)
    scores = {key: score for _choice, score, key in matches}
    visible_ids = set(
        Customer.objects.visible_to(user).filter(pk__in=scores).values_list("pk", flat=True)
    )
    visible = sorted(
        ((c, scores[c.pk]) for c in Customer.objects.filter(pk__in=visible_ids)),
        key=lambda pair: -pair[1],
    )[:limit]
    return SimilarCustomers(visible=visible, hidden_count=len(scores) - len(visible_ids))
