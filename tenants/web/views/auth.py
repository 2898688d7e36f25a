"""Global pages: sign in/out, choose an agency, health. No agency scope here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from eoffice.common.exceptions import ApplicationError
from eoffice.common.thaidate import thai_sort_key
from tenants import selectors
from tenants.services import login_throttle
from tenants.services.audit import audit_system_now, digest
from tenants.web.forms import LoginForm

THROTTLED = (
    "มีการพยายามเข้าสู่ระบบผิดหลายครั้ง กรุณารอ 15 นาทีแล้วลองใหม่ หรือติดต่อผู้ดูแลระบบของหน่วยงาน",
    "Too many failed sign-in attempts. Wait 15 minutes and try again, or contact your agency administrator.",
)
BAD_CREDENTIALS = (
    "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
    "The username or password is incorrect.",
)


def client_ip(request: HttpRequest) -> str:
    """The client address as the middleware records it (REMOTE_ADDR; a trusted proxy sets it)."""
    return request.META.get("REMOTE_ADDR", "") or ""


def _safe_next(request: HttpRequest) -> str | None:
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return None


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect("agency-choose")
        return render(request, "web/login.html", {"form": LoginForm(), "next": _safe_next(request) or ""})

    form = LoginForm(request.POST)
    ctx = {"form": form, "next": _safe_next(request) or ""}
    if not form.is_valid():
        return render(request, "web/login.html", ctx, status=400)
    username = form.cleaned_data["username"].strip()
    ip = client_ip(request)
    changes = {"username_digest": digest(username.lower())}

    if login_throttle.login_blocked(username=username, ip=ip):
        audit_system_now(actor_id=None, action="login.throttled", ip=ip, changes=changes)
        form.add_application_error(ApplicationError(*THROTTLED, code="throttled"))
        return render(request, "web/login.html", ctx, status=429)

    user = authenticate(request, username=username, password=form.cleaned_data["password"])
    if user is None:
        login_throttle.login_failed(username=username, ip=ip)
        audit_system_now(actor_id=None, action="login.failure", ip=ip, changes=changes)
        form.add_application_error(ApplicationError(*BAD_CREDENTIALS))
        return render(request, "web/login.html", ctx, status=400)

    login_throttle.login_succeeded(username=username, ip=ip)
    audit_system_now(actor_id=user.pk, action="login.success", ip=ip, changes=changes)
    login(request, user)
    return HttpResponseRedirect(_safe_next(request) or reverse(settings.LOGIN_REDIRECT_URL))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@require_safe
def home_root(request: HttpRequest) -> HttpResponse:
    return redirect("agency-choose" if request.user.is_authenticated else "login")


@never_cache
@require_safe
def agency_choose(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login") + "?next=" + reverse("agency-choose"))
    memberships = [m for m in selectors.memberships_of_user(user=request.user) if m.tenant.is_active]
    memberships.sort(key=lambda m: thai_sort_key(m.tenant.name_th))
    if len(memberships) == 1:
        return redirect("agency-home", agency=memberships[0].tenant.slug)
    return render(request, "web/agency_choose.html", {"memberships": memberships})


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
