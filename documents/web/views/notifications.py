"""Notification pages (issue 4 §5): the list behind the header's bell (mark read, mark all read, open a
letter), the member's e-mail preferences, and หนังสือเกินกำหนด (the overdue list, §4). Every member sees
only their own notifications; the overdue list follows the handling access rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents.handling import notifications
from documents.models import NotificationKind, Urgency
from documents.web.notification_forms import PreferenceForm
from tenants.web.views._common import render_page


def _tid(request: HttpRequest) -> int:
    return request.tenant.pk


@require_GET
def notifications_page(request: HttpRequest, agency: str) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = notifications.notifications_list(tenant_id=_tid(request), actor=request.actor, unread_only=unread_only)
    kinds, urgencies = dict(NotificationKind.choices), dict(Urgency.choices)
    for n in rows:
        n.kind_label, n.urgency_label = kinds.get(n.kind, ""), urgencies.get(n.urgency, "")
    return render_page(request, "documents/notifications/list.html", {
        "rows": rows, "unread_only": unread_only, "limit": notifications.LIST_LIMIT,
        "has_unread": any(n.read_at is None for n in rows),
    })


def _safe(link: str) -> str | None:
    return link if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None) else None


@require_POST
def notification_open(request: HttpRequest, agency: str, notification_id: int) -> HttpResponse:
    """Mark it read and go to the letter (or the overdue list) it points at."""
    n = notifications.mark_read(tenant_id=_tid(request), actor=request.actor, notification_id=notification_id)
    target = _safe(n.link)
    return redirect(target) if target else redirect("notifications", agency=request.tenant.slug)


@require_POST
def notification_read(request: HttpRequest, agency: str, notification_id: int) -> HttpResponse:
    notifications.mark_read(tenant_id=_tid(request), actor=request.actor, notification_id=notification_id)
    messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว"))
    return redirect("notifications", agency=request.tenant.slug)


@require_POST
def notifications_read_all(request: HttpRequest, agency: str) -> HttpResponse:
    n = notifications.mark_all_read(tenant_id=_tid(request), actor=request.actor)
    messages.success(request, _("ทำเครื่องหมายว่าอ่านแล้ว %(n)d รายการ") % {"n": n})
    return redirect("notifications", agency=request.tenant.slug)


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest, agency: str) -> HttpResponse:
    pref = notifications.preference_get(tenant_id=_tid(request), actor=request.actor)
    form = PreferenceForm(request.POST or None, initial={
        "email_enabled": pref.email_enabled, "email_urgent_only": pref.email_urgent_only,
        "email_overdue": pref.email_overdue})
    if request.method == "POST" and form.is_valid():
        notifications.preference_update(tenant_id=_tid(request), actor=request.actor, **form.cleaned_data)
        messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
        return redirect("notification-settings", agency=request.tenant.slug)
    return render_page(request, "documents/notifications/settings.html", {
        "form": form, "has_email": bool(request.user.email)}, status=400 if form.errors else 200)


@require_GET
def overdue_page(request: HttpRequest, agency: str) -> HttpResponse:
    rows = notifications.overdue(request.actor, tenant_id=_tid(request))
    urgencies = dict(Urgency.choices)
    for h in rows:
        h.urgency_label = urgencies.get(h.handling.letter.urgency, "")
    return render_page(request, "documents/notifications/overdue.html", {
        "rows": rows, "limit": notifications.OVERDUE_LIMIT})
