from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "roots.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        # `searchers` registers this app's kinds of record with the top bar's search;
        # `checks` warns when the statement PDF would be slow (a missing Debian library);
        # `order_hooks` gives orders the ledger balance and invoices shipments.
        from roots.finance import checks, order_hooks, searchers  # noqa: F401
