"""Who may change what in the customer master (reads are scoped by `visible_to`).

What each role may write is an allow-list per model (`CUSTOMER_FIELDS`, `OUTLET_FIELDS`,
`CONTACT_FIELDS`: `{role: fields}`); the edit forms and the API's writable fields both derive
from it (`roots.core.fields`). A role missing from a map writes nothing there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roots.core.fields import FieldAllowList, writable_fields
from roots.org.models import Role

if TYPE_CHECKING:
    from django.db import models

    from roots.customers.models import Customer
    from roots.org.models import User

# --- customers -------------------------------------------------------------------------------
# What the customer's own people keep up to date: who they are and how to reach them.
CUSTOMER_PROFILE = frozenset(
    {
        "name",
        "name_en",
        "legal_representative",
        "tax_id",
        "registered_capital",
        "founded_year",
        "employees",
        "store_count",
        "annual_revenue",
        "sales_area",
        "brands_carried",
        "main_competitors",
        "organisation",
        "marketing_model",
        "price_system",
        "product_structure",
        "address",
        "phone",
        "email",
        "website",
        "shared_notes",
    }
)
# Our classification of the customer, kept by its account manager (and above).
CUSTOMER_CLASSIFICATION = frozenset(
    {"channel_type", "status", "is_key_account", "tier", "priority", "joined_on", "notes"}
)
# Credit: the payment terms set its invoices' due dates (finance `payment_days`).
CUSTOMER_CREDIT = frozenset({"credit_limit", "credit_rating", "payment_terms"})
CUSTOMER_OWNERSHIP = frozenset({"branch", "account_manager"})

CUSTOMER_FIELDS: FieldAllowList = {
    Role.HQ_ADMIN: CUSTOMER_PROFILE
    | CUSTOMER_CLASSIFICATION
    | CUSTOMER_CREDIT
    | CUSTOMER_OWNERSHIP,
    # A branch manager moves customers between its account managers, not between branches.
    Role.BRANCH_MANAGER: CUSTOMER_PROFILE
    | CUSTOMER_CLASSIFICATION
    | CUSTOMER_CREDIT
    | {"account_manager"},
    # An account manager keeps its customers' profiles and terms, not their credit limit.
    Role.ACCOUNT_MANAGER: CUSTOMER_PROFILE
    | CUSTOMER_CLASSIFICATION
    | (CUSTOMER_CREDIT - {"credit_limit"}),
    # A customer's own staff: the profile only (no ownership, credit or classification).
    Role.CUSTOMER_USER: CUSTOMER_PROFILE,
}
# Set when the customer is created, never changed: to the roles that create customers a
# change is bad input (400); to the others it is a field they may not write (403).
CUSTOMER_FIXED_FIELDS: FieldAllowList = {
    role: frozenset({"code"}) for role in (Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER)
}
# Our view of the customer that its own people do not see (ux review D26): the
# classification and the account manager's internal note. Left out of the page, the API's
# answers and the history shown to them.
CUSTOMER_INTERNAL_FIELDS = frozenset(
    {"is_key_account", "tier", "priority", "credit_rating", "notes"}
)
CUSTOMER_HIDDEN_FIELDS: FieldAllowList = {Role.CUSTOMER_USER: CUSTOMER_INTERNAL_FIELDS}

# --- outlets and contacts: every role that may edit the customer ------------------------------
OUTLET_EDIT = frozenset(
    {
        "name",
        "format",
        "province",
        "city",
        "address",
        "latitude",
        "longitude",
        "floor_area",
        "opened_on",
        "is_active",
    }
)
CUSTOMER_EDITORS = (Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER, Role.CUSTOMER_USER)
OUTLET_FIELDS: FieldAllowList = dict.fromkeys(CUSTOMER_EDITORS, OUTLET_EDIT)
# An outlet keeps its code and its customer (a change answers 400).
OUTLET_FIXED_FIELDS: FieldAllowList = {
    role: frozenset({"code", "customer"}) for role in CUSTOMER_EDITORS
}

# The contact card: what the customer's people keep about themselves.
CONTACT_CARD = frozenset(
    {"name", "name_en", "gender", "title", "department", "is_primary", "phone", "mobile", "email"}
)
# The salesperson's personal profile of the contact (seed 002): staff only.
CONTACT_PROFILE = frozenset(
    {
        "nickname",
        "is_decision_maker",
        "birthday",
        "birthplace",
        "education",
        "personality",
        "hobbies",
        "preferences",
        "taboos",
        "anniversaries",
        "family",
        "notes",
    }
)
CONTACT_FIELDS: FieldAllowList = {
    Role.HQ_ADMIN: CONTACT_CARD | CONTACT_PROFILE,
    Role.BRANCH_MANAGER: CONTACT_CARD | CONTACT_PROFILE,
    Role.ACCOUNT_MANAGER: CONTACT_CARD | CONTACT_PROFILE,
    Role.CUSTOMER_USER: CONTACT_CARD,
}
CONTACT_FIXED_FIELDS: FieldAllowList = {role: frozenset({"customer"}) for role in CUSTOMER_EDITORS}
# The personal profile is our salespeople's knowledge of the person: the customer's own
# users do not read it (their colleagues' birthdays, family, taboos) on the page, in the
# API's answers or in the history.
CONTACT_HIDDEN_FIELDS: FieldAllowList = {Role.CUSTOMER_USER: CONTACT_PROFILE}


def editable_fields(model: type[models.Model], allow: FieldAllowList) -> list[str]:
    """The fields of `model` that some role may write, in the model's order: what the edit
    form has, and the writable part of the API's record."""
    names = frozenset().union(*allow.values())
    return [f.name for f in model._meta.get_fields() if f.concrete and f.name in names]


def can_create_customer(user: User) -> bool:
    return user.has_role(Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER)


def can_edit_customer(user: User, customer: Customer) -> bool:
    """Every role that sees a customer may edit it, except product managers (read-only)."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    if user.has_role(Role.BRANCH_MANAGER):
        return customer.branch_id == user.branch_id
    if user.has_role(Role.ACCOUNT_MANAGER):
        return customer.account_manager_id == user.pk
    if user.has_role(Role.CUSTOMER_USER):
        return customer.pk == user.customer_id
    return False


# Who has the customer list: staff who sell or plan, and the customers' own people. Call
# agents, engineers and suppliers serve no channel customer (403, as /orders/).
CUSTOMER_LIST_ROLES = (
    Role.HQ_ADMIN,
    Role.BRANCH_MANAGER,
    Role.ACCOUNT_MANAGER,
    Role.PRODUCT_MANAGER,
    Role.CUSTOMER_USER,
)


def can_list_customers(user: User) -> bool:
    return user.has_role(*CUSTOMER_LIST_ROLES)


def can_reassign_customers(user: User) -> bool:
    """Headquarters (any branch) and a branch manager (their own branch) give customers to
    another account manager."""
    if user.has_role(Role.HQ_ADMIN):
        return True
    return user.has_role(Role.BRANCH_MANAGER) and bool(user.branch_id)


def can_reassign(user: User, customer: Customer) -> bool:
    """Whether `user` may give `customer` to another account manager: headquarters any
    customer, a branch manager only the customers of their branch."""
    if not can_reassign_customers(user):
        return False
    return user.role == Role.HQ_ADMIN or customer.branch_id == user.branch_id


def customer_writable_fields(user: User) -> frozenset[str]:
    """The customer fields `user`'s role may write (on the records it may edit)."""
    return writable_fields(user, CUSTOMER_FIELDS)


def contact_hidden_fields(user: User) -> frozenset[str]:
    """The contact fields `user` does not see (the personal profile, for customer users)."""
    return CONTACT_HIDDEN_FIELDS.get(getattr(user, "role", ""), frozenset())


def customer_hidden_fields(user: User) -> frozenset[str]:
    """The customer fields `user` does not see (our internal classification and notes)."""
    return CUSTOMER_HIDDEN_FIELDS.get(getattr(user, "role", ""), frozenset())
