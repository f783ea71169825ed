from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "roots.core"
    label = "core"
    verbose_name = "Core"
