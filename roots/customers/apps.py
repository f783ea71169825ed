from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "roots.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Registers this app's kinds of record with the top bar's search.
        from roots.customers import searchers  # noqa: F401
