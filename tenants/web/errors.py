"""One way to refuse: a Thai-first error page (English beside it) or the API's JSON error."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

_CODES = {400: "invalid", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 429: "throttled", 500: "server_error"}


def error_response(request: HttpRequest, status: int, message_th: str, message_en: str, *, is_api: bool = False) -> HttpResponse:
    if is_api or request.path_info.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": _CODES.get(status, "error"), "message_th": message_th, "message_en": message_en}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    html = render_to_string(
        "errors/error.html",
        {"status": status, "message_th": message_th, "message_en": message_en},
        request=request,
    )
    return HttpResponse(html, status=status)
