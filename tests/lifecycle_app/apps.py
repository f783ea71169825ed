from django.apps import AppConfig


class LifecycleAppConfig(AppConfig):
    name = "tests.lifecycle_app"
    label = "lifecycle_app"
    default_auto_field = "django.db.models.BigAutoField"
