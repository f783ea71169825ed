"""What the finance life-cycles share: who keeps an account, the service entry point and the
statement PDF kept up to date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from roots.core.lifecycle import Lifecycle, Step
from roots.org.models import User


def take_as_service(
    lifecycle: Lifecycle[Any],
    *,
    user: User,
    obj: Any,
    step: str | Step,
    data: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Any:
    """`lifecycle.take()` for the finance service functions.

    Their callers (pages, the API, tasks) found `obj` through the user's scope already; a
    direct caller outside it is told by role and state (403 or 409), as these services
    have always answered, rather than 404: a customer user confirming a draft it cannot
    see is told the draft cannot be confirmed."""
    chosen = step if isinstance(step, Step) else lifecycle.step(step)
    if not lifecycle.scoped(user).filter(pk=obj.pk).exists():
        refusal = lifecycle.role_refusal(user, obj, chosen) or lifecycle.state_refusal(
            user, obj, chosen
        )
        if refusal is not None:
            raise refusal
    return lifecycle.take(
        user=user, obj=obj, step=chosen, data=data, expected_version=expected_version
    )


def statement_pdf_changed(statement_id: int) -> None:
    """The statement's PDF shows something new: after the commit, render and keep it again
    in the background (`finance.tasks`), so that the next download is served from the store.
    A failure to enqueue is logged, never the business action's failure."""
    from roots.finance.tasks import render_statement_pdfs_task  # the tasks import services

    transaction.on_commit(lambda: render_statement_pdfs_task.enqueue(statement_id), robust=True)
