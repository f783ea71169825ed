"""What the sales services share: who may write at all, the owner of a new record, a
change of owner, and the code of a new lead or opportunity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from roots.core.lifecycle import Lifecycle
from roots.core.numbers import next_number
from roots.core.services import apply_and_validate, record_history_user
from roots.org.models import Role
from roots.sales import policies

if TYPE_CHECKING:
    from roots.org.models import Branch, User

CODE_WIDTH = 6
R = TypeVar("R", bound=Model)


def require_pipeline(user: User) -> None:
    if not policies.works_pipeline(user):
        raise PermissionDenied(_("The sales pipeline is not part of your work."))


def require_manager(user: User, record: Any) -> None:
    if not policies.can_manage(user, record):
        raise PermissionDenied(
            _("Only its owner, the branch manager or headquarters may change this record.")
        )


def resolve_owner(*, user: User, branch: Branch, owner: Any, default: Any = None) -> User:
    """The owner of a new record of `branch`: account managers own what they create; branch
    managers and headquarters name an owner (by default `default`, else a branch manager
    keeps it), who must be an account manager or the branch manager of that branch."""
    if user.role == Role.ACCOUNT_MANAGER:
        if owner is not None and owner.pk != user.pk:
            raise ValidationError({"owner": [_("Account managers own what they create.")]})
        owner = user
    elif owner is None:
        if policies.is_valid_owner(default, branch):
            owner = default
        elif policies.is_valid_owner(user, branch):
            owner = user
        else:
            raise ValidationError({"owner": [_("Choose the owner.")]})
    if not policies.is_valid_owner(owner, branch):
        raise ValidationError(
            {"owner": [_("Choose an account manager or the branch manager of the branch.")]}
        )
    return owner


def check_new_owner(*, user: User, record: Any, owner: Any, branch: Branch) -> None:
    """A change of owner: only branch managers and headquarters hand records over."""
    if owner is None or owner.pk == record.owner_id:
        return
    if not policies.can_assign(user, record):
        raise PermissionDenied(_("Only the branch manager or headquarters hand records over."))
    if not policies.is_valid_owner(owner, branch):
        raise ValidationError(
            {"owner": [_("Choose an account manager or the branch manager of the branch.")]}
        )


def save_changes(
    *, user: User, record: R, locked: Any, data: Mapping[str, Any], values: dict[str, Any]
) -> R:
    """The end of an update: a new owner in `data` (checked, in the record's branch as
    `values` leave it) joins `values`; they are applied to the locked record and validated,
    and the caller's instance is brought up to date."""
    owner = data.get("owner")
    if owner is not None:
        branch = values.get("branch", locked.branch)
        check_new_owner(user=user, record=locked, owner=owner, branch=branch)
        values["owner"] = owner
    apply_and_validate(instance=locked, data=values, user=user)
    sync(record, locked)
    return record


def take_step(
    lifecycle: Lifecycle[Any],
    record: R,
    step: str,
    *,
    user: User,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> R:
    """Take a step of `lifecycle` and bring the caller's instance up to date."""
    taken = lifecycle.take(
        user=user, obj=record, step=step, data=data, expected_version=expected_version
    )
    sync(record, taken)
    return record


def same(value: Any, current_pk: int | None) -> bool:
    """Whether `value` (a record or None) is the record `current_pk` names."""
    return (value.pk if value is not None else None) == current_pk


def sync(target: Any, source: Any) -> None:
    """Copy a re-read (locked) record's state back into the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def create_with_code(record: Any, *, user: User, prefix: str) -> Any:
    """Validate a new lead or opportunity, then give it its code: the counter moves only
    for a valid record (and rolls back with a failed one)."""
    record.full_clean(exclude=["code"])
    model = type(record)
    record.code = next_number(
        model=model, prefix=prefix, width=CODE_WIDTH, sequence=model.__name__.lower(), field="code"
    )
    record.refresh_search_text()
    record_history_user(record, user)
    record.save()
    return record
