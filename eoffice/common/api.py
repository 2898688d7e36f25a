"""DRF exception handler: ApplicationError -> {code, message_th, message_en}; nothing leaks a stack."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eoffice.common.exceptions import ApplicationError, NotFoundInTenant

_DRF_THAI = {
    "not_authenticated": ("กรุณาเข้าสู่ระบบ", "Authentication credentials were not provided."),
    "authentication_failed": ("ยืนยันตัวตนไม่สำเร็จ", "Authentication failed."),
    "permission_denied": ("คุณไม่มีสิทธิ์ทำรายการนี้", "You do not have permission to do this."),
    "not_found": ("ไม่พบรายการที่ขอ", "The requested item was not found."),
    "method_not_allowed": ("ไม่รองรับวิธีเรียกนี้", "Method not allowed."),
    "parse_error": ("ข้อมูลที่ส่งมาอ่านไม่ได้", "Malformed request body."),
    "unsupported_media_type": ("ชนิดข้อมูลไม่รองรับ", "Unsupported media type."),
    "throttled": ("ส่งคำขอถี่เกินไป กรุณารอสักครู่", "Too many requests; please wait."),
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"error": exc.as_dict()}, status=exc.status_code)
    if isinstance(exc, Http404):
        return Response({"error": NotFoundInTenant().as_dict()}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "error": {
                "code": "invalid",
                "message_th": "ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบช่องที่ระบุ",
                "message_en": "Invalid input; see the fields listed.",
                "fields": response.data,
            }
        }
        return response
    code = getattr(exc, "default_code", "error")
    th, en = _DRF_THAI.get(code, ("เกิดข้อผิดพลาด", str(getattr(exc, "detail", "Error"))))
    response.data = {"error": {"code": code, "message_th": th, "message_en": en}}
    return response
