"""How a person is named in lists and filters: by their name, and where two people of a list
share a name, with their branch (or, within one branch, their username) so that they can be
told apart (two account managers named 张燕 in Beijing and Guangzhou)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from roots.org.models import User

U = TypeVar("U", bound="User")


def person_label(user: User, *, with_branch: bool = True) -> str:
    """`name · branch` (or `name (username)` for someone without a branch)."""
    name = user.display_name
    branch = getattr(user, "branch", None) if user.branch_id else None
    if with_branch and branch is not None:
        return f"{name} · {branch.name}"
    if name != user.username:
        return f"{name} ({user.username})"
    return name


def label_people(people: Iterable[U]) -> list[U]:
    """`people` as a list, each with `.label`: the name alone when no one else of the list
    has it; otherwise with the branch; and with the username too when even that is shared.
    The branch should be loaded with the people (`select_related("branch")`)."""
    found = list(people)
    names = Counter(p.display_name for p in found)
    branched = Counter((p.display_name, p.branch_id) for p in found if names[p.display_name] > 1)
    for person in found:
        name = person.display_name
        if names[name] < 2:
            label = name
        elif branched[(name, person.branch_id)] < 2 and person.branch_id:
            label = person_label(person)
        else:
            branch = person_label(person) if person.branch_id else name
            label = f"{branch} ({person.username})" if name != person.username else branch
        person.label = label  # type: ignore[attr-defined]
    return found
