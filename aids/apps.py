from django.apps import AppConfig


class AidsConfig(AppConfig):
    name = "aids"
    verbose_name = "Discussion aids"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from aids import checks, signals  # noqa: F401  (registers checks and frozen guards)
