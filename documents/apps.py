from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Job handlers register themselves with tenants.jobs_registry on import.
        from documents.drafting import dispatch as drafting_dispatch  # noqa: F401
        from documents.drafting import jobs as drafting_jobs  # noqa: F401
        from documents.files import jobs as files_jobs  # noqa: F401
        from documents.handling import jobs as handling_jobs  # noqa: F401
        from documents.handling import notifications  # noqa: F401
        from documents.mailbox import jobs as mailbox_jobs  # noqa: F401
        from documents.registry import jobs as registry_jobs  # noqa: F401
