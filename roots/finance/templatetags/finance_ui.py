"""Template helpers of the finance pages."""

from __future__ import annotations

from django import template
from django.utils import timezone

from roots.finance.models import Invoice

register = template.Library()


@register.filter
def invoice_status(invoice: Invoice) -> str:
    """The invoice's status as shown: `overdue` for an unpaid one past its due date."""
    return invoice.display_status(timezone.localdate())
