"""Who may work with custom orders. Reads are scoped by `CustomOrder.objects.visible_to`
(a record follows its customer), so a record out of scope is a 404 before any of this runs.
Who takes which step of the life-cycle is declared in `lifecycles.py`; the rules here are
the ones it and the pages share.

* request: the customer's own users, or its account manager, branch manager or hq on its
  behalf;
* quote, decline, start production, mark produced: product managers and hq;
* accept, reject: the customer's users, or its account manager on the customer's behalf;
* cancel: the customer's users, its account manager, its branch manager, hq (when: see the
  life-cycle);
* the demand view: product managers, hq, and the branch and account managers (their scope).
"""

from __future__ import annotations

from roots.customers.models import Customer
from roots.orders.models import CustomOrder
from roots.org.models import Role, User

REQUESTER_ROLES = frozenset(
    {Role.CUSTOMER_USER, Role.ACCOUNT_MANAGER, Role.BRANCH_MANAGER, Role.HQ_ADMIN}
)
PRODUCER_ROLES = frozenset({Role.PRODUCT_MANAGER, Role.HQ_ADMIN})
DEMAND_ROLES = frozenset(
    {Role.PRODUCT_MANAGER, Role.HQ_ADMIN, Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER}
)
# The roles that work with custom orders at all (the list pages).
LIST_ROLES = REQUESTER_ROLES | PRODUCER_ROLES


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_request(user: User) -> bool:
    """Customer users (for their own company) and the staff who own customers."""
    return _active(user) and user.role in REQUESTER_ROLES


def can_request_for(user: User, customer: Customer) -> bool:
    if not can_request(user):
        return False
    if user.role == Role.CUSTOMER_USER:
        return customer.pk == user.customer_id
    return Customer.objects.visible_to(user).filter(pk=customer.pk).exists()


def can_decide(user: User, custom_order: CustomOrder) -> bool:
    """Accept or reject a quote: the customer's users, or its account manager on its behalf."""
    if not _active(user):
        return False
    if user.role == Role.CUSTOMER_USER:
        return custom_order.customer_id == user.customer_id
    if user.role == Role.ACCOUNT_MANAGER:
        return custom_order.customer.account_manager_id == user.pk
    return False


def can_cancel(user: User, custom_order: CustomOrder) -> bool:
    """The customer's users, its account manager, its branch manager, hq."""
    if not _active(user):
        return False
    customer = custom_order.customer
    if user.role == Role.CUSTOMER_USER:
        return customer.pk == user.customer_id
    if user.role == Role.ACCOUNT_MANAGER:
        return customer.account_manager_id == user.pk
    if user.role == Role.BRANCH_MANAGER:
        return customer.branch_id == user.branch_id
    return user.role == Role.HQ_ADMIN


def can_see_demand(user: User) -> bool:
    return _active(user) and user.role in DEMAND_ROLES
