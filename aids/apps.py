from django.apps import AppConfig


class AidsConfig(AppConfig):
    name = "aids"
    verbose_name = "Discussion aids"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from aids import checks, signals  # noqa: F401  (registers checks and frozen guards)
        from aids.catalogues import trim_site_languages

        trim_site_languages()  # every page looks words up: through one catalogue chain, not six
