"""The sentences the daily board (日清) writes on its items, stored as a message id with its
parameters and rendered in the reader's language (`roots.core.i18n_text`).

Ids are stored in the database: never rename one; a changed sentence gets a new id."""

from __future__ import annotations

from roots.core.i18n_text import gettext_noop, message

FOLLOW_UP_TITLE = message("daily.follow_up.title", gettext_noop("Follow up: %(subject)s"))
FOLLOW_UP_DETAIL = message("daily.follow_up.detail", gettext_noop("%(kind)s planned for %(when)s"))
STOCK_OUT_TITLE = message(
    "daily.stock_out.title", gettext_noop("Stock-out risk: %(sku)s at %(outlet)s")
)
STOCK_OUT_DETAIL = message(
    "daily.stock_out.detail",
    gettext_noop(
        "%(customer)s · %(outlet)s: %(stock)s in stock, %(sales)s sold a day, "
        "%(cover)s days of cover (reported %(date)s)"
    ),
)
COMPLAINT_ANSWER = message(
    "daily.complaint.answer", gettext_noop("%(customer)s · answer by %(due)s")
)
COMPLAINT_RESOLVE = message(
    "daily.complaint.resolve", gettext_noop("%(customer)s · resolve by %(due)s")
)
QUOTE_TITLE = message("daily.custom.quote.title", gettext_noop("Quote %(number)s: %(title)s"))
QUOTE_DETAIL = message(
    "daily.custom.quote.detail",
    gettext_noop("%(customer)s · %(quantity)s units, requested %(when)s"),
)
PRODUCE_TITLE = message(
    "daily.custom.produce.title", gettext_noop("Start production of %(number)s: %(title)s")
)
PRODUCE_DETAIL = message(
    "daily.custom.produce.detail",
    gettext_noop("%(customer)s · production must start by %(due)s"),
)
DECIDE_TITLE = message(
    "daily.custom.decide.title",
    gettext_noop("Ask %(customer)s to decide on the quote %(number)s"),
)
DECIDE_DETAIL = message(
    "daily.custom.decide.detail",
    gettext_noop("%(title)s · quoted %(when)s, valid until %(until)s"),
)
NOT_CLEARED = message("daily.not_cleared", gettext_noop("Not cleared by the end of the day"))
