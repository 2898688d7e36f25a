from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "signatures"
    default_auto_field = "django.db.models.BigAutoField"
