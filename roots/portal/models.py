"""The portal: news that headquarters publishes to channel customers (and to our staff)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateTimeField
from roots.core.models import ScopedQuerySet, VersionedModel
from roots.customers.models import ChannelType, Customer
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User


class NewsKind(models.TextChoices):
    NEWS = "news", _("News")
    PROMOTION_NOTICE = "promotion_notice", _("Promotion notice")
    POLICY = "policy", _("Policy")


def audience_condition(channel_type: str) -> Q:
    """News for everyone (an empty audience) or naming this channel type. The audience is a
    JSON list; matching its text on the quoted value works on SQLite and PostgreSQL alike
    (no channel type's quoted name is part of another's)."""
    return Q(audience=[]) | Q(audience__icontains=f'"{channel_type}"')


class NewsQuerySet(ScopedQuerySet):
    def published(self, now: Any = None) -> Self:
        return self.filter(is_published=True, published_at__lte=now or timezone.now())

    def visible_to(self, user: User) -> Self:
        """Headquarters sees every item (drafts and scheduled ones too); other staff read
        what is published; a customer user what is published for its channel type;
        suppliers nothing."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.HQ_ADMIN:
            return self.all()
        if user.is_staff_role:
            return self.published()
        if user.role == Role.CUSTOMER_USER and user.customer_id:
            channel = (
                Customer.objects.filter(pk=user.customer_id)
                .values_list("channel_type", flat=True)
                .first()
            )
            if channel is None:
                return self.none()
            return self.published().filter(audience_condition(channel))
        return self.none()


class NewsItem(VersionedModel):
    """A piece of news from headquarters: a notice of a promotion, a policy, company news.
    `audience` lists the channel types it is for (empty: every channel customer)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), max_length=20000, help_text=_("Plain text; a blank line starts a paragraph.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NewsKind.choices, default="news")
    published_at = BusinessDateTimeField(_("published at"), default=timezone.now, db_index=True)
    audience = models.JSONField(
        _("audience (channel types)"),
        default=list,
        blank=True,
        help_text=_("The channel types it is for; empty for every channel customer."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    author = models.ForeignKey(
        "org.User",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = NewsQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["is_published", "published_at"], name="portal_news_pub")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        audience = self.audience
        valid = set(ChannelType.values)
        if not isinstance(audience, list) or not all(
            isinstance(v, str) and v in valid for v in audience
        ):
            raise ValidationError({"audience": [_("Choose channel types from the list.")]})
        self.audience = sorted(set(audience))

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(ChannelType.choices)
        return [str(labels.get(v, v)) for v in self.audience or []]
