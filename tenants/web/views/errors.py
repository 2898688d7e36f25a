"""Error handlers: Thai first, English beside it, nothing internal shown."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from tenants.web.errors import error_response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400, "คำขอไม่ถูกต้อง", "Bad request.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403, "คุณไม่มีสิทธิ์เข้าถึงหน้านี้", "You do not have access to this page.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404, "ไม่พบหน้าที่ต้องการ", "Page not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, 500, "ระบบขัดข้องชั่วคราว ข้อมูลที่กำลังบันทึกไม่ถูกบันทึก กรุณาลองใหม่อีกครั้ง",
        "Something went wrong; nothing was saved. Please try again.",
    )
