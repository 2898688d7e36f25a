"""Refusals of the file layer: Thai first, English beside it, each naming the file and the reason."""

from __future__ import annotations

from eoffice.common.exceptions import ApplicationError


def _shown(name: str) -> str:
    """The file's name as shown in a message: printable, short."""
    cleaned = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    return cleaned if len(cleaned) <= 80 else cleaned[:77] + "..."


class FileRejected(ApplicationError):
    """The file is refused (nothing is stored). ``reason`` is a stable machine-readable cause:
    empty, too_large, unknown_type, executable, polyglot, encrypted, malformed, pdf_bomb,
    image_bomb, zip_bomb."""

    code = "file_rejected"

    def __init__(self, original_name: str, reason: str, why_th: str, why_en: str):
        shown = _shown(original_name)
        super().__init__(
            f"ไม่รับไฟล์ “{shown}”: {why_th}",
            f'The file "{shown}" was refused: {why_en}',
            field="files",
        )
        self.reason = reason
        self.original_name = original_name


class FileUnavailable(ApplicationError):
    """The file can no longer be read: its key was destroyed, or the stored bytes are missing or
    were altered."""

    status_code = 410
    code = "file_unavailable"

    def __init__(self, original_name: str, reason: str):
        shown = _shown(original_name)
        if reason == "key_destroyed":
            th, en = "ไฟล์ถูกทำลายแล้ว (ลบกุญแจเข้ารหัสแล้ว)", "the file was destroyed (its key was erased)"
        elif reason == "missing":
            th, en = "ไม่พบข้อมูลของไฟล์ในที่จัดเก็บ", "the stored data of the file is missing"
        else:
            th, en = "ข้อมูลไฟล์ถูกแก้ไขหรือเสียหาย อ่านไม่ได้", "the stored data was altered or damaged"
        super().__init__(f"เปิดไฟล์ “{shown}” ไม่ได้: {th}", f'The file "{shown}" cannot be opened: {en}')
        self.reason = reason


class FileQuarantined(ApplicationError):
    """A quarantined file is not handed out (only through a loudly named escape hatch)."""

    status_code = 403
    code = "file_quarantined"

    def __init__(self, original_name: str, problem: str):
        shown = _shown(original_name)
        super().__init__(
            f"ไฟล์ “{shown}” ถูกกักกันไว้เพราะอาจไม่ปลอดภัย ({problem or 'ไม่ระบุ'}) จึงไม่เปิดให้ดาวน์โหลด",
            f'The file "{shown}" is quarantined as possibly unsafe ({problem or "unspecified"}) and cannot be downloaded.',
        )
