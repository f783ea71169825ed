from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellThroughConfig(AppConfig):
    name = "roots.sellthrough"
    label = "sellthrough"
    verbose_name = _("Sell-through")
