from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "eoffice.common"
    label = "common"
    verbose_name = "Common plumbing"
