"""Shared model parts: scoped querysets, versioned records and idempotency records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roots.core.search import build_search_text, query_terms

if TYPE_CHECKING:
    from roots.org.models import User


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see (NetBox's `RestrictedQuerySet`).

    Every model that holds business data defines `visible_to(user)`; HTML views, the API,
    search and exports all start from it. Code that must see everything says so by calling
    `all_unscoped()`, so that a bypass is visible in review.
    """

    def visible_to(self, user: User) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError

    def all_unscoped(self) -> Self:
        return self.all()

    def search(self, query: str | None) -> Self:
        """Filter on `search_text` (characters, pinyin, initials); every term must match."""
        qs = self
        for term in query_terms(query or ""):
            qs = qs.filter(search_text__contains=term)
        return qs


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
