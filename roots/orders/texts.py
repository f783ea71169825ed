"""The sentences the orders and custom orders write on their timeline, stored as a message id
with its parameters and rendered in the reader's language (`roots.core.i18n_text`).

Ids are stored in the database: never rename one; a changed sentence gets a new id."""

from __future__ import annotations

from roots.core.i18n_text import gettext_noop, message

# --- orders -------------------------------------------------------------------------------
SUBMITTED = message(
    "orders.submitted", gettext_noop("%(lines)s line(s) for %(outlet)s, total %(total)s.")
)
ALLOCATED = message("orders.allocated", gettext_noop("Stock allocated from: %(places)s."))
MADE_TO_ORDER = message(
    "orders.made_to_order", gettext_noop("Made to order from %(number)s (the accepted quote).")
)
CANCELLED_WITH_CUSTOM = message(
    "orders.cancelled_with_custom", gettext_noop("Cancelled with custom order %(number)s.")
)

# --- custom orders ------------------------------------------------------------------------
# A request: the pieces are joined with commas (target and date only when given).
REQUEST_QUANTITY = message("custom.request.quantity", gettext_noop("%(quantity)s × “%(title)s”"))
REQUEST_TARGET = message("custom.request.target", gettext_noop("target %(price)s a unit"))
REQUEST_WANTED = message("custom.request.wanted", gettext_noop("wanted by %(date)s"))
# A quote: price, lead time, validity and model joined with commas, then the note on a line.
QUOTE_PRICE = message(
    "custom.quote.price", gettext_noop("%(price)s a unit × %(quantity)s = %(total)s")
)
QUOTE_LEAD = message("custom.quote.lead", gettext_noop("lead time %(days)s days"))
QUOTE_VALID = message("custom.quote.valid", gettext_noop("valid until %(date)s"))
QUOTE_MODEL = message("custom.quote.model", gettext_noop("model %(code)s"))
REQUOTE = message("custom.requote", gettext_noop("New quote: %(quote)s"))
ACCEPTED = message(
    "custom.accepted",
    gettext_noop("Order %(order)s for %(total)s; production must start by %(due)s."),
)
# Without an order number (an order accepted before orders were made from quotes).
ACCEPTED_TOTAL = message(
    "custom.accepted_total",
    gettext_noop("Total %(total)s; production must start by %(due)s."),
)
STARTED_LATE = message(
    "custom.started_late", gettext_noop("Started %(late)s after the 7-day deadline.")
)
READY = message("custom.ready", gettext_noop("Order %(order)s is ready to ship."))
OVERDUE = message(
    "custom.overdue",
    gettext_noop("Production is overdue by %(late)s (it had to start by %(due)s)."),
)
AT_RISK = message(
    "custom.at_risk",
    gettext_noop("Production at risk: it must start within %(left)s (by %(due)s)."),
)
EXPIRED = message("custom.expired", gettext_noop("The quote was valid until %(date)s."))
