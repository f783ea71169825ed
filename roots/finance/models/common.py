"""Money and the defaults shared by the ledger's models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
# Days between an invoice's issue date and its due date, unless the customer's payment
# terms name another number of days ("月结 60 天", "Net 45").
DEFAULT_PAYMENT_DAYS = 30
MAX_AMOUNT = Decimal("99999999999.99")
