"""Reads of the service app, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from roots.org.models import Role, User
from roots.service.models import ACTIVE_STATUSES, Complaint, ComplaintMessage, ComplaintStatus


def complaint_list(*, user: User, search: str | None = None) -> QuerySet[Complaint]:
    """Complaints the user may see, with what a list row shows joined in one query."""
    return (
        Complaint.objects.visible_to(user)
        .search(search)
        .select_related("customer", "outlet", "owner", "raised_by")
    )


def complaint_detail_queryset(*, user: User) -> QuerySet[Complaint]:
    return complaint_list(user=user).select_related("customer__branch", "customer__account_manager")


def complaint_thread(*, user: User, complaint: Complaint) -> QuerySet[ComplaintMessage]:
    """The complaint's thread as the user may read it (customers never see internal notes)."""
    return (
        ComplaintMessage.objects.visible_to(user)
        .filter(complaint=complaint)
        .select_related("author")
        .order_by("created_at", "id")
    )


def complaint_owner_choices(*, user: User, complaint: Complaint) -> QuerySet[User]:
    """Account managers of the customer's branch (whom a branch manager may assign)."""
    return User.objects.filter(
        role=Role.ACCOUNT_MANAGER, is_active=True, branch_id=complaint.customer.branch_id
    ).order_by("username")


@dataclass(frozen=True)
class ComplaintCounts:
    """Headline numbers of the complaints in a user's scope (or of one customer)."""

    active: int
    overdue: int
    resolved: int
    resolved_within_sla: int

    @property
    def sla_rate(self) -> float | None:
        """Share of the resolved complaints resolved within their SLA."""
        return self.resolved_within_sla / self.resolved if self.resolved else None


def complaint_counts(*, user: User, customer_id: int | None = None) -> ComplaintCounts:
    """One aggregate query over the user's scope (optionally one customer)."""
    now = timezone.now()
    queryset = Complaint.objects.visible_to(user)
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    active = Q(status__in=ACTIVE_STATUSES)
    overdue = active & (
        Q(first_response_at__isnull=True, response_due__lt=now)
        | Q(first_response_at__isnull=False, resolution_due__lt=now)
    )
    resolved = Q(status__in=(ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED))
    row = queryset.aggregate(
        active=Count("pk", filter=active),
        overdue=Count("pk", filter=overdue),
        resolved=Count("pk", filter=resolved),
        within=Count("pk", filter=resolved & Q(resolved_within_sla=True)),
    )
    return ComplaintCounts(
        active=row["active"] or 0,
        overdue=row["overdue"] or 0,
        resolved=row["resolved"] or 0,
        resolved_within_sla=row["within"] or 0,
    )
