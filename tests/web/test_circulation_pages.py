"""The circulation pages (เวียนแจ้ง) through the Django test client: the form on a letter's handling page,
the outstanding list, opening (not acknowledging), รับทราบ once and a second time refused on the page,
the sender's status page and the sign-off sheet; an XSS payload in the note shown as inert text; who
may not see what (403 / 404)."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.web.conftest import DBS, body

pytestmark = pytest.mark.django_db(databases=DBS)

A = "/a/tenant-a/"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _post(client, path: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return client.post(path, {**(data or {}), "_agency": "tenant-a"})


@pytest.fixture
def letter(tenants, in_tenant, actor_of):  # type: ignore[no-untyped-def]
    from documents.handling import services
    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.models import OrgUnit

    a = tenants.a
    with in_tenant(a):
        clerk = actor_of("a_central_clerk", a)
        entry = registry_services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="หนังสือเวียน ว 7 แนวทางการเบิกจ่าย", purpose="inform",
                               letter_reference="ที่ นม 0023.3/ว 7", sender=PartyInput(name="จังหวัดนครราชสีมา")))
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk,
                                           note=services.NoteInput(summary="แจ้งแนวทาง"))
        return {"id": handling.pk, "finance": OrgUnit.objects.get(tenant_id=a.pk, name_th="กองคลัง").pk}


def test_circulate_open_acknowledge_status_and_sheet(client, login, letter):
    login("a_central_clerk")
    page = body(client.get(f"{A}handling/letters/{letter['id']}/"))
    assert f"{A}handling/letters/{letter['id']}/circulate/" in page
    form = body(client.get(f"{A}handling/letters/{letter['id']}/circulate/"))
    assert 'value="all"' in form and 'name="units"' in form and 'name="positions"' in form
    r = _post(client, f"{A}handling/letters/{letter['id']}/circulate/",
              {"audience": "units", "units": [letter["finance"]], "note": XSS})
    assert r.status_code == 302
    status_url = r["Location"]
    cid = re.search(r"/circulations/(\d+)/status/", status_url).group(1)
    status = body(client.get(status_url))
    assert XSS not in status and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in status
    assert "ยังไม่รับทราบ" in status

    client.logout()
    login("a_officer")
    mine = body(client.get(f"{A}handling/circulations/"))
    assert "หนังสือเวียน ว 7 แนวทางการเบิกจ่าย" in mine and f"/circulations/{cid}/acknowledge/" in mine
    assert XSS not in mine
    page = body(client.get(f"{A}handling/circulations/{cid}/"))
    assert "ท่านเปิดอ่านแล้ว แต่ยังไม่ได้รับทราบ" in page and XSS not in page
    assert f"/circulations/{cid}/status/" not in page  # a recipient sees no one else's status
    assert f"/circulations/{cid}/acknowledge/" in body(client.get(f"{A}handling/circulations/"))  # still outstanding
    assert client.get(f"{A}handling/circulations/{cid}/status/").status_code == 404
    r = _post(client, f"{A}handling/circulations/{cid}/acknowledge/")
    assert r.status_code == 302 and r["Location"] == f"{A}handling/circulations/"
    assert f"/circulations/{cid}/acknowledge/" not in body(client.get(f"{A}handling/circulations/"))
    again = _post(client, f"{A}handling/circulations/{cid}/acknowledge/")
    assert again.status_code == 409 and "ท่านรับทราบหนังสือเวียนนี้แล้ว" in body(again)

    client.logout()
    login("a_central_clerk")
    status = body(client.get(status_url))
    assert re.search(r"รับทราบแล้ว 1 คน", status)
    sheet = body(client.get(f"{A}handling/circulations/{cid}/sheet/"))
    assert "ใบรับทราบหนังสือเวียน" in sheet and "eo-signoff-table" in sheet and XSS not in sheet
    # the letter's page lists its circulations
    assert f"/circulations/{cid}/status/" in body(client.get(f"{A}handling/letters/{letter['id']}/"))
    r = _post(client, f"{A}handling/circulations/{cid}/close/")
    assert r.status_code == 302
    assert _post(client, f"{A}handling/circulations/{cid}/close/").status_code == 409


def test_refusals_on_the_form_and_who_may_not(client, login, letter):
    login("a_central_clerk")
    url = f"{A}handling/letters/{letter['id']}/circulate/"
    r = _post(client, url, {"audience": "units"})
    assert r.status_code == 400 and "กรุณาเลือกหน่วยงาน" in body(r)
    r = _post(client, url, {"audience": "bogus"})
    assert r.status_code == 400
    client.logout()
    login("a_officer")  # can't see the letter: like a missing one
    assert client.get(url).status_code == 404
    assert client.get(f"{A}handling/circulations/{7_000_000_123}/").status_code == 404
    assert client.get(f"{A}handling/circulations/").status_code == 200


def test_the_desk_circulates_the_agencys_own_order_from_its_entry_page(client, login, tenants, in_tenant, actor_of):
    from documents.models import Book, BookKind, CirculationRecipient
    from documents.registry import services as registry_services
    from documents.registry.inputs import OutgoingInput, PartyInput
    from tenants.models import OrgUnit

    a = tenants.a
    with in_tenant(a):
        clerk = actor_of("a_central_clerk", a)
        book = Book.objects.get(tenant_id=a.pk, kind=BookKind.ORDERS)
        order = registry_services.issue_outgoing(
            tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            data=OutgoingInput(subject="คำสั่งแต่งตั้งคณะกรรมการตรวจรับพัสดุ", book_id=book.pk,
                               recipients=(PartyInput(name="ผู้เกี่ยวข้อง"),)))
        finance = OrgUnit.objects.get(tenant_id=a.pk, name_th="กองคลัง").pk
    login("a_central_clerk")
    page = body(client.get(f"{A}registry/entries/{order.pk}/"))
    assert f'action="{A}registry/entries/{order.pk}/circulate/"' in page and "เวียนแจ้งภายในหน่วยงาน" in page
    r = _post(client, f"{A}registry/entries/{order.pk}/circulate/")
    assert r.status_code == 302 and r["Location"].endswith("/circulate/") and "/handling/letters/" in r["Location"]
    r = _post(client, r["Location"], {"audience": "units", "units": [finance], "note": "โปรดทราบและถือปฏิบัติ"})
    assert r.status_code == 302, body(r)[:2000]
    with in_tenant(a):
        assert CirculationRecipient.objects.filter(tenant_id=a.pk, circulation__handling__entry=order).exists()
    page = body(client.get(f"{A}registry/entries/{order.pk}/"))
    assert "เวียนแจ้งภายในหน่วยงาน" not in page  # now it has its handling: linked instead
    client.logout()
    login("a_unit_clerk")
    assert _post(client, f"{A}registry/entries/{order.pk}/circulate/").status_code in (403, 404)
