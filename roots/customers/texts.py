"""Standard payment terms, stored as a message id with the days (and the share paid in
advance) and rendered in the reader's language (`roots.core.i18n_text`): 票到60天付款 to a
Chinese reader is "Net 60 days" to an English one and "Neto 60 días" to a Spanish one.

What a person types in the payment-terms field in any UI language is recognised
(`payment_terms_parse`); terms that are not one of these stay free text, shown as typed.
Ids are stored in the database: never rename one; changed terms get a new id."""

from __future__ import annotations

import functools

from django.conf import settings

from roots.core import i18n_text
from roots.core.i18n_text import gettext_noop, message

NET = message("customers.terms.net", gettext_noop("Net %(days)s days"))
MONTHLY = message("customers.terms.monthly", gettext_noop("Monthly statement, net %(days)s days"))
BILL = message("customers.terms.bill", gettext_noop("Bank acceptance bill at %(days)s days"))
PREPAID = message("customers.terms.prepaid", gettext_noop("Payment before delivery"))
PREPAID_REBATE = message(
    "customers.terms.prepaid_rebate",
    gettext_noop("Payment before delivery, rebate at the end of the year"),
)
CASH = message("customers.terms.cash", gettext_noop("Cash on delivery"))
DEPOSIT = message(
    "customers.terms.deposit",
    gettext_noop("%(percent)s%% in advance, the rest within %(days)s days"),
)
DEPOSIT_MONTHLY = message(
    "customers.terms.deposit_monthly",
    gettext_noop("%(percent)s%% in advance, the rest on the monthly statement"),
)
COMMISSION_MONTHLY = message(
    "customers.terms.commission_monthly",
    gettext_noop("Settled net of commission, monthly"),
)

PAYMENT_TERMS = (
    NET,
    MONTHLY,
    BILL,
    PREPAID,
    PREPAID_REBATE,
    CASH,
    DEPOSIT,
    DEPOSIT_MONTHLY,
    COMMISSION_MONTHLY,
)


# How people write these terms, whatever the translations say (the demo data's wording).
ALIASES = {
    NET.id: ("票到%(days)s天付款", "Net %(days)s", "Neto %(days)s días"),
    MONTHLY.id: ("月结%(days)s天",),
    BILL.id: ("承兑汇票%(days)s天",),
    PREPAID.id: ("款到发货",),
    PREPAID_REBATE.id: ("款到发货，年底返利",),
    CASH.id: ("现款现货",),
    DEPOSIT.id: ("预付%(percent)s%%，余款%(days)s天",),
    DEPOSIT_MONTHLY.id: ("预付%(percent)s%%，余款月结",),
    COMMISSION_MONTHLY.id: ("扣点结算，月结",),
}


@functools.lru_cache(maxsize=1024)
def payment_terms_parse(text: str) -> i18n_text.Text | None:
    """The standard terms `text` says, in any UI language ("票到60天付款", "Net 60 days",
    "Neto 60 días"); None for free text."""
    if not text or len(text) > 100:
        return None
    return i18n_text.parse(
        text,
        PAYMENT_TERMS,
        languages=[code for code, _name in settings.LANGUAGES],
        aliases=ALIASES,
    )


def payment_terms_days(data: dict[str, object] | None) -> int | None:
    """The days to pay that stored standard terms name (None: they name none)."""
    params = (data or {}).get("params")
    days = params.get("days") if isinstance(params, dict) else None
    return days if isinstance(days, int) else None
