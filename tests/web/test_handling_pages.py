"""The handling pages through the Django test client (issue 4): the whole path by form posts, the inbox
columns, one-tap endorsement, bulk ทราบ, refusals shown on the page in Thai and English, and XSS in
notes and endorsements shown as inert text."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.registry.fixtures_files import pdf_bytes
from tests.web.conftest import DBS, body

pytestmark = pytest.mark.django_db(databases=DBS)

A = "/a/tenant-a/"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _post(client, path: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(path, {**data, "_agency": "tenant-a"})


@pytest.fixture
def setup(tenants, in_tenant, actor_of):  # type: ignore[no-untyped-def]
    from documents.handling import services
    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.models import Membership, OrgUnit, Position

    a = tenants.a
    with in_tenant(a):
        admin, clerk = actor_of("a_agency_admin", a), actor_of("a_central_clerk", a)
        palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
        chain = services.chain_create(tenant_id=a.pk, actor=admin, name_th="สายเสนอหน้าเว็บ", position_ids=[palad.pk])
        cat = services.file_category_create(tenant_id=a.pk, actor=admin, code=f"w{uuid.uuid4().hex[:6]}",
                                            name_th="แฟ้มทดสอบหน้าเว็บ", retention_years=5)

        def letter(purpose: str = "consider", subject: str = "ขอเชิญประชุมคณะกรรมการ"):  # type: ignore[no-untyped-def]
            with in_tenant(a):
                return registry_services.register_incoming(
                    tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
                    data=IncomingInput(subject=subject, purpose=purpose, urgency="003",
                                       letter_reference="ที่ นม 0017/ว 12", sender=PartyInput(name="จังหวัดนครราชสีมา")))

        return {
            "chain": chain.pk, "cat": cat.pk, "letter": letter,
            "finance": OrgUnit.objects.get(tenant_id=a.pk, name_th="กองคลัง").pk,
            "officer": Membership.objects.get(tenant_id=a.pk, user__username="a_officer").pk,
        }


def _holding_in(html: str, action: str) -> str:
    m = re.search(rf'action="/a/tenant-a/handling/holdings/(\d+)/{action}/"', html)
    assert m, f"no {action} form on the page"
    return m.group(1)


def test_the_whole_path_in_pages(client, login, setup):
    entry = setup["letter"]()
    login("a_central_clerk")
    r = client.get(f"{A}registry/entries/{entry.pk}/")
    assert f"{A}registry/entries/{entry.pk}/note/" in body(r)  # the entry page offers the note
    r = _post(client, f"{A}registry/entries/{entry.pk}/note/", {"summary": XSS, "recommendation": "เห็นควรมอบกองคลัง"})
    assert r.status_code == 302
    letter_url = r["Location"]
    page = body(client.get(letter_url))
    assert XSS not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page  # inert
    hid = re.search(r"/letters/(\d+)/", letter_url).group(1)
    r = _post(client, f"{A}handling/letters/{hid}/present/", {"chain": setup["chain"]})
    assert r.status_code == 302

    client.logout()
    login("a_head")
    inbox = body(client.get(f"{A}handling/?sort=-received"))  # newest first: this letter leads
    assert "ขอเชิญประชุมคณะกรรมการ" in inbox and "ด่วนมาก" in inbox and "ที่ นม 0017/ว 12" in inbox
    page = body(client.get(letter_url))
    holding = _holding_in(page, "endorse")
    assert 'name="phrase" value="ทราบ"' in page  # one-tap phrases
    r = _post(client, f"{A}handling/holdings/{holding}/endorse/",
              {"phrase": "มอบ", "text": XSS, "order_units": [setup["finance"]]})
    assert r.status_code == 302
    page = body(client.get(letter_url))
    assert "สั่งการแล้ว รอแจกจ่าย" in page and "<img src=x" not in page and "ปลัด" in page
    again = _post(client, f"{A}handling/holdings/{holding}/endorse/", {"phrase": "ทราบ"})
    assert again.status_code == 404  # no longer the head's to endorse

    client.logout()
    login("a_central_clerk")
    r = _post(client, f"{A}handling/letters/{hid}/distribute/", {"units": [setup["finance"]]})
    assert r.status_code == 302

    client.logout()
    login("a_unit_clerk")
    page = body(client.get(letter_url))
    holding = _holding_in(page, "unit-register")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    assert _post(client, f"{A}handling/holdings/{holding}/unit-register/", {"idempotency_key": key}).status_code == 302
    r = _post(client, f"{A}handling/holdings/{holding}/assign/", {"members": [setup["officer"]], "due_on": "31/12/2570"})
    assert r.status_code == 302, body(r)[:3000]

    client.logout()
    login("a_officer")
    inbox = body(client.get(f"{A}handling/?sort=-received"))
    assert "31 ธ.ค. 2570" in inbox or "31 ธันวาคม 2570" in inbox
    page = body(client.get(letter_url))
    holding = _holding_in(page, "act")
    bad = _post(client, f"{A}handling/holdings/{holding}/act/", {
        "text": "แนบไฟล์ผิด", "files": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 200)]})
    assert bad.status_code == 400 and "virus.exe" in body(bad)  # refused by name, nothing recorded
    reply = SimpleUploadedFile("ร่างหนังสือตอบ.pdf", pdf_bytes(title="ร่างตอบ"), content_type="application/pdf")
    r = _post(client, f"{A}handling/holdings/{holding}/act/", {"text": "ตอบรับการประชุมแล้ว", "files": [reply]})
    assert r.status_code == 302, body(r)[:3000]
    page = body(client.get(letter_url))
    assert page.count("แนบไฟล์ผิด") == 0
    m = re.search(rf'href="({A}handling/letters/{hid}/files/(\d+)/)">ร่างหนังสือตอบ.pdf', page)
    assert m, "the action's document is linked from the timeline and the files list"
    got = client.get(m.group(1))
    assert got.status_code == 200 and b"".join(got.streaming_content if got.streaming else [got.content])[:5] == b"%PDF-"
    r = _post(client, f"{A}handling/holdings/{holding}/close/", {"category": setup["cat"]})
    assert r.status_code == 302
    page = body(client.get(letter_url))
    assert "ปิดเรื่องแล้ว" in page and "แฟ้มทดสอบหน้าเว็บ" in page
    for word in ("เกษียนหนังสือ", "เสนอ", "แจกจ่าย", "หน่วยงานรับเรื่อง", "มอบหมายผู้ปฏิบัติ", "บันทึกการปฏิบัติ", "ปิดเรื่อง"):
        assert word in page
    client.logout()
    login("b_central_clerk")  # another agency: the file is not found (same answer as a missing one)
    assert client.get(m.group(1).replace("tenant-a", "tenant-b")).status_code == 404
    client.logout()
    login("a_officer")
    sheet = body(client.get(letter_url + "sheet/"))  # ใบเกษียน: the note and the order, signed as recorded
    assert "ใบเกษียนหนังสือ" in sheet and "เห็นควรมอบกองคลัง" in sheet and "ปลัดองค์การบริหารส่วนตำบลเอ" in sheet
    assert "&lt;script&gt;" in sheet and "<script>alert" not in sheet


def test_refusals_are_shown_on_the_page(client, login, setup):
    entry = setup["letter"]()
    login("a_central_clerk")
    r = _post(client, f"{A}registry/entries/{entry.pk}/note/", {"summary": ""})
    assert r.status_code == 400 and "usa-alert--error" in body(r)
    r = _post(client, f"{A}registry/entries/{entry.pk}/note/", {"summary": "สรุป"})
    letter_url = r["Location"]
    hid = re.search(r"/letters/(\d+)/", letter_url).group(1)
    r = _post(client, f"{A}handling/letters/{hid}/distribute/", {"units": [setup["finance"]]})
    assert r.status_code == 409
    assert "แจกจ่ายได้เมื่อผู้บริหารสั่งการแล้ว" in body(r) and 'lang="en"' in body(r)


def test_bulk_acknowledge_from_the_inbox(client, login, setup, tenants, in_tenant, actor_of):
    from documents.handling import services

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with in_tenant(a):
        ids = []
        for i in range(2):
            h = services.handling_start(tenant_id=a.pk, actor=clerk, note=services.NoteInput(summary="แจ้งเพื่อทราบ"),
                                        entry_id=setup["letter"]("inform", f"แจ้งเวียนเพื่อทราบ {i}").pk)
            ids.append(services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=setup["chain"]).pk)
    login("a_head")
    inbox = body(client.get(f"{A}handling/?purpose=inform"))
    for i in ids:
        assert f'name="holdings" value="{i}"' in inbox
    r = _post(client, f"{A}handling/endorse-bulk/", {"holdings": ids})
    assert r.status_code == 302
    inbox = body(client.get(f"{A}handling/?purpose=inform"))
    assert all(f'value="{i}"' not in inbox for i in ids)


def test_inbox_filters_refuse_nothing_and_auditor_sees_an_empty_inbox(client, login):
    login("a_head")
    assert client.get(f"{A}handling/?sort=nonsense&urgency=999").status_code == 200
    client.logout()
    login("d_auditor")
    r = client.get("/a/test-district/handling/")
    assert r.status_code == 200 and "ไม่มีหนังสือค้างอยู่ที่ท่าน" in body(r)


def test_the_agency_admin_sets_up_chains_and_file_categories(client, login, tenants, in_tenant):
    from tenants.models import Position

    with in_tenant(tenants.a):
        palad = Position.objects.get(tenant_id=tenants.a.pk, title_th__startswith="ปลัด").pk
        mayor = Position.objects.get(tenant_id=tenants.a.pk, title_th__startswith="นายก").pk
    login("a_agency_admin")
    r = client.get(f"{A}handling/settings/")
    assert r.status_code == 200 and "เพิ่มสายการเสนอ" in body(r)
    r = _post(client, f"{A}handling/settings/chains/", {"name_th": "เสนอปลัดและนายก", "step_1": palad, "step_2": mayor})
    assert r.status_code == 302
    page = body(client.get(f"{A}handling/settings/"))
    assert "เสนอปลัดและนายก" in page and page.index("ปลัดองค์การบริหารส่วนตำบลเอ") < page.index("นายกองค์การบริหารส่วนตำบลเอ")
    r = _post(client, f"{A}handling/settings/chains/", {"name_th": "ซ้ำ", "step_1": palad, "step_2": palad})
    assert r.status_code == 400 and "ตำแหน่งในสายการเสนอซ้ำกัน" in body(r)
    code = f"77.{uuid.uuid4().hex[:4]}"
    r = _post(client, f"{A}handling/settings/file-categories/", {"code": code, "name_th": "งานพัสดุ", "retention_years": 10})
    assert r.status_code == 302 and code in body(client.get(f"{A}handling/settings/"))
    r = _post(client, f"{A}handling/settings/file-categories/", {"code": code, "name_th": "ซ้ำ", "retention_years": 10})
    assert r.status_code == 409 and "เลขหมวด/แฟ้มนี้มีอยู่แล้ว" in body(r)
    client.logout()
    login("a_central_clerk")
    assert client.get(f"{A}handling/settings/").status_code == 403


def test_the_agency_admin_records_and_revokes_a_delegation(client, login, tenants, in_tenant):
    from documents.models import Delegation
    from tenants.models import Position

    a = tenants.a
    with in_tenant(a):
        palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด").pk
        mayor = Position.objects.get(tenant_id=a.pk, title_th__startswith="นายก").pk
    login("a_agency_admin")
    r = _post(client, f"{A}handling/settings/delegations/", {
        "from_position": mayor, "to_position": palad, "letter_kinds": ["external"], "order_reference": "คำสั่ง ที่ 15/2569",
        "order_date": "05/01/2569", "starts_on": "05/01/2569"})
    assert r.status_code == 302, body(r)[:2000]
    with in_tenant(a):
        d = Delegation.objects.filter(tenant_id=a.pk, order_reference="คำสั่ง ที่ 15/2569").latest("id")
        assert (d.from_position_id, d.to_position_id, d.letter_kinds) == (mayor, palad, ["external"])
        assert d.starts_on.isoformat() == "2026-01-05"
    page = body(client.get(f"{A}handling/settings/"))
    assert "คำสั่ง ที่ 15/2569" in page and ("5 ม.ค. 2569" in page or "5 มกราคม 2569" in page)
    r = _post(client, f"{A}handling/settings/delegations/", {
        "from_position": mayor, "to_position": mayor, "order_reference": "x", "order_date": "05/01/2026",
        "starts_on": "05/01/2569"})
    assert r.status_code == 400  # a CE year typed, and a post delegating to itself
    r = _post(client, f"{A}handling/settings/delegations/{d.pk}/revoke/", {"revoke-reason": "ย้ายตำแหน่ง"})
    assert r.status_code == 302
    with in_tenant(a):
        d.refresh_from_db()
        assert d.revoked_at is not None and d.revoked_reason == "ย้ายตำแหน่ง"
    assert client.post(f"{A}handling/settings/delegations/987654321/revoke/",
                       {"_agency": "tenant-a", "revoke-reason": "x"}).status_code == 404


def test_chains_and_due_rules_carry_conditions_and_can_be_switched_off(client, login, tenants, in_tenant):
    from documents.models import DueRule, FileCategory, PresentationChain
    from tenants.models import Position

    a = tenants.a
    with in_tenant(a):
        palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด").pk
    login("a_agency_admin")
    name = f"สายด่วน{uuid.uuid4().hex[:4]}"
    r = _post(client, f"{A}handling/settings/chains/", {"name_th": name, "step_1": palad, "urgencies": ["003", "004"],
                                                        "letter_kinds": ["external"], "sort_order": 5})
    assert r.status_code == 302, body(r)[:2000]
    with in_tenant(a):
        chain = PresentationChain.objects.get(tenant_id=a.pk, name_th=name)
        assert (chain.urgencies, chain.letter_kinds, chain.sort_order) == (["003", "004"], ["external"], 5)
    page = body(client.get(f"{A}handling/settings/"))
    assert "ด่วนที่สุด" in page and "หนังสือภายนอก" in page  # conditions read as Thai labels, not codes
    r = _post(client, f"{A}handling/settings/chains/", {"name_th": "x", "step_1": palad, "sender_agency": "no-such-agency"})
    assert r.status_code == 400 and "ไม่พบหน่วยงานรหัสนี้ในระบบ" in body(r)
    r = _post(client, f"{A}handling/settings/chains/{chain.pk}/active/", {"active": "0"})
    assert r.status_code == 302
    with in_tenant(a):
        chain.refresh_from_db()
        assert chain.is_active is False

    rule = f"จากจังหวัด{uuid.uuid4().hex[:4]}"
    r = _post(client, f"{A}handling/settings/due-rules/", {"name_th": rule, "working_days": 5, "sort_order": 1,
                                                           "sender_agency": "tenant-b"})
    assert r.status_code == 302, body(r)[:2000]
    with in_tenant(a):
        due = DueRule.objects.get(tenant_id=a.pk, name_th=rule)
        assert (due.working_days, due.sender_agency_id, due.is_active) == (5, tenants.b.pk, True)
    assert rule in body(client.get(f"{A}handling/settings/"))
    r = _post(client, f"{A}handling/settings/due-rules/", {"name_th": "x", "working_days": 0})
    assert r.status_code == 400
    r = _post(client, f"{A}handling/settings/due-rules/{due.pk}/active/", {"active": "0"})
    assert r.status_code == 302
    r = _post(client, f"{A}handling/settings/due-rules/{due.pk}/active/", {"active": "maybe"})
    assert r.status_code == 400 and "กรุณาเลือกใช้งานหรือปิดใช้งาน" in body(r)
    with in_tenant(a):
        cat = FileCategory.objects.filter(tenant_id=a.pk).first() or FileCategory.objects.create(
            tenant_id=a.pk, code="t1", name_th="แฟ้ม", retention_years=1)
    r = _post(client, f"{A}handling/settings/file-categories/{cat.pk}/active/", {"active": "0"})
    assert r.status_code == 302
    with in_tenant(a):
        due.refresh_from_db()
        cat.refresh_from_db()
        assert due.is_active is False and cat.is_active is False
        cat.is_active = True
        cat.save(update_fields=["is_active"])
    with in_tenant(tenants.b):
        other = DueRule.objects.create(tenant_id=tenants.b.pk, name_th="ของบี", working_days=3)
    assert _post(client, f"{A}handling/settings/due-rules/{other.pk}/active/", {"active": "0"}).status_code == 404
    client.logout()
    login("a_central_clerk")
    assert _post(client, f"{A}handling/settings/due-rules/{due.pk}/active/", {"active": "1"}).status_code == 403


def test_a_unit_sends_a_memo_from_the_page_and_the_other_unit_holds_it(client, login, tenants, in_tenant):
    from documents.models import Handling, HolderKind, Holding
    from tenants.models import OrgUnit

    a = tenants.a
    with in_tenant(a):
        office = OrgUnit.objects.get(tenant_id=a.pk, name_th="สำนักปลัด").pk
        finance = OrgUnit.objects.get(tenant_id=a.pk, name_th="กองคลัง").pk
    login("a_central_clerk")
    assert "ส่งบันทึกข้อความ" in body(client.get(f"{A}handling/"))
    page = client.get(f"{A}handling/memos/new/")
    assert page.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', body(page)).group(1)
    data = {"idempotency_key": key, "from_unit": office, "salutation": "เรียน ผู้อำนวยการกองคลัง",
            "subject": "ขอข้อมูลงบประมาณ" + XSS, "body": "ขอข้อมูลงบประมาณปี 2570", "units": [finance],
            "purpose": "act", "urgency": "001"}
    r = _post(client, f"{A}handling/memos/new/", {**data, "units": []})
    assert r.status_code == 400 and "กรุณาเลือกหน่วยงานหรือตำแหน่ง" in body(r)
    r = _post(client, f"{A}handling/memos/new/", data)
    assert r.status_code == 302, body(r)[:3000]
    again = _post(client, f"{A}handling/memos/new/", data)  # a double submit: the same memo
    assert again.status_code == 302 and again["Location"] == r["Location"]
    shown = body(client.get(r["Location"]))
    assert "ขอข้อมูลงบประมาณ" in shown and "<script>alert" not in shown and "&lt;script&gt;" in shown
    handling_id = int(re.search(r"/letters/(\d+)/", r["Location"]).group(1))
    with in_tenant(a):
        assert Handling.objects.get(pk=handling_id).entry.book.unit_id == office
        (held,) = Holding.objects.filter(handling_id=handling_id)
        assert (held.holder_kind, held.unit_id) == (HolderKind.UNIT, finance)
    client.logout()
    login("a_unit_clerk")
    assert "ขอข้อมูลงบประมาณ" in body(client.get(f"{A}handling/?sort=-received"))
    r = _post(client, f"{A}handling/memos/new/", {**data, "idempotency_key": uuid.uuid4().hex, "from_unit": office})
    assert r.status_code == 400  # only in the name of their own unit (the choice isn't offered)
    client.logout()
    login("a_officer")  # an officer holds tasks, and sends no memo in a unit's name
    assert client.get(f"{A}handling/memos/new/").status_code == 403
    assert "ส่งบันทึกข้อความ" not in body(client.get(f"{A}handling/"))
    client.logout()
    login("d_auditor")
    assert client.get("/a/test-district/handling/memos/new/").status_code == 403
