"""The sentences of a sell-through upload's error report, stored per rejected row as a
message id with its parameters and rendered in the reader's language
(`roots.core.i18n_text`): the customer who reads the report may not read the language of
the person who uploaded the file.

Ids are stored in the database: never rename one; a changed sentence gets a new id."""

from __future__ import annotations

from roots.core.i18n_text import gettext_noop, message

BLANK = message("sellthrough.blank", gettext_noop("Required; the cell is blank."))
NOT_DATE = message("sellthrough.not_date", gettext_noop("Not a date of the form YYYY-MM-DD."))
FUTURE = message("sellthrough.future", gettext_noop("The date is in the future."))
TOO_EARLY = message("sellthrough.too_early", gettext_noop("The date is before 2000-01-01."))
NOT_INTEGER = message("sellthrough.not_integer", gettext_noop("Not a whole number."))
NEGATIVE = message("sellthrough.negative", gettext_noop("Must not be negative."))
TOO_MANY = message("sellthrough.too_many", gettext_noop("At most %(max)s."))
NOT_AMOUNT = message(
    "sellthrough.not_amount", gettext_noop("Not an amount in yuan (e.g. 1234.50).")
)
DECIMALS = message("sellthrough.decimals", gettext_noop("At most 2 decimals."))
TOO_LARGE = message(
    "sellthrough.too_large", gettext_noop("Too large (at most 999,999,999,999.99).")
)
EXTRA = message("sellthrough.extra", gettext_noop("The row has more values than the header."))
FOREIGN_OUTLET = message(
    "sellthrough.foreign_outlet", gettext_noop("Outlet %(code)s belongs to another customer.")
)
UNKNOWN_OUTLET = message("sellthrough.unknown_outlet", gettext_noop("Unknown outlet %(code)s."))
UNKNOWN_SKU = message("sellthrough.unknown_sku", gettext_noop("Unknown SKU %(code)s."))
UNKNOWN_CATEGORY = message(
    "sellthrough.unknown_category", gettext_noop("Unknown category %(code)s.")
)
