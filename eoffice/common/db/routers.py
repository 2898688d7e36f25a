class MigrateOnOwnerRouter:
    """Schema changes only through the owner alias; the app aliases never migrate."""

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: object) -> bool:
        return db == "owner"
