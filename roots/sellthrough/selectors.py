"""Reads of the sell-through app, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from roots.org.models import Role, User
from roots.sellthrough.models import CategorySales, FeedKind, SellThrough, Upload, UploadError


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


TEMPLATE_EXAMPLES = 3


def _first_distinct(codes: Any, count: int) -> list[str]:
    found: list[str] = []
    for code in codes:
        if code and code not in found:
            found.append(code)
            if len(found) == count:
                break
    return found


def template_examples(*, user: User, kind: str) -> tuple[list[str], list[str]]:
    """The codes a customer user's template is filled with (D28): its own active outlets
    and the SKUs it deals in (those it reported lately, else those it ordered lately, else
    active SKUs of the catalog), or for category sales those SKUs' categories. Our staff,
    who upload for many customers, get the generic example: ([], [])."""
    from roots.catalog.models import Sku
    from roots.customers.models import Outlet
    from roots.orders.models import Order, OrderLine

    if user.role != Role.CUSTOMER_USER or user.customer_id is None:
        return [], []
    customer_id = user.customer_id
    outlets = list(
        Outlet.objects.visible_to(user)
        .filter(customer_id=customer_id, is_active=True)
        .order_by("code")
        .values_list("code", flat=True)[:TEMPLATE_EXAMPLES]
    )
    reported = (
        SellThrough.objects.visible_to(user)
        .filter(customer_id=customer_id)
        .order_by("-date")
        .values_list("sku_id", flat=True)[:500]
    )
    sku_ids = _first_distinct(reported, TEMPLATE_EXAMPLES)
    if not sku_ids:
        ordered = (
            OrderLine.objects.filter(order__in=Order.objects.visible_to(user))
            .order_by("-order_id")
            .values_list("sku_id", flat=True)[:500]
        )
        sku_ids = _first_distinct(ordered, TEMPLATE_EXAMPLES)
    skus = Sku.objects.visible_to(user).filter(is_active=True)
    skus = skus.filter(pk__in=sku_ids) if sku_ids else skus.order_by("code")
    rows = list(skus.values_list("code", "product_model__category__code")[:TEMPLATE_EXAMPLES])
    if kind == FeedKind.CATEGORY_SALES:
        return outlets, _first_distinct((category for _code, category in rows), 2)
    return outlets, sorted(code for code, _category in rows)
