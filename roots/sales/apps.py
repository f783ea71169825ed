from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "roots.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # Registers this app's kinds of record with the top bar's search.
        from roots.sales import searchers  # noqa: F401

        # Registers the daily board's life-cycle too (`all_lifecycles` imports each app's
        # own `lifecycles` module; the board's lives in its package).
        from roots.sales.daily import lifecycles  # noqa: F401
