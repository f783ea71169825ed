from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "roots.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        # `searchers` registers this app's kinds of record with the top bar's search;
        # `checks` warns when the statement PDF would be slow (a missing Debian library).
        from roots.finance import checks, searchers  # noqa: F401
