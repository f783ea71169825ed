"""Who is told of a statement dispute's steps, in the app and by e-mail (through the
outbox, `roots.notifications.services.notify`), in the step's transaction: the customer's
account manager (the branch managers when it has none) of what the customer does, the
customer's users of what our staff do. Never the person who took the step."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from roots.core.i18n_text import Message
from roots.finance.models import Dispute, DisputeMessage
from roots.notifications import texts as notices
from roots.notifications.models import NotificationKind
from roots.notifications.services import notify
from roots.org.models import Role, User


def _keepers(dispute: Dispute) -> list[User]:
    """Who keeps the customer's account (there is no finance role: its account manager)."""
    customer = dispute.customer
    people = User.objects.filter(is_active=True)
    if customer.account_manager_id:
        manager = list(people.filter(pk=customer.account_manager_id))
        if manager:
            return manager
    return list(people.filter(role=Role.BRANCH_MANAGER, branch_id=customer.branch_id))


def _customer_users(dispute: Dispute) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.CUSTOMER_USER, customer_id=dispute.customer_id, is_active=True
        )
    )


@dataclass(frozen=True)
class _Notice:
    """One step's notice: the in-app message with the parameters it takes, and the e-mail's
    `subject` and `body` msgids (translated per recipient, formatted with all parameters)."""

    event: str
    message: Message
    uses: tuple[str, ...]
    subject: str
    body: str


def _tell(
    notice: _Notice,
    *,
    dispute: Dispute,
    recipients: list[User],
    actor: User,
    entry: DisputeMessage | None,
    text: str,
) -> None:
    path = reverse("dispute-detail", args=[dispute.number])
    params = {
        "number": dispute.number,
        "statement": dispute.statement.number,
        "customer": dispute.customer.name,
        "comment": dispute.comment,
        "author": actor.display_name,
        "text": text,
    }

    def mail(_user: User) -> tuple[str, str]:
        link = _("Open the dispute: %(path)s") % {"path": path}
        return (
            f"[Roots] {dispute.number}: {_(notice.subject) % params}",
            f"{(_(notice.body) % params).strip()}\n\n{link}",
        )

    notify(
        recipients=recipients,
        kind=NotificationKind.DISPUTE,
        text=notice.message(**{name: params[name] for name in notice.uses}),
        url=path,
        actor=actor,
        key=f"dispute.{notice.event}:{dispute.pk}:{entry.pk if entry else 0}",
        compose=mail,
    )


_OPENED = _Notice(
    "opened",
    notices.DISPUTE_OPENED,
    ("customer", "statement", "number", "comment"),
    subject=gettext_noop("%(customer)s disputes statement %(statement)s"),
    body=gettext_noop(
        "%(author)s (%(customer)s) disputed lines of statement %(statement)s:\n\n%(text)s"
    ),
)
_CUSTOMER_WROTE = _Notice(
    "customer_wrote",
    notices.DISPUTE_CUSTOMER_WROTE,
    ("author", "customer", "number", "text"),
    subject=gettext_noop("the customer wrote"),
    body=gettext_noop("%(author)s (%(customer)s) wrote on dispute %(number)s:\n\n%(text)s"),
)
_ANSWERED = _Notice(
    "answered",
    notices.DISPUTE_ANSWERED,
    ("author", "number", "statement"),
    subject=gettext_noop("we answered your dispute"),
    body=gettext_noop("%(author)s answered your dispute on statement %(statement)s:\n\n%(text)s"),
)
_CLOSED = _Notice(
    "closed",
    notices.DISPUTE_CLOSED,
    ("author", "number", "statement"),
    subject=gettext_noop("dispute closed"),
    body=gettext_noop(
        "%(author)s closed dispute %(number)s of statement %(statement)s.\n\n%(text)s"
    ),
)


def dispute_opened(*, dispute: Dispute, entry: DisputeMessage, actor: User) -> None:
    """The customer opened a dispute: its account manager is told."""
    _tell(
        _OPENED,
        dispute=dispute,
        recipients=_keepers(dispute),
        actor=actor,
        entry=entry,
        text=dispute.comment,
    )


def dispute_customer_wrote(*, dispute: Dispute, entry: DisputeMessage, actor: User) -> None:
    """The customer wrote in a dispute (reopening an answered one): its account manager."""
    _tell(
        _CUSTOMER_WROTE,
        dispute=dispute,
        recipients=_keepers(dispute),
        actor=actor,
        entry=entry,
        text=entry.body,
    )


def dispute_answered(*, dispute: Dispute, entry: DisputeMessage, actor: User) -> None:
    """Our staff answered a dispute: the customer's users are told."""
    _tell(
        _ANSWERED,
        dispute=dispute,
        recipients=_customer_users(dispute),
        actor=actor,
        entry=entry,
        text=entry.body,
    )


def dispute_closed(
    *, dispute: Dispute, entry: DisputeMessage | None, actor: User, by_customer: bool
) -> None:
    """A dispute was closed: the other side is told (the customer's users when our staff
    closed it, its account manager when the customer did)."""
    _tell(
        _CLOSED,
        dispute=dispute,
        recipients=_keepers(dispute) if by_customer else _customer_users(dispute),
        actor=actor,
        entry=entry,
        text=entry.body if entry is not None else "",
    )
