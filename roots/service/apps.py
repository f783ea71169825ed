from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "roots.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        # Registers this app's kinds of record with the top bar's search.
        from roots.service import searchers  # noqa: F401
