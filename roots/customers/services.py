"""Writes to the customer master. Each public function is one business action in one
transaction; views and the API call these and never save models themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from roots.core.services import (
    apply_and_validate,
    check_forbidden_fields,
    lock_for_update,
    record_history_user,
    sequence_next,
)
from roots.customers import policies
from roots.customers.models import Contact, Customer, Outlet
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User


def _next_code(*, prefix: str, width: int, model: type[Customer] | type[Outlet]) -> str:
    """The next free code `<prefix><number>`: the counter starts past the highest code of
    that shape loaded in bulk (demo data, imports) and skips any code already taken."""
    codes = model.objects.all_unscoped()
    highest = (
        codes.filter(code__regex=rf"^{prefix}[0-9]{{{width}}}$")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    floor = int(highest[len(prefix) :]) if highest else 0
    while True:
        code = f"{prefix}{sequence_next(name=model.__name__.lower(), floor=floor):0{width}d}"
        if not codes.filter(code=code).exists():
            return code


@transaction.atomic
def customer_create(*, user: User, data: Mapping[str, Any]) -> Customer:
    """Create a customer. Branch managers create in their branch; account managers create
    customers of their own, in their branch, and may not set what they may not change
    (the credit limit)."""
    if not policies.can_create_customer(user):
        raise PermissionDenied(_("You may not create customers."))
    values = dict(data)
    if user.role in (Role.BRANCH_MANAGER, Role.ACCOUNT_MANAGER):
        if values.get("branch") not in (None, user.branch):
            raise ValidationError({"branch": [_("You can only create customers in your branch.")]})
        values["branch"] = user.branch
    if user.role == Role.ACCOUNT_MANAGER:
        if values.get("account_manager") not in (None, user):
            raise ValidationError(
                {"account_manager": [_("Account managers create customers of their own.")]}
            )
        values["account_manager"] = user
    check_forbidden_fields(
        instance=Customer(),
        data={k: v for k, v in values.items() if k not in ("branch", "account_manager")},
        forbidden=policies.forbidden_customer_fields(user),
    )
    manager = values.get("account_manager")
    if manager is not None and values.get("branch") is not None:
        _check_manager_fits(manager=manager, branch=values["branch"])
    if not values.get("code"):
        values["code"] = _next_code(prefix="C", width=6, model=Customer)
    customer = Customer()
    return apply_and_validate(instance=customer, data=values, user=user)


def _check_manager_fits(*, manager: User, branch: Any) -> None:
    if manager.role != Role.ACCOUNT_MANAGER:
        raise ValidationError(
            {"account_manager": [_("Choose a user with the account-manager role.")]}
        )
    if manager.branch_id != branch.pk:
        raise ValidationError(
            {"account_manager": [_("The account manager must belong to the customer's branch.")]}
        )


@transaction.atomic
def customer_update(
    *, user: User, customer: Customer, data: Mapping[str, Any], expected_version: int | None = None
) -> Customer:
    """Change a customer's fields; `expected_version` is the client's If-Match."""
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer."))
    locked = lock_for_update(instance=customer, expected_version=expected_version)
    check_forbidden_fields(
        instance=locked, data=data, forbidden=policies.forbidden_customer_fields(user)
    )
    values = dict(data)
    if values.pop("code", locked.code) != locked.code:
        raise ValidationError({"code": [_("The code of a customer cannot change.")]})
    branch = values.get("branch", locked.branch)
    manager = values.get("account_manager", locked.account_manager)
    if manager is not None and ("branch" in values or "account_manager" in values):
        _check_manager_fits(manager=manager, branch=branch)
    return apply_and_validate(instance=locked, data=values, user=user)


def _check_customer_writable(*, user: User, customer: Customer) -> None:
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer's records."))


@transaction.atomic
def outlet_create(*, user: User, data: Mapping[str, Any]) -> Outlet:
    """Add an outlet to a customer the user may edit."""
    values = dict(data)
    customer = values.get("customer")
    if customer is None:
        raise ValidationError({"customer": [_("This field is required.")]})
    _check_customer_writable(user=user, customer=customer)
    if not values.get("code"):
        values["code"] = _next_code(prefix="S", width=7, model=Outlet)
    return apply_and_validate(instance=Outlet(), data=values, user=user)


@transaction.atomic
def outlet_update(
    *, user: User, outlet: Outlet, data: Mapping[str, Any], expected_version: int | None = None
) -> Outlet:
    _check_customer_writable(user=user, customer=outlet.customer)
    locked = lock_for_update(instance=outlet, expected_version=expected_version)
    values = dict(data)
    if "customer" in values and values["customer"].pk != locked.customer_id:
        raise ValidationError({"customer": [_("An outlet cannot move to another customer.")]})
    if "code" in values and values["code"] != locked.code:
        raise ValidationError({"code": [_("The code of an outlet cannot change.")]})
    return apply_and_validate(instance=locked, data=values, user=user)


@transaction.atomic
def contact_create(*, user: User, data: Mapping[str, Any]) -> Contact:
    values = dict(data)
    customer = values.get("customer")
    if customer is None:
        raise ValidationError({"customer": [_("This field is required.")]})
    _check_customer_writable(user=user, customer=customer)
    contact = apply_and_validate(instance=Contact(), data=values, user=user)
    if contact.is_primary:
        _keep_one_primary(contact, user=user)
    return contact


@transaction.atomic
def contact_update(
    *, user: User, contact: Contact, data: Mapping[str, Any], expected_version: int | None = None
) -> Contact:
    _check_customer_writable(user=user, customer=contact.customer)
    locked = lock_for_update(instance=contact, expected_version=expected_version)
    values = dict(data)
    if "customer" in values and values["customer"].pk != locked.customer_id:
        raise ValidationError({"customer": [_("A contact cannot move to another customer.")]})
    contact = apply_and_validate(instance=locked, data=values, user=user)
    if contact.is_primary:
        _keep_one_primary(contact, user=user)
    return contact


@transaction.atomic
def contact_delete(*, user: User, contact: Contact, expected_version: int | None = None) -> None:
    """Remove a contact; its history stays."""
    _check_customer_writable(user=user, customer=contact.customer)
    locked = lock_for_update(instance=contact, expected_version=expected_version)
    record_history_user(locked, user)
    locked.delete()


def _keep_one_primary(contact: Contact, *, user: User) -> None:
    for other in (
        Contact.objects.all_unscoped()
        .filter(customer_id=contact.customer_id, is_primary=True)
        .exclude(pk=contact.pk)
    ):
        other.is_primary = False
        other.version += 1
        record_history_user(other, user)
        other.save(update_fields=["is_primary", "version", "updated_at"])
