from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set (`manage.py seed_demo`, `demo_empty`, `demo_users`): a top app, as
    the seeder runs every app's `demo.py` (docs/architecture.md, "Layering")."""

    name = "roots.demo"
    label = "demo"
    verbose_name = _("Demo data")
