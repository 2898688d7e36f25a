"""The Celery app. Tasks take ids, run under ``tenants.tasks.TenantTask`` and are idempotent."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")

app = Celery("eoffice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
