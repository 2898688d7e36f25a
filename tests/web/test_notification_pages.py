"""Notification pages (issue 4 §5): the header's bell with its unread count in its accessible name, the
list (open marks read and goes to the letter, mark one read, mark all read; POST with CSRF), the
preferences page, the overdue list, and the secret-subject rule on the page."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from tests.web.conftest import DBS, body

pytestmark = pytest.mark.django_db(databases=DBS)

A = "/a/tenant-a/"


def _post(client, path: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(path, {**(data or {}), "_agency": "tenant-a"})


@pytest.fixture
def presented(tenants, in_tenant, actor_of):  # type: ignore[no-untyped-def]
    """A letter presented to the ปลัด (held by a_head): a_head gets a notification."""
    from documents.handling import services
    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.models import Position

    a = tenants.a

    def make(subject: str = "ขอเชิญประชุมคณะกรรมการ"):  # type: ignore[no-untyped-def]
        with in_tenant(a):
            admin, clerk = actor_of("a_agency_admin", a), actor_of("a_central_clerk", a)
            palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
            chain = services.chain_create(tenant_id=a.pk, actor=admin, name_th=f"สาย {uuid.uuid4().hex[:6]}",
                                          position_ids=[palad.pk])
            entry = registry_services.register_incoming(
                tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
                data=IncomingInput(subject=subject, urgency="002", sender=PartyInput(name="จังหวัดนครราชสีมา")))
            h = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk,
                                        note=services.NoteInput(summary="สรุป"))
            return services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=chain.pk)

    return make


def _bell(html: str) -> str:
    """The bell's accessible name: its text with the screen-reader words, tags dropped."""
    m = re.search(r'<a class="eo-bell[^"]*" href="/a/tenant-a/notifications/"[^>]*>(.*?)</a>', html, re.S)
    assert m, "no bell in the header"
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def test_bell_list_open_and_mark_read(client, login, presented):
    login("a_head")
    _post(client, f"{A}notifications/read-all/")
    assert _bell(body(client.get(f"{A}"))) == "การแจ้งเตือน ไม่มีรายการที่ยังไม่อ่าน"
    step, second = presented(), presented("เรื่องที่สอง")
    assert _bell(body(client.get(f"{A}"))) == "การแจ้งเตือน ยังไม่อ่าน 2 รายการ"
    page = body(client.get(f"{A}notifications/"))
    assert "ขอเชิญประชุมคณะกรรมการ" in page and "ด่วน" in page and "เสนอหนังสือถึงท่าน" in page
    m = re.search(r'action="/a/tenant-a/notifications/(\d+)/open/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"', page)
    assert m, "open is a POST form with CSRF"
    ids = re.findall(r'action="/a/tenant-a/notifications/(\d+)/open/"', page)
    r = _post(client, f"{A}notifications/{ids[-1]}/open/")  # the older one: the first letter
    assert r.status_code == 302 and r["Location"] == f"{A}handling/letters/{step.handling_id}/"
    assert _bell(body(client.get(f"{A}"))) == "การแจ้งเตือน ยังไม่อ่าน 1 รายการ"
    assert client.get(f"{A}notifications/{ids[0]}/open/").status_code == 405  # never on GET
    assert _post(client, f"{A}notifications/{ids[0]}/read/").status_code == 302
    assert _bell(body(client.get(f"{A}notifications/?unread=1"))) == "การแจ้งเตือน ไม่มีรายการที่ยังไม่อ่าน"
    assert second.handling_id


def test_someone_elses_notification_is_not_found(client, login, presented):
    presented()
    login("a_head")
    ids = re.findall(r'/notifications/(\d+)/read/', body(client.get(f"{A}notifications/?unread=1")))
    client.logout()
    login("a_officer")
    assert _post(client, f"{A}notifications/{ids[0]}/read/").status_code == 404
    assert _post(client, f"{A}notifications/{ids[0]}/open/").status_code == 404


def test_preferences_page(client, login):
    login("a_officer")
    page = body(client.get(f"{A}notifications/settings/"))
    assert 'name="email_enabled"' in page and "ยังไม่มีอีเมล" in page
    r = _post(client, f"{A}notifications/settings/", {"email_enabled": "on", "email_urgent_only": "on"})
    assert r.status_code == 302
    page = body(client.get(f"{A}notifications/settings/"))
    assert re.search(r'name="email_urgent_only"[^>]*checked', page)
    assert not re.search(r'name="email_overdue"[^>]*checked', page)


def test_overdue_page_lists_work_past_its_date(client, login, tenants, in_tenant, actor_of, presented):
    from documents.models import Holding

    step = presented("เรื่องเกินกำหนดทดสอบ")
    with in_tenant(tenants.a):
        Holding.objects.filter(pk=step.pk).update(due_on=timezone.localdate() - dt.timedelta(days=4))
    login("a_head")
    page = body(client.get(f"{A}handling/overdue/"))
    assert "หนังสือเกินกำหนด" in page and "เรื่องเกินกำหนดทดสอบ" in page and "4 วัน" in page
    assert f"{A}handling/overdue/" in body(client.get(f"{A}handling/"))  # linked from the inbox
    client.logout()
    login("a_officer")
    assert "เรื่องเกินกำหนดทดสอบ" not in body(client.get(f"{A}handling/overdue/"))
