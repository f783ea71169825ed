"""Disputes of an issued statement's lines, with their threads (the steps are declared in
`roots.finance.lifecycles.disputes`)."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.dates import BusinessDateTimeField
from roots.core.models import SearchableMixin, TimeStampedModel, VersionedModel
from roots.customers.models import CustomerScopedQuerySet
from roots.finance.models.statements import Statement, StatementLine


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class DisputeQuerySet(CustomerScopedQuerySet):
    """Disputes are visible with their customer."""

    def unclosed(self) -> Self:
        return self.exclude(status=DisputeStatus.CLOSED)


class Dispute(SearchableMixin, VersionedModel):
    """The customer's objection to lines of an issued statement, tracked to closure."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="disputes"
    )
    # Denormalised from the statement: scoping and the desk's filters read it directly.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lines = models.ManyToManyField(
        StatementLine, verbose_name=_("disputed lines"), related_name="disputes", blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DisputeStatus.choices,
        default=DisputeStatus.OPEN,
        db_index=True,
    )
    opened_by = models.ForeignKey(
        "org.User",
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    comment = models.TextField(_("comment"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        "org.User",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = BusinessDateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "org.User",
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = BusinessDateTimeField(_("closed at"), null=True, blank=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = DisputeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    search_fields = ("number",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["status", "created_at"], name="fin_dispute_desk")]

    def __str__(self) -> str:
        return self.number


class DisputeMessageQuerySet(CustomerScopedQuerySet):
    customer_path = "dispute__customer__"


class DisputeMessage(TimeStampedModel):
    """One message of a dispute's thread (the opening comment, answers, replies)."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        "org.User",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    body = models.TextField(_("message"), max_length=2000)

    objects = DisputeMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.body[:30]}"
