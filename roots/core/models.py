"""Shared model parts: scoped querysets, versioned records and idempotency records."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roots.core.search import build_search_text, query_terms

if TYPE_CHECKING:
    from roots.org.models import User


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows which rows a user may see (NetBox's `RestrictedQuerySet`).

    Every model that holds business data defines `visible_to(user)`; HTML views, the API,
    search and exports all start from it. Code that must see everything says so by calling
    `all_unscoped()`, so that a bypass is visible in review.

    A queryset remembers whom `visible_to` scoped it for (through `filter()`, `order_by()`
    and the like), so that the API and page bases apply the scope after whatever a view's
    own queryset did (`scoped_for(user)`), without joining it twice.
    """

    # Whom `visible_to` last scoped this queryset for (`_scope_key`); None: not scoped.
    _scoped_for: tuple[str, Any] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every model's own `visible_to` marks what it answers, so that no model can forget.
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("visible_to")
        if own is not None and not getattr(own, "marks_scope", False):
            setattr(cls, "visible_to", _marking(own))  # noqa: B010 - a method, not an attribute

    def visible_to(self, user: User) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError

    def scoped_for(self, user: Any) -> Self:
        """`visible_to(user)` unless it was applied already (to this queryset or the one it
        came from): what the bases call after a view's own queryset."""
        if self._scoped_for is not None and self._scoped_for == _scope_key(user):
            return self
        return self.visible_to(user)

    def _clone(self) -> Self:
        clone: Self = super()._clone()  # type: ignore[misc]  # not in django-stubs
        clone._scoped_for = self._scoped_for
        return clone

    def _keep_scope_if_shared(self, combined: Self, others: tuple[Any, ...]) -> Self:
        # A union is inside the scope only if every part is; an intersection or a
        # difference is a part of `self`, and keeps its mark through `_clone`.
        if combined is self or any(combined is other for other in others):
            return combined
        if not all(getattr(other, "_scoped_for", None) == self._scoped_for for other in others):
            combined._scoped_for = None
        return combined

    def __or__(self, other: Any) -> Self:
        return self._keep_scope_if_shared(super().__or__(other), (other,))

    def __xor__(self, other: Any) -> Self:
        return self._keep_scope_if_shared(super().__xor__(other), (other,))

    def union(self, *other_qs: Any, all: bool = False) -> Self:
        return self._keep_scope_if_shared(super().union(*other_qs, all=all), other_qs)

    def all_unscoped(self) -> Self:
        return self.all()

    def search(self, query: str | None) -> Self:
        """Filter on `search_text` (characters, pinyin, initials); every term must match."""
        qs = self
        for term in query_terms(query or ""):
            qs = qs.filter(search_text__contains=term)
        return qs


def _scope_key(user: Any) -> tuple[str, Any]:
    return ("user", getattr(user, "pk", None))


def _marking(visible_to: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(visible_to)
    def marked(self: ScopedQuerySet[Any], user: Any) -> Any:
        queryset = visible_to(self, user)
        queryset._scoped_for = _scope_key(user)
        return queryset

    marked.marks_scope = True  # type: ignore[attr-defined]
    return marked


class SearchableMixin:
    """A model searched by name keeps a `search_text` column (characters, full pinyin and
    initials of `search_fields`); services call `refresh_search_text()` before saving."""

    search_fields: ClassVar[tuple[str, ...]] = ()
    search_text: str

    def refresh_search_text(self) -> None:
        self.search_text = build_search_text(*(getattr(self, f) for f in self.search_fields))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited through services: `version` grows by one with every change and is
    the record's ETag, so that a client's `If-Match` detects a lost update."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an `Idempotency-Key`, replayed on a retry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body: Any = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class Sequence(models.Model):
    """Counters for business codes (`C000123`), incremented under a row lock."""

    name = models.CharField(max_length=50, primary_key=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"
