"""The timeline shared by orders and custom orders: one `OrderEvent` per step, and the e-mail
that tells the people concerned (console backend by default, SMTP by `EMAIL_URL`).

Services call `record_event()` inside their transaction; the mail is written to the outbox
in it (`roots.notifications.services.notify`) and sent by the worker after the commit, so
that a rolled-back step never announces itself. What the system says about a step is a
`Text` (`roots.orders.texts`), stored as a message id with parameters and rendered in the
reader's language (each mail in its recipient's); `message` is what a person wrote (a note,
a reason), which follows it as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from roots.core import i18n_text
from roots.core.i18n_text import Text
from roots.orders.models import CustomOrder, EventKind, Order, OrderEvent
from roots.org.models import Role, User

if TYPE_CHECKING:
    from roots.customers.models import Customer


def people_of(customer: Customer, *, roles: Iterable[str] = ()) -> list[User]:
    """The customer's own users and its account manager, plus every active user of `roles`
    (e.g. product managers for a custom-order request)."""
    users = list(
        User.objects.filter(role=Role.CUSTOMER_USER, customer_id=customer.pk, is_active=True)
    )
    if customer.account_manager_id:
        manager = User.objects.filter(pk=customer.account_manager_id, is_active=True).first()
        if manager is not None:
            users.append(manager)
    roles = list(roles)
    if roles:
        users.extend(User.objects.filter(role__in=roles, is_active=True))
    seen: set[int] = set()
    unique = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def record_event(
    *,
    subject: Order | CustomOrder,
    actor: User | None,
    kind: str = EventKind.STATUS,
    from_status: str = "",
    to_status: str = "",
    text: Text | None = None,
    message: str = "",
    visible_to_customer: bool = True,
    notify: Iterable[User] | None = None,
) -> OrderEvent:
    """Write one timeline event for `subject` and tell `notify` (default: the customer's
    users and account manager; staff-only events only to staff) in the app and by e-mail.
    `text` is the generated sentence, `message` a person's words."""
    said = i18n_text.join([text, message], sep="line") if text and message else text
    event = OrderEvent.objects.create(
        customer_id=subject.customer_id,
        order=subject if isinstance(subject, Order) else None,
        custom_order=subject if isinstance(subject, CustomOrder) else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        message=str(said) if said else message,
        message_text=i18n_text.as_stored(said),
        visible_to_customer=visible_to_customer,
    )
    recipients = list(notify) if notify is not None else people_of(subject.customer)
    if not visible_to_customer:
        recipients = [u for u in recipients if u.role != Role.CUSTOMER_USER]
    # They are told in the app (the bell) and by e-mail (the outbox), in this transaction.
    _notify(event, subject, recipients, actor)
    return event


def _notify(
    event: OrderEvent, subject: Order | CustomOrder, recipients: list[User], actor: User | None
) -> None:
    """One in-app notification and one e-mail per recipient (never the actor): the new
    status, or what the event says when it changes none (an alert, a note)."""
    from roots.notifications import texts as notices
    from roots.notifications.models import NotificationKind
    from roots.notifications.services import notify
    from roots.orders.models import CustomOrderStatus, OrderStatus

    if isinstance(subject, Order):
        kind, url_name, statuses = NotificationKind.ORDER, "order-detail", OrderStatus
    else:
        kind, url_name = NotificationKind.CUSTOM_ORDER, "custom-order-detail"
        statuses = CustomOrderStatus  # type: ignore[assignment]
    if event.to_status:
        text = notices.ORDER_STATUS(
            number=subject.number,
            customer=subject.customer.name,
            status=i18n_text.choice(statuses, event.to_status),
        )
    else:
        text = notices.ORDER_NOTE(
            number=subject.number,
            customer=subject.customer.name,
            text=event.message_text or event.message,
        )
    notify(
        recipients=recipients,
        kind=kind,
        text=text,
        url=reverse(url_name, args=[subject.number]),
        actor=actor,
        key=f"{kind}.{event.kind}:{subject.pk}:{event.pk}",
        compose=lambda _user: _mail(event, subject),
    )


def _mail(event: OrderEvent, subject: Order | CustomOrder) -> tuple[str, str]:
    """The mail's subject and body, in the active language (the recipient's)."""
    status = dict(type(subject)._meta.get_field("status").flatchoices).get(  # type: ignore[union-attr]
        event.to_status, event.to_status
    )
    title = _("%(number)s: %(status)s") % {"number": subject.number, "status": status}
    body = "\n".join(
        line
        for line in (
            _("%(number)s for %(customer)s is now: %(status)s.")
            % {
                "number": subject.number,
                "customer": subject.customer.name,
                "status": status,
            },
            event.get_message_display(),
            _("By: %(actor)s") % {"actor": event.actor.display_name}
            if event.actor is not None
            else "",
        )
        if line
    )
    return f"[Roots] {title}", body
