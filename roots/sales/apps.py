from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "roots.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        # Registers this app's kinds of record with the top bar's search.
        from roots.sales import searchers  # noqa: F401
