"""The life-cycles of finance, declared once each (`roots.core.lifecycle`): a monthly
statement (`STATEMENT`), a dispute of its lines (`DISPUTE`) and a marketing-expense claim
(`EXPENSE`). The services (`roots.finance.services`), the API's step actions, the pages'
step endpoints and buttons, and docs/lifecycles.md derive from these declarations."""

from roots.finance.lifecycles.disputes import DISPUTE, REPLY
from roots.finance.lifecycles.expenses import EXPENSE
from roots.finance.lifecycles.statements import STATEMENT

__all__ = ["DISPUTE", "EXPENSE", "REPLY", "STATEMENT"]
