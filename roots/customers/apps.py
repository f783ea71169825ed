from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "roots.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        # Registers this app's kinds of record with the top bar's search.
        from roots.customers import searchers  # noqa: F401

        # Each app's tabs of the customer 360 page (`roots.customers.tabs`), this one's too.
        autodiscover_modules("customer_tabs")
