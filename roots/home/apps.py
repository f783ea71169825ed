from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The top app: the staff home (dashboard, "my day") and the sidebar's table, which
    gather the other apps' parts (docs/architecture.md, "Layering")."""

    name = "roots.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self) -> None:
        from roots.core.context_processors import set_navigation
        from roots.home.navigation import NAV_GROUPS, NAVIGATION

        set_navigation(groups=NAV_GROUPS, entries=NAVIGATION)
