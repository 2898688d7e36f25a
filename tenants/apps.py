from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


def _grant_after_migrate(sender, using, **kwargs):  # type: ignore[no-untyped-def]
    # Infrastructure, not domain flow: after the owner migrates, grant the app role exactly the
    # declared privileges (tenants.db.APP_PRIVILEGES).
    if using != "owner" or sender.name != "tenants":
        return
    from tenants.db import grant_app_role

    grant_app_role(using=using, app_role=settings.DATABASES["default"]["USER"])


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Tenancy kernel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from eoffice.common.db.backend.base import set_guard_hook
        from tenants.db import guard_hook

        set_guard_hook(guard_hook)
        post_migrate.connect(_grant_after_migrate, dispatch_uid="tenants-grant-app-role")
