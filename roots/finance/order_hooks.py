"""How finance plugs into orders. Finance sits above orders (an invoice is of an order), so
orders never imports finance (docs/architecture.md, "Layering"); finance's AppConfig.ready
imports this module, which gives orders what it needs of finance:

- the customer's ledger balance, for the credit check and the credit summary
  (`roots.orders.selectors.credit_summary`);
- the invoice of a shipment, written in the ship step's transaction.
"""

from __future__ import annotations

from typing import Any

from roots.core.lifecycle import StepContext
from roots.finance.selectors import ledger_balance
from roots.finance.services import invoice_shipment
from roots.orders import selectors as order_selectors
from roots.orders.lifecycles import ORDER


def _invoice(context: StepContext[Any]) -> None:
    invoice_shipment(order=context.obj, user=context.user)


order_selectors.use_ledger_balance(ledger_balance)
ORDER.also_after("ship", _invoice)
