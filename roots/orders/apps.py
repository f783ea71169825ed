from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "roots.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Registers this app's kinds of record with the top bar's search.
        from roots.orders import searchers  # noqa: F401

        # The custom-order sub-app's life-cycle (`all_lifecycles` finds `orders.lifecycles`).
        from roots.orders.custom import lifecycles  # noqa: F401
