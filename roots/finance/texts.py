"""The sentences finance writes on statement lines, stored as a message id with its
parameters and rendered in the reader's language (`roots.core.i18n_text`). A payment line is
its method's label and the payer's reference, a credit line the expense kind's label and
the activity: those need no message of their own (`i18n_text.join` of an enum label and a
literal).

Ids are stored in the database: never rename one; a changed sentence gets a new id."""

from __future__ import annotations

from roots.core.i18n_text import gettext_noop, message

ORDER = message("finance.line.order", gettext_noop("Order %(number)s"))
