"""Writes to the customer master. Each public function is one business action in one
transaction; views and the API call these and never save models themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from roots.core import i18n_text
from roots.core.crud import record_delete
from roots.core.fields import FieldAllowList, check_allowed_fields
from roots.core.numbers import next_number
from roots.core.services import (
    apply_and_validate,
    lock_for_update,
    record_history_user,
)
from roots.customers import policies
from roots.customers.models import Contact, Customer, Outlet
from roots.customers.texts import payment_terms_parse
from roots.org.models import Role

if TYPE_CHECKING:
    from roots.org.models import User

R = TypeVar("R", Outlet, Contact)


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
    check_allowed_fields(
        user=user,
        instance=Customer(),
        data={k: v for k, v in values.items() if k not in ("branch", "account_manager")},
        allow=policies.CUSTOMER_FIELDS,
        fixed=policies.CUSTOMER_FIXED_FIELDS,
    )
    manager = values.get("account_manager")
    if manager is not None and values.get("branch") is not None:
        _check_manager_fits(manager=manager, branch=values["branch"])
    if not values.get("code"):
        values["code"] = next_number(
            model=Customer, prefix="C", width=6, sequence="customer", field="code"
        )
    customer = Customer()
    _read_payment_terms(instance=customer, values=values)
    return apply_and_validate(instance=customer, data=values, user=user)


def _read_payment_terms(*, instance: Customer, values: dict[str, Any]) -> None:
    """Recognise standard payment terms in what was typed (in any UI language) and keep
    them as a message id with the days, so that each reader sees them in their language.
    The same terms typed in another language (a form or a PUT sends back what it was
    shown) are no change."""
    if "payment_terms" not in values:
        return
    typed = str(values["payment_terms"] or "")
    standard = i18n_text.as_stored(payment_terms_parse(typed))
    if standard and standard == instance.payment_terms_text:
        values["payment_terms"] = instance.payment_terms
    elif typed != instance.payment_terms or standard != instance.payment_terms_text:
        values["payment_terms_text"] = standard


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
    values = dict(data)
    _read_payment_terms(instance=locked, values=values)
    check_allowed_fields(
        user=user,
        instance=locked,
        data={k: v for k, v in values.items() if k != "payment_terms_text"},
        allow=policies.CUSTOMER_FIELDS,
        fixed=policies.CUSTOMER_FIXED_FIELDS,
    )
    if values.pop("code", locked.code) != locked.code:
        raise ValidationError({"code": [_("The code of a customer cannot change.")]})
    branch = values.get("branch", locked.branch)
    manager = values.get("account_manager", locked.account_manager)
    if manager is not None and ("branch" in values or "account_manager" in values):
        _check_manager_fits(manager=manager, branch=branch)
    return apply_and_validate(instance=locked, data=values, user=user)


@transaction.atomic
def customer_reassign(
    *,
    user: User,
    customer: Customer,
    account_manager: User,
    expected_version: int | None = None,
) -> Customer:
    """Give a customer to another account manager: headquarters any customer, a branch
    manager the customers of their branch; the new account manager must be an active
    account manager of the customer's branch. The change is written to the customer's
    history with `user` as its author."""
    if not policies.can_reassign(user, customer):
        raise PermissionDenied(_("You may not reassign this customer."))
    locked = lock_for_update(instance=customer, expected_version=expected_version)
    if not account_manager.is_active:
        raise ValidationError({"account_manager": [_("This user is no longer active.")]})
    _check_manager_fits(manager=account_manager, branch=locked.branch)
    return apply_and_validate(instance=locked, data={"account_manager": account_manager}, user=user)


class ReassignResult(TypedDict):
    """What a reassignment of several customers did: those it changed, and those it left
    with the reason."""

    changed: list[Customer]
    skipped: list[tuple[Customer, str]]


def customers_reassign(
    *, user: User, customers: list[Customer], account_manager: User
) -> ReassignResult:
    """Reassign several customers to `account_manager`, each in its own transaction
    (`customer_reassign`): one that may not be reassigned to them (another branch, ...)
    is skipped with the reason; the others go through."""
    if not policies.can_reassign_customers(user):
        raise PermissionDenied(_("You may not reassign customers."))
    if not customers:
        raise ValidationError({"customers": [_("Select at least one customer.")]})
    result: ReassignResult = {"changed": [], "skipped": []}
    for customer in customers:
        if customer.account_manager_id == account_manager.pk:
            result["skipped"].append((customer, _("already with this account manager")))
            continue
        try:
            changed = customer_reassign(
                user=user, customer=customer, account_manager=account_manager
            )
        except ValidationError as exc:
            result["skipped"].append((customer, " ".join(exc.messages)))
        except PermissionDenied as exc:
            result["skipped"].append((customer, str(exc)))
        else:
            result["changed"].append(changed)
    return result


def _check_customer_writable(*, user: User, customer: Customer) -> None:
    if not policies.can_edit_customer(user, customer):
        raise PermissionDenied(_("You may not change this customer's records."))


# --- outlets and contacts: records of a customer, written by whoever may edit it --------------
def _new_child_values(
    *,
    user: User,
    instance: Outlet | Contact,
    data: Mapping[str, Any],
    allow: FieldAllowList,
    fixed: FieldAllowList,
) -> dict[str, Any]:
    """The values of a new record of a customer, once its customer is given and editable by
    `user` and the fields are ones `user`'s role may set."""
    values = dict(data)
    customer = values.get("customer")
    if customer is None:
        raise ValidationError({"customer": [_("This field is required.")]})
    _check_customer_writable(user=user, customer=customer)
    check_allowed_fields(user=user, instance=instance, data=values, allow=allow, fixed=fixed)
    return values


def _locked_child(
    *,
    user: User,
    instance: R,
    data: Mapping[str, Any],
    expected_version: int | None,
    allow: FieldAllowList,
    fixed: FieldAllowList,
) -> R:
    """A record of a customer `user` may edit, locked at the version the client saw, once
    the fields changed are ones `user`'s role may set."""
    _check_customer_writable(user=user, customer=instance.customer)
    locked = lock_for_update(instance=instance, expected_version=expected_version)
    check_allowed_fields(user=user, instance=locked, data=data, allow=allow, fixed=fixed)
    return locked


@transaction.atomic
def outlet_create(*, user: User, data: Mapping[str, Any]) -> Outlet:
    """Add an outlet to a customer the user may edit."""
    values = _new_child_values(
        user=user,
        instance=Outlet(),
        data=data,
        allow=policies.OUTLET_FIELDS,
        fixed=policies.OUTLET_FIXED_FIELDS,
    )
    if not values.get("code"):
        values["code"] = next_number(
            model=Outlet, prefix="S", width=7, sequence="outlet", field="code"
        )
    return apply_and_validate(instance=Outlet(), data=values, user=user)


@transaction.atomic
def outlet_update(
    *, user: User, outlet: Outlet, data: Mapping[str, Any], expected_version: int | None = None
) -> Outlet:
    locked = _locked_child(
        user=user,
        instance=outlet,
        data=data,
        expected_version=expected_version,
        allow=policies.OUTLET_FIELDS,
        fixed=policies.OUTLET_FIXED_FIELDS,
    )
    values = dict(data)
    if "customer" in values and values["customer"].pk != locked.customer_id:
        raise ValidationError({"customer": [_("An outlet cannot move to another customer.")]})
    if "code" in values and values["code"] != locked.code:
        raise ValidationError({"code": [_("The code of an outlet cannot change.")]})
    return apply_and_validate(instance=locked, data=values, user=user)


@transaction.atomic
def contact_create(*, user: User, data: Mapping[str, Any]) -> Contact:
    values = _new_child_values(
        user=user,
        instance=Contact(),
        data=data,
        allow=policies.CONTACT_FIELDS,
        fixed=policies.CONTACT_FIXED_FIELDS,
    )
    contact = apply_and_validate(instance=Contact(), data=values, user=user)
    if contact.is_primary:
        _keep_one_primary(contact, user=user)
    return contact


@transaction.atomic
def contact_update(
    *, user: User, contact: Contact, data: Mapping[str, Any], expected_version: int | None = None
) -> Contact:
    locked = _locked_child(
        user=user,
        instance=contact,
        data=data,
        expected_version=expected_version,
        allow=policies.CONTACT_FIELDS,
        fixed=policies.CONTACT_FIXED_FIELDS,
    )
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
    record_delete(user=user, instance=contact, expected_version=expected_version)


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
