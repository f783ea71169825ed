"""Who is told of a statement dispute's steps, in the app and by e-mail (through the
outbox, `roots.notifications.services.notify`), in the step's transaction: the customer's
account manager (the branch managers when it has none) of what the customer does, the
customer's users of what our staff do. Never the person who took the step."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from roots.core.i18n_text import Text
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


def _tell(
    *,
    dispute: Dispute,
    recipients: list[User],
    actor: User,
    event: str,
    entry: DisputeMessage | None,
    notice: Text,
    subject: str,
    body: str,
    params: dict[str, str],
) -> None:
    """`subject` and `body` are msgids (translated per recipient) formatted with `params`."""
    path = reverse("dispute-detail", args=[dispute.number])

    def mail(_user: User) -> tuple[str, str]:
        link = _("Open the dispute: %(path)s") % {"path": path}
        return (
            f"[Roots] {dispute.number}: {_(subject) % params}",
            f"{(_(body) % params).strip()}\n\n{link}",
        )

    notify(
        recipients=recipients,
        kind=NotificationKind.DISPUTE,
        text=notice,
        url=path,
        actor=actor,
        key=f"dispute.{event}:{dispute.pk}:{entry.pk if entry else 0}",
        compose=mail,
    )


def _params(dispute: Dispute, actor: User, text: str = "") -> dict[str, str]:
    return {
        "number": dispute.number,
        "statement": dispute.statement.number,
        "customer": dispute.customer.name,
        "author": actor.display_name,
        "text": text,
    }


def dispute_opened(*, dispute: Dispute, entry: DisputeMessage, actor: User) -> None:
    """The customer opened a dispute: its account manager is told."""
    params = _params(dispute, actor, dispute.comment)
    _tell(
        dispute=dispute,
        recipients=_keepers(dispute),
        actor=actor,
        event="opened",
        entry=entry,
        notice=notices.DISPUTE_OPENED(
            customer=params["customer"],
            statement=params["statement"],
            number=params["number"],
            comment=dispute.comment,
        ),
        subject=gettext_noop("%(customer)s disputes statement %(statement)s"),
        body=gettext_noop(
            "%(author)s (%(customer)s) disputed lines of statement %(statement)s:\n\n%(text)s"
        ),
        params=params,
    )


def dispute_customer_wrote(*, dispute: Dispute, entry: DisputeMessage, actor: User) -> None:
    """The customer wrote in a dispute (reopening an answered one): its account manager."""
    params = _params(dispute, actor, entry.body)
    _tell(
        dispute=dispute,
        recipients=_keepers(dispute),
        actor=actor,
        event="customer_wrote",
        entry=entry,
        notice=notices.DISPUTE_CUSTOMER_WROTE(
            author=params["author"],
            customer=params["customer"],
            number=params["number"],
            text=entry.body,
        ),
        subject=gettext_noop("the customer wrote"),
        body=gettext_noop("%(author)s (%(customer)s) wrote on dispute %(number)s:\n\n%(text)s"),
        params=params,
    )


def dispute_answered(*, dispute: Dispute, entry: DisputeMessage, actor: User) -> None:
    """Our staff answered a dispute: the customer's users are told."""
    params = _params(dispute, actor, entry.body)
    _tell(
        dispute=dispute,
        recipients=_customer_users(dispute),
        actor=actor,
        event="answered",
        entry=entry,
        notice=notices.DISPUTE_ANSWERED(
            author=params["author"], number=params["number"], statement=params["statement"]
        ),
        subject=gettext_noop("we answered your dispute"),
        body=gettext_noop(
            "%(author)s answered your dispute on statement %(statement)s:\n\n%(text)s"
        ),
        params=params,
    )


def dispute_closed(
    *, dispute: Dispute, entry: DisputeMessage | None, actor: User, by_customer: bool
) -> None:
    """A dispute was closed: the other side is told (the customer's users when our staff
    closed it, its account manager when the customer did)."""
    params = _params(dispute, actor, entry.body if entry is not None else "")
    _tell(
        dispute=dispute,
        recipients=_keepers(dispute) if by_customer else _customer_users(dispute),
        actor=actor,
        event="closed",
        entry=entry,
        notice=notices.DISPUTE_CLOSED(
            author=params["author"], number=params["number"], statement=params["statement"]
        ),
        subject=gettext_noop("dispute closed"),
        body=gettext_noop(
            "%(author)s closed dispute %(number)s of statement %(statement)s.\n\n%(text)s"
        ),
        params=params,
    )
