"""Reads of the sell-through app, always through the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from roots.org.models import User
from roots.sellthrough.models import CategorySales, SellThrough, Upload, UploadError


def upload_list(*, user: User) -> QuerySet[Upload]:
    """Uploads the user may see (with their customer's), newest first, with what a list
    row shows joined in one query."""
    return Upload.objects.visible_to(user).select_related("customer", "uploaded_by")


def upload_errors(*, user: User, upload: Upload) -> QuerySet[UploadError]:
    """The rejected rows of an upload in file order (the error report)."""
    return (
        UploadError.objects.visible_to(user)
        .filter(upload_id=upload.pk)
        .order_by("row_number", "pk")
    )


def sellthrough_list(*, user: User) -> QuerySet[SellThrough]:
    """Feed rows the user may see, newest day first."""
    return SellThrough.objects.visible_to(user).select_related("customer", "outlet", "sku")


def category_sales_list(*, user: User) -> QuerySet[CategorySales]:
    """Category-sales rows the user may see, newest day first."""
    return CategorySales.objects.visible_to(user).select_related("customer", "outlet", "category")
