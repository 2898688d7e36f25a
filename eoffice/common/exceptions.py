"""Application errors carry a Thai message first and an English one beside it."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refusal the user can act on. ``code`` is stable for API clients."""

    status_code = 400
    code = "invalid"

    def __init__(self, message_th: str, message_en: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message_en)
        self.message_th = message_th
        self.message_en = message_en
        if code:
            self.code = code
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message_th": self.message_th, "message_en": self.message_en, "field": self.field}


class NotFoundInTenant(ApplicationError):
    """Raised for a missing object and for another tenant's object alike (same answer for both)."""

    status_code = 404
    code = "not_found"

    def __init__(self) -> None:
        super().__init__("ไม่พบรายการที่ขอ", "The requested item was not found.")


class PermissionDeniedInTenant(ApplicationError):
    status_code = 403
    code = "forbidden"

    def __init__(self) -> None:
        super().__init__("คุณไม่มีสิทธิ์ทำรายการนี้", "You do not have permission to do this.")


class ConflictError(ApplicationError):
    status_code = 409
    code = "conflict"
