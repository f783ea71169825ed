"""The sentences of notifications, stored as a message id with parameters and rendered in
the reader's language (`roots.core.i18n_text`).

Ids are stored in the database: never rename one; a changed sentence gets a new id."""

from __future__ import annotations

from roots.core.i18n_text import gettext_noop, message

# Orders and custom orders (`roots.orders.timeline.record_event`).
ORDER_STATUS = message(
    "notify.order.status", gettext_noop("%(number)s for %(customer)s is now: %(status)s")
)
ORDER_NOTE = message("notify.order.note", gettext_noop("%(number)s for %(customer)s: %(text)s"))

# Complaints (`roots.service.services`).
COMPLAINT_RAISED = message(
    "notify.complaint.raised",
    gettext_noop("New complaint %(number)s from %(customer)s: %(subject)s"),
)
COMPLAINT_ANSWERED = message(
    "notify.complaint.answered",
    gettext_noop("%(author)s answered your complaint %(number)s: %(subject)s"),
)
COMPLAINT_CUSTOMER_WROTE = message(
    "notify.complaint.customer_wrote",
    gettext_noop("%(author)s (%(customer)s) wrote on complaint %(number)s: %(subject)s"),
)
COMPLAINT_RESOLVED = message(
    "notify.complaint.resolved",
    gettext_noop("Your complaint %(number)s is resolved: %(subject)s"),
)
COMPLAINT_REOPENED = message(
    "notify.complaint.reopened",
    gettext_noop("%(customer)s reopened complaint %(number)s: %(subject)s"),
)
COMPLAINT_ASSIGNED = message(
    "notify.complaint.assigned",
    gettext_noop("%(user)s assigned you complaint %(number)s of %(customer)s: %(subject)s"),
)
COMPLAINT_DEADLINE_NEAR = message(
    "notify.complaint.deadline_near",
    gettext_noop("Complaint %(number)s of %(customer)s is due %(due)s: %(subject)s"),
)
COMPLAINT_DEADLINE_PASSED = message(
    "notify.complaint.deadline_passed",
    gettext_noop("Complaint %(number)s of %(customer)s was due %(due)s: %(subject)s"),
)

# Statement disputes (`roots.finance.services.notices`).
DISPUTE_OPENED = message(
    "notify.dispute.opened",
    gettext_noop("%(customer)s disputes statement %(statement)s (%(number)s): %(comment)s"),
)
DISPUTE_CUSTOMER_WROTE = message(
    "notify.dispute.customer_wrote",
    gettext_noop("%(author)s (%(customer)s) wrote on dispute %(number)s: %(text)s"),
)
DISPUTE_ANSWERED = message(
    "notify.dispute.answered",
    gettext_noop("%(author)s answered your dispute %(number)s of statement %(statement)s"),
)
DISPUTE_CLOSED = message(
    "notify.dispute.closed",
    gettext_noop("%(author)s closed dispute %(number)s of statement %(statement)s"),
)
