"""A complaint's thread and who is told of what happens to it: the services
(`roots.service.services`) and the steps of the life-cycle (`roots.service.lifecycles`) write
their entries and their notices through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from roots.core.i18n_text import Text
from roots.core.services import record_history_user
from roots.notifications.models import NotificationKind
from roots.notifications.services import notify
from roots.org.models import Role, User
from roots.service.models import Complaint, ComplaintMessage

TEXT_MAX = 5000


def customer_users(customer_id: int) -> list[User]:
    return list(
        User.objects.filter(role=Role.CUSTOMER_USER, customer_id=customer_id, is_active=True)
    )


def branch_managers(branch_id: int) -> list[User]:
    return list(User.objects.filter(role=Role.BRANCH_MANAGER, branch_id=branch_id, is_active=True))


def owner_of(complaint: Complaint) -> list[User]:
    owner = complaint.owner
    return [owner] if owner is not None and owner.is_active else []


def tell(
    *,
    recipients: Iterable[User],
    actor: User | None,
    complaint: Complaint,
    event: str,
    entry: ComplaintMessage | None,
    compose: Callable[[User], tuple[str, str]],
    notice: Text,
) -> None:
    """Tell the recipients (never the actor) of `event` in the app (`notice`) and by e-mail
    through the outbox, both in this transaction; `compose(user)` answers the mail's
    (subject, body) in the recipient's language. `entry` is the thread's entry the event
    wrote (the mail's key: one mail per entry and recipient)."""
    path = f"/complaints/{complaint.number}/"

    def mail(user: User) -> tuple[str, str]:
        subject, body = compose(user)
        link = _("Open the complaint: %(path)s") % {"path": path}
        return f"[Roots] {complaint.number}: {subject}", f"{body}\n\n{link}"

    notify(
        recipients=recipients,
        kind=NotificationKind.COMPLAINT,
        text=notice,
        url=path,
        actor=actor,
        key=f"complaint.{event}:{complaint.pk}:{entry.pk if entry else 0}",
        compose=mail,
    )


def log(
    *,
    complaint: Complaint,
    author: User | None,
    kind: str,
    text: str = "",
    internal: bool = False,
) -> ComplaintMessage:
    """Write one entry of the thread."""
    return ComplaintMessage.objects.create(
        complaint=complaint, author=author, kind=kind, text=text[:TEXT_MAX], internal=internal
    )


def save_state(complaint: Complaint, *, user: User | None, fields: list[str]) -> Complaint:
    """Save the changed `fields` of a (locked) complaint as a new version."""
    record_history_user(complaint, user)
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    return complaint
