"""Reads of the customer master, always through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from rapidfuzz import fuzz, process, utils

from roots.core.selectors import HistoryEntry, history_entries
from roots.customers.models import ChannelType, Contact, Customer, Outlet, Priority, Tier
from roots.org.models import Branch, Role, User
from roots.org.people import label_people

# Words that every company name carries; they make unrelated names look alike.
_COMMON_WORDS = ("有限责任公司", "股份有限公司", "有限公司", "集团", "公司", "商贸", "电器", "家电")


# The columns a list or search result needs (with the branch and account manager joined).
CUSTOMER_LIST_COLUMNS = (
    "id",
    "code",
    "name",
    "name_en",
    "channel_type",
    "branch",
    "account_manager",
    "is_key_account",
    "tier",
    "priority",
    "credit_limit",
    "status",
    "phone",
    "version",
    "updated_at",
)


def customer_list(*, user: User, search: str | None = None) -> QuerySet[Customer]:
    """Customers the user may see, with what the list shows joined in one query."""
    return (
        Customer.objects.visible_to(user).search(search).select_related("branch", "account_manager")
    )


def _count_of(queryset: QuerySet, field: str) -> Subquery:
    """A correlated `COUNT(*)` of `queryset` rows whose `field` is the outer customer."""
    return Subquery(
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n"),
        output_field=IntegerField(),
    )


def customer_detail_queryset(*, user: User) -> QuerySet[Customer]:
    """Customers with what the 360 page's header and tab badges show, in one query."""
    return (
        Customer.objects.visible_to(user)
        .select_related("branch", "branch__province", "account_manager")
        .annotate(
            outlet_count=Coalesce(_count_of(Outlet.objects.all(), "customer"), 0),
            contact_count=Coalesce(_count_of(Contact.objects.all(), "customer"), 0),
            history_count=Coalesce(
                _count_of(Customer.history.model._default_manager.all(), "id"), 0
            ),
        )
    )


def customer_primary_contact(*, user: User, customer: Customer) -> Contact | None:
    return Contact.objects.visible_to(user).filter(customer=customer, is_primary=True).first()


def customer_history(*, user: User, customer: Customer) -> list[HistoryEntry]:
    """The customer's change history as `user` may read it: without the fields hidden from
    the user's role (a customer user does not see our classification and internal notes)."""
    from roots.customers.policies import customer_hidden_fields

    return history_entries(instance=customer, hidden=customer_hidden_fields(user))


def contact_history(*, user: User, contact: Contact) -> list[HistoryEntry]:
    """The contact's change history as `user` may read it (a customer user: without the
    personal profile)."""
    from roots.customers.policies import contact_hidden_fields

    return history_entries(instance=contact, hidden=contact_hidden_fields(user))


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


# --- dashboard ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountItem:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ProvinceCount:
    short_name: str
    name: str
    name_en: str
    count: int


@dataclass(frozen=True)
class CustomerDashboardStats:
    """What the staff dashboard shows about the customers in the user's scope."""

    total: int
    key_accounts: int
    by_channel: list[CountItem]
    by_tier: list[CountItem]
    by_priority: list[CountItem]
    outlets_total: int
    outlets_by_province: list[ProvinceCount]
    recent: list[Customer]

    @property
    def priority_a_plus(self) -> int:
        return next((p.count for p in self.by_priority if p.key == Priority.A_PLUS), 0)


def customer_dashboard_stats(*, user: User, recent: int = 8) -> CustomerDashboardStats:
    """Counts by channel type, tier, priority and key account (one grouped query), active
    outlets per province for the map (one grouped query) and the recently changed customers."""
    customers = Customer.objects.visible_to(user)
    groups = list(
        customers.order_by()
        .values("channel_type", "tier", "priority", "is_key_account")
        .annotate(n=Count("pk"))
    )
    channel: dict[str, int] = {}
    tier: dict[str, int] = {}
    priority: dict[str, int] = {}
    key_accounts = 0
    for row in groups:
        channel[row["channel_type"]] = channel.get(row["channel_type"], 0) + row["n"]
        tier[row["tier"]] = tier.get(row["tier"], 0) + row["n"]
        priority[row["priority"]] = priority.get(row["priority"], 0) + row["n"]
        if row["is_key_account"]:
            key_accounts += row["n"]
    provinces = [
        ProvinceCount(
            short_name=row["province__short_name"],
            name=row["province__name"],
            name_en=row["province__name_en"],
            count=row["n"],
        )
        for row in Outlet.objects.visible_to(user)
        .filter(is_active=True)
        .order_by()
        .values("province__short_name", "province__name", "province__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    return CustomerDashboardStats(
        total=sum(channel.values()),
        key_accounts=key_accounts,
        by_channel=[CountItem(c.value, str(c.label), channel.get(c.value, 0)) for c in ChannelType],
        by_tier=[CountItem(t.value, str(t.label), tier.get(t.value, 0)) for t in Tier],
        by_priority=[CountItem(p.value, str(p.label), priority.get(p.value, 0)) for p in Priority],
        outlets_total=sum(p.count for p in provinces),
        outlets_by_province=provinces,
        recent=list(
            customers.select_related("branch", "account_manager").order_by("-updated_at", "-pk")[
                :recent
            ]
        ),
    )


# --- list filters ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CustomerFilterChoices:
    """Options of the list's branch and account-manager filters; empty when the user's scope
    has only one of them (an account manager's own customers)."""

    branches: list[Branch]
    account_managers: list[User]


def customer_filter_choices(*, user: User) -> CustomerFilterChoices:
    if user.role in (Role.HQ_ADMIN, Role.PRODUCT_MANAGER):
        branches = list(Branch.objects.visible_to(user).filter(is_active=True).only("code", "name"))
        managers = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
    elif user.role == Role.BRANCH_MANAGER and user.branch_id:
        branches = []
        managers = User.objects.filter(
            role=Role.ACCOUNT_MANAGER, is_active=True, branch_id=user.branch_id
        )
    else:
        return CustomerFilterChoices(branches=[], account_managers=[])
    return CustomerFilterChoices(
        branches=branches,
        # Two people of the same name are told apart by their branch (label_people).
        account_managers=label_people(
            managers.select_related(None)
            .select_related("branch")
            .only("username", "full_name", "first_name", "last_name", "branch__name")
            .order_by("username")
        ),
    )


def reassign_candidates(*, user: User) -> QuerySet[User]:
    """The account managers `user` may give customers to: a branch manager's branch's;
    headquarters' every branch's (the customer's branch is checked per customer)."""
    from roots.customers import policies

    if not policies.can_reassign_customers(user):
        return User.objects.none()
    managers = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
    if user.role != Role.HQ_ADMIN:
        managers = managers.filter(branch=user.branch)
    return managers.select_related("branch").order_by("branch__code", "username")
