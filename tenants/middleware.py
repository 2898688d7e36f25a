"""Wall 3: the active agency comes from the URL and is checked against the user's memberships on every
request; the whole response runs in one transaction with the tenant set (wall 4's settings).

- ``/a/<agency>/…`` (browser) and ``/api/v1/a/<agency>/…`` (API) are agency routes. Anything else
  is global (login, agency chooser, health, language) and runs in a *user scope* when signed in.
- Unknown or inactive agency → 404; not a member (or membership revoked) → 403. Both audited.
- Unsafe browser requests must carry the agency they were rendered for (form field ``_agency`` or
  header ``X-Eoffice-Agency``); a mismatch is refused (400) and audited.
- Template rendering and streamed bodies run inside the scope too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from eoffice.common.exceptions import ApplicationError, NotFoundInTenant
from tenants import selectors
from tenants.context import dangerously_read_all_tenants, tenant_scope, user_scope
from tenants.services.audit import audit_record_now, audit_system_now
from tenants.services.tokens import api_token_authenticate
from tenants.web.errors import error_response

log = logging.getLogger(__name__)

AGENCY_PATH = re.compile(r"^/(?P<api>api/v1/)?a/(?P<slug>[^/]+)/")
AGENCY_FIELD = "_agency"
AGENCY_HEADER = "HTTP_X_EOFFICE_AGENCY"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    # -- entry ---------------------------------------------------------------------------------------
    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        request.actor = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        self._note_invalid_session(request)
        m = AGENCY_PATH.match(request.path_info)
        if m is None:
            return self._global(request)
        return self._agency(request, m.group("slug"), is_api=bool(m.group("api")))

    def _note_invalid_session(self, request: HttpRequest) -> None:
        from django.conf import settings

        raw = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not raw:
            return
        request.session.keys()  # loads the session (auth needs it anyway)
        if request.session.session_key is None:
            # A session cookie we never issued, or one that expired or was revoked: tampered or stale.
            # Django deletes the cookie in this response, so this is logged once per cookie.
            request.session_was_invalid = True  # type: ignore[attr-defined]
            audit_system_now(actor_id=None, action="session.invalid", ip=client_ip(request))

    # -- global routes -------------------------------------------------------------------------------
    def _global(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if request.path_info.startswith("/admin/") and user.is_system_admin:
            # Django admin is read-only on tenant data; system admins read every agency there.
            # Writes fail by RLS (no acting agency) as well as by the read-only ModelAdmins.
            ids = selectors.agency_ids_all()

            def admin_scope():  # type: ignore[no-untyped-def]
                return dangerously_read_all_tenants(ids)

            with admin_scope():
                return self._finish(request, self.get_response(request), admin_scope)
        with user_scope(user.pk):
            response = self.get_response(request)
            return self._finish(request, response, lambda: user_scope(user.pk))

    # -- agency routes -------------------------------------------------------------------------------
    def _agency(self, request: HttpRequest, slug: str, *, is_api: bool) -> HttpResponse:
        agency = selectors.agency_get_by_slug(slug=slug)
        user = request.user if request.user.is_authenticated else None
        if agency is None or not agency.is_active:
            audit_system_now(
                actor_id=user.pk if user else None,
                action="access.unknown_agency" if agency is None else "access.inactive_agency",
                agency_hint=slug,
                ip=client_ip(request),
            )
            return error_response(
                request, 404, "ไม่พบหน่วยงานนี้ในระบบ หรือหน่วยงานถูกระงับการใช้งาน",
                "This agency does not exist or has been deactivated.", is_api=is_api,
            )

        token = None
        auth_header = request.META.get("HTTP_AUTHORIZATION", "")
        with tenant_scope(agency.pk, user_id=user.pk if user else None):
            if is_api and auth_header.startswith("Token "):
                token = api_token_authenticate(tenant_id=agency.pk, raw=auth_header[6:].strip())
                if token is None:
                    audit_record_now(tenant_id=agency.pk, actor_id=None, action="api.token_rejected", ip=client_ip(request))
                    return error_response(request, 401, "โทเค็นไม่ถูกต้องหรือหมดอายุ", "Invalid or expired token.", is_api=True)
                user = token.membership.user
                request.user = user
                request.api_token = token  # type: ignore[attr-defined]  # tenants.api.auth reads this marker
                request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
            if user is None:
                if is_api:
                    return error_response(request, 401, "กรุณาเข้าสู่ระบบ", "Authentication required.", is_api=True)
                return HttpResponseRedirect(reverse("login") + "?" + urlencode({"next": request.get_full_path()}))

            membership = token.membership if token else selectors.membership_for(tenant_id=agency.pk, user_id=user.pk)
            if membership is None or not membership.is_active:
                audit_record_now(
                    tenant_id=agency.pk, actor_id=user.pk, action="access.not_member", ip=client_ip(request),
                    object_type="agency", object_id=agency.pk,
                )
                return error_response(
                    request, 403, "คุณไม่ได้เป็นสมาชิกของหน่วยงานนี้ หรือสิทธิ์ของคุณถูกเพิกถอนแล้ว",
                    "You are not a member of this agency, or your membership was revoked.", is_api=is_api,
                )
            membership.user = user
            actor = selectors.actor_build(agency=agency, membership=membership, user=user)

            if request.method in UNSAFE and token is None:
                posted = request.POST.get(AGENCY_FIELD) if request.content_type in (
                    "application/x-www-form-urlencoded", "multipart/form-data") else None
                claimed = posted or request.META.get(AGENCY_HEADER)
                if claimed != agency.slug:
                    audit_record_now(
                        tenant_id=agency.pk, actor_id=user.pk, action="access.agency_mismatch", ip=client_ip(request),
                        changes={"claimed": (claimed or "")[:64]},
                    )
                    return error_response(
                        request, 400,
                        "แบบฟอร์มนี้เปิดไว้สำหรับหน่วยงานอื่น ระบบจึงไม่บันทึก กรุณาเปิดหน้าใหม่แล้วลองอีกครั้ง",
                        "This form was opened for another agency, so nothing was saved. Reload the page and try again.",
                        is_api=is_api,
                    )

            request.tenant = agency  # type: ignore[attr-defined]
            request.actor = actor  # type: ignore[attr-defined]
            request.membership = membership  # type: ignore[attr-defined]

            def rescope():  # type: ignore[no-untyped-def]
                return tenant_scope(agency.pk, readable=actor.reach, user_id=user.pk)

            with rescope():
                response = self.get_response(request)
                return self._finish(request, response, rescope)

    # -- response inside the scope -----------------------------------------------------------------------
    def _finish(self, request: HttpRequest, response: HttpResponse, rescope: Callable) -> HttpResponse:  # type: ignore[type-arg]
        if response.status_code >= 500:
            transaction.set_rollback(True)
        render = getattr(response, "render", None)
        if callable(render) and not getattr(response, "is_rendered", True):
            response = render()
        if getattr(response, "streaming", False):
            original = response.streaming_content

            def scoped() -> Iterator[bytes]:
                with rescope():
                    yield from original

            response.streaming_content = scoped()
        return response

    # -- exceptions raised by views: roll back, answer clearly, audit refusals -----------------------------
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if connection.in_atomic_block:
            transaction.set_rollback(True)
        is_api = request.path_info.startswith("/api/")
        tenant = getattr(request, "tenant", None)
        user_id = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
        if isinstance(exception, Http404) and not isinstance(exception, ApplicationError):
            exception = NotFoundInTenant()
        if isinstance(exception, ApplicationError):
            if exception.status_code in (403, 404) and tenant is not None:
                # Logged the same way for a random id and another tenant's id: no probing.
                audit_record_now(
                    tenant_id=tenant.pk, actor_id=user_id,
                    action="access.denied" if exception.status_code == 403 else "access.not_found",
                    ip=client_ip(request), changes={"path": request.path_info[:200]},
                )
            return error_response(request, exception.status_code, exception.message_th, exception.message_en, is_api=is_api)
        return None

