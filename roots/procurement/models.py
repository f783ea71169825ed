"""Procurement (BBP). For now only the supplier master that supplier users belong to; RFQs,
auctions, POs and scorecards come with the procurement issue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from roots.core.models import TimeStampedModel


class Supplier(TimeStampedModel):
    """A supplier of parts and materials (2,000+ at Haier scale)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    province = models.ForeignKey(
        "org.Province", verbose_name=_("province"), on_delete=models.PROTECT, null=True
    )
    category = models.CharField(_("supplied category"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return self.name
