"""The drafting pages through the Django test client (issue 5): the whole path by form posts (draft →
review → return → revise → initial → ready to sign), who sees which page, refusals re-shown with what
was typed in Thai and English, no 500 on bad input, CSRF, the preview's sanitising, another tenant's
draft answered like a missing one.

Tests marked ``NEEDS_RENDER`` / ``NEEDS_SOURCES`` need the renderer (``documents.drafting.render``) or the
file-draft helpers (``documents.drafting.sources``); they skip themselves where those are missing."""

from __future__ import annotations

import io
import re
import uuid
from importlib.util import find_spec

import pytest
from django.test import Client

from tests.web.conftest import DBS, body

pytestmark = pytest.mark.django_db(databases=DBS)

A = "/a/tenant-a/drafting/"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
NEEDS_RENDER = pytest.mark.skipif(find_spec("documents.drafting.render") is None,
                                  reason="needs documents.drafting.render (the renderer branch)")
NEEDS_SOURCES = pytest.mark.skipif(find_spec("documents.drafting.sources") is None,
                                   reason="needs documents.drafting.sources (the file-draft branch)")


def _post(client, path: str, data: dict, **kw):  # type: ignore[no-untyped-def]
    return client.post(path, {**data, "_agency": "tenant-a"}, **kw)


def _draft_data(**over) -> dict:  # type: ignore[type-arg]
    data = {
        "idempotency_key": uuid.uuid4().hex, "subject": "ขอเชิญประชุมคณะกรรมการ", "urgency": "001", "secrecy": "001",
        "f_salutation": "เรียน", "f_recipient_line": "นายอำเภอเมืองนครราชสีมา", "f_signer_name": "นายทดสอบ ระบบ",
        "f_signer_position": "ปลัดองค์การบริหารส่วนตำบล", "f_refers_to": "", "f_enclosures": "กำหนดการ 1 ฉบับ",
        "body_html": "<div>ด้วยองค์การบริหารส่วนตำบลจะจัดประชุม</div>",
        "r0-name": "นายอำเภอเมืองนครราชสีมา", "r0-role": "to", "r0-channel": "post", "r0-address": "ศาลากลาง ถนนมหาดไทย",
        "r0-email": "", "r0-agency": "",
    }
    data.update(over)
    return data


@pytest.fixture
def route(tenants, in_tenant, actor_of):  # type: ignore[no-untyped-def]
    from documents.drafting import services
    from tenants.models import Position

    a = tenants.a
    with in_tenant(a):
        admin = actor_of("a_agency_admin", a)
        palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
        return services.route_create(tenant_id=a.pk, actor=admin, name_th=f"ตรวจโดยปลัด {uuid.uuid4().hex[:6]}",
                                     forms=[], steps=[services.RouteStepInput(position_id=palad.pk, order=1)])


def _new(client, **over):  # type: ignore[no-untyped-def]
    r = _post(client, f"{A}new/?form=external", _draft_data(**over))
    assert r.status_code == 302, body(r)[:3000]
    return int(re.search(r"/drafting/(\d+)/", r["Location"]).group(1))


def test_the_whole_path_in_pages(client, login, route):  # type: ignore[no-untyped-def]
    login("a_officer")
    home = client.get(A)
    assert home.status_code == 200 and f"{A}new/?form=memo" in body(home) and f"{A}new/file/" in body(home)
    page = client.get(f"{A}new/?form=external")
    assert page.status_code == 200
    html = body(page)
    assert "ชื่อผู้ลงนาม" in html and "อ้างถึง" in html and 'data-eo-trix' in html and 'aria-live="polite"' in html
    assert 'name="idempotency_key"' in html and "vendor/trix/trix.umd.min.js" in html
    did = _new(client)
    detail = body(client.get(f"{A}{did}/"))
    assert "กำลังร่าง" in detail and "กำลังจัดทำภาพตัวอย่าง" in detail and route.name_th in detail
    r = _post(client, f"{A}{did}/submit/", {"route": route.pk})
    assert r.status_code == 302

    client.logout()
    login("a_head")
    assert "ขอเชิญประชุมคณะกรรมการ" in body(client.get(A))  # ร่างรอตรวจ
    page = body(client.get(f"{A}{did}/"))
    assert f"{A}{did}/initial/" in page and 'value="A-head ทดสอบ"' in page or "A-head" in page
    r = _post(client, f"{A}{did}/return/", {"comment": "แก้วันประชุม " + XSS})
    assert r.status_code == 302
    page = body(client.get(f"{A}{did}/"))
    assert "ส่งคืนแก้ไข" in page and XSS not in page and "&lt;script&gt;" in page

    client.logout()
    login("a_officer")
    edit = body(client.get(f"{A}{did}/edit/"))
    assert 'name="expected_version" value="1"' in edit and "นายอำเภอเมืองนครราชสีมา" in edit
    data = _draft_data(expected_version="1", note="แก้วันประชุมแล้ว", body_html="<div>ประชุมวันที่ 5</div>")
    data.pop("idempotency_key")
    r = _post(client, f"{A}{did}/edit/", data)
    assert r.status_code == 302, body(r)[:3000]
    stale = _post(client, f"{A}{did}/edit/", {**data, "subject": "ทับของคนอื่น"})  # the version moved on
    assert stale.status_code == 409 and "ฉบับใหม่กว่า" in body(stale) and "ทับของคนอื่น" in body(stale)
    assert _post(client, f"{A}{did}/submit/", {"route": route.pk}).status_code == 302

    client.logout()
    login("a_head")
    r = _post(client, f"{A}{did}/initial/", {"typed_name": "นายหัวหน้า ทดสอบ", "comment": ""})
    assert r.status_code == 302
    again = _post(client, f"{A}{did}/initial/", {"typed_name": "นายหัวหน้า ทดสอบ"})
    assert again.status_code == 409 and "ไม่มีขั้นตอนตรวจร่างที่รอท่าน" in body(again)

    client.logout()
    login("a_central_clerk")
    assert "ขอเชิญประชุมคณะกรรมการ" in body(client.get(A))  # รอออกเลข
    page = body(client.get(f"{A}{did}/"))
    assert "ตรวจผู้รับแล้ว" in page and "ตรวจช่องทางการส่งแล้ว" in page and "ตรวจสิ่งที่ส่งมาด้วยแล้ว" in page
    half = _post(client, f"{A}{did}/ready/", {"confirmed": ["recipients"]})
    assert half.status_code == 400 and "กรุณาตรวจและยืนยัน" in body(half) and 'lang="en"' in body(half)
    r = _post(client, f"{A}{did}/ready/", {"confirmed": ["recipients", "channels", "enclosures"]})
    assert r.status_code == 302, re.findall(r'(?:usa-alert__text|usa-error-message)[^>]*>([^<]*)', body(r))
    page = body(client.get(f"{A}{did}/"))
    assert "พร้อมลงนาม" in page and "data-eo-draft-number" in page and "data-eo-draft-date" in page
    assert "บันทึกว่าลงนามแล้ว" in page and "ผู้ลงนามไม่ลงนาม" in page


def test_roles_see_what_is_theirs(client, login, route):  # type: ignore[no-untyped-def]
    login("a_agency_admin")  # no draft.write, no post: no hub, but the routes page
    assert client.get(A).status_code == 403
    assert client.get(f"{A}new/?form=external").status_code == 403
    routes = client.get(f"{A}routes/")
    assert routes.status_code == 200 and route.name_th in body(routes)
    assert _post(client, f"{A}routes/{route.pk}/active/", {"active": "0"}).status_code == 302
    client.logout()
    login("a_officer")
    assert client.get(f"{A}routes/").status_code == 403
    assert _post(client, f"{A}routes/{route.pk}/active/", {"active": "1"}).status_code == 403
    assert client.get(f"{A}delivery-book/").status_code == 403  # not a desk
    did = _new(client)
    client.logout()
    login("a_unit_clerk")  # the owner unit's clerk (กองคลัง) sees the officer's draft
    assert client.get(f"{A}{did}/").status_code == 200
    client.logout()
    login("a_secret_registrar")
    assert client.get(f"{A}{did}/").status_code in (403, 404)


def test_routes_form_errors_keep_values(client, login):  # type: ignore[no-untyped-def]
    login("a_agency_admin")
    r = _post(client, f"{A}routes/", {"name_th": "ลำดับพิมพ์ไว้", "step1_order": "1", "step1_stage": "check"})
    assert r.status_code == 400 and "กรุณาเพิ่มผู้ตรวจอย่างน้อยหนึ่งขั้น" in body(r) and 'value="ลำดับพิมพ์ไว้"' in body(r)
    bad = _post(client, f"{A}routes/", {"name_th": "x", "step1_order": "abc", "step1_position": "99999999999",
                                        "step1_stage": "nope"})
    assert bad.status_code == 400


def test_form_errors_keep_what_was_typed(client, login):  # type: ignore[no-untyped-def]
    login("a_officer")
    r = _post(client, f"{A}new/?form=external", _draft_data(subject="", body_html="<div>ข้อความยาวที่พิมพ์ไว้</div>"))
    html = body(r)
    assert r.status_code == 400 and "ข้อความยาวที่พิมพ์ไว้" in html and "นายอำเภอเมืองนครราชสีมา" in html
    assert "ยังไม่ได้บันทึก" in html
    r = _post(client, f"{A}new/?form=external", _draft_data(**{"r0-channel": "email", "r0-email": ""}))
    assert r.status_code == 400 or r.status_code == 302  # e-mail is checked at "ready": a draft may be incomplete
    r = _post(client, f"{A}new/?form=external", _draft_data(**{"r0-email": "not an address", "r0-channel": "email"}))
    assert r.status_code == 400 and "อีเมลผู้รับไม่ถูกต้อง" in body(r) and "not an address" in body(r)
    r = _post(client, f"{A}new/?form=external", _draft_data(f_signer_name="ก" * 300))
    assert r.status_code == 400 and "ชื่อผู้ลงนาม" in body(r)


@pytest.mark.parametrize("over", [
    {"subject": "ก" * 10_000}, {"urgency": "999"}, {"secrecy": "x"}, {"owner_unit": "abc"},
    {"body_html": "x" * 300_000}, {"r0-role": "boss"}, {"r0-channel": "pigeon"}, {"r0-agency": "99999999999999"},
    {"r5-name": "แถวที่ไม่มีข้อมูลอื่น", "r5-role": "to", "r5-channel": "in_system"}, {"idempotency_key": "short"},
])
def test_bad_input_never_500(client, login, over):  # type: ignore[no-untyped-def]
    login("a_central_clerk")
    r = _post(client, f"{A}new/?form=external", _draft_data(**over))
    assert r.status_code in (302, 400, 409), body(r)[:2000]


def test_bad_ids_and_states(client, login, route):  # type: ignore[no-untyped-def]
    login("a_officer")
    assert client.get(f"{A}new/?form=nope").status_code == 404
    assert client.get(f"{A}new/?form=external&reply_to=99999999999").status_code == 404
    assert client.get(f"{A}new/?form=external&reply_to=abc").status_code == 200  # ignored
    assert client.get(f"{A}987654321/").status_code == 404
    did = _new(client)
    assert client.get(f"{A}{did}/versions/99999999/pdf/").status_code == 404
    assert client.get(f"{A}{did}/versions/1/pdf/").status_code == 302  # not rendered yet: back with a message
    assert client.get(f"{A}{did}/files/99999999/").status_code == 404
    assert _post(client, f"{A}{did}/submit/", {"route": "99999999"}).status_code == 400
    assert _post(client, f"{A}{did}/submit/", {"route": "abc"}).status_code == 400
    assert _post(client, f"{A}{did}/comment/", {"text": ""}).status_code == 400
    assert _post(client, f"{A}{did}/comment/", {"text": "ก" * 5000}).status_code == 400
    assert _post(client, f"{A}{did}/comment/", {"text": "ความเห็น " + XSS}).status_code == 302
    assert XSS not in body(client.get(f"{A}{did}/"))
    assert _post(client, f"{A}{did}/initial/", {"typed_name": "ผู้ร่าง"}).status_code == 409  # not in review
    assert _post(client, f"{A}{did}/ready/", {"confirmed": ["recipients"]}).status_code in (403, 409)
    assert _post(client, f"{A}{did}/cancel/", {"reason": ""}).status_code == 400
    assert client.get(f"{A}{did}/box/").status_code == 302  # not a PDF draft
    assert client.get(f"{A}{did}/envelope/?size=C5").status_code == 403  # not the desk
    client.logout()
    login("a_central_clerk")
    assert _post(client, f"{A}{did}/ready/", {"confirmed": ["recipients", "channels", "enclosures"]}).status_code == 409
    assert _post(client, f"{A}{did}/dispatch/", {"recipients": ["1"]}).status_code in (400, 409)
    assert _post(client, f"{A}{did}/received/", {"recipient": "abc", "received_by_name": "x"}).status_code == 400
    assert client.get(f"{A}{did}/envelope/?size=XX&recipient=abc").status_code in (403, 404)
    r = _post(client, f"{A}{did}/cancel/", {"reason": "ไม่ต้องส่งแล้ว"})
    assert r.status_code == 302
    assert _post(client, f"{A}{did}/edit/", _draft_data(expected_version="1")).status_code == 302  # not editable now


def test_another_tenants_draft_is_missing(client, login, tenants, in_tenant, actor_of):  # type: ignore[no-untyped-def]
    from documents.drafting import services

    b = tenants.b
    with in_tenant(b):
        theirs = services.draft_create(tenant_id=b.pk, actor=actor_of("b_central_clerk", b), data=services.DraftInput(
            form="external", subject="ของหน่วยงาน B", recipients=[services.RecipientInput(name="ผู้รับ", address="ที่อยู่")]))
    login("a_central_clerk")
    for path in ("", "edit/", "versions/1/pdf/", "envelope/", "labels/", "box/"):
        assert client.get(f"{A}{theirs.pk}/{path}").status_code == 404, path
    for path in ("comment/", "submit/", "initial/", "return/", "ready/", "refuse/", "signed/", "cancel/", "dispatch/"):
        assert _post(client, f"{A}{theirs.pk}/{path}", {"text": "x", "reason": "x", "comment": "x"}).status_code == 404, path


def test_csrf_is_enforced(login, user_named):  # type: ignore[no-untyped-def]
    c = Client(enforce_csrf_checks=True)
    c.force_login(user_named("a_officer"))
    r = c.post(f"{A}new/?form=external", {**_draft_data(), "_agency": "tenant-a"})
    assert r.status_code == 403
    assert c.post(f"{A}preview/", {"form_kind": "external", "_agency": "tenant-a"}).status_code == 403


def test_preview_never_returns_script(client, login):  # type: ignore[no-untyped-def]
    login("a_officer")
    data = _draft_data(body_html=XSS + "<div>ข้อความ</div>", subject="เรื่อง " + XSS, f_signer_name=XSS[:200],
                       form_kind="external")
    r = _post(client, f"{A}preview/", data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = body(r)
    assert "<script" not in html and "<img src=x" not in html and "onerror=" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in html  # the subject and signer shown as inert text
    assert _post(client, f"{A}preview/", {"form_kind": "nope"}).status_code == 200
    assert _post(client, f"{A}preview/", {**data, "urgency": "999"}).status_code == 200
    assert _post(client, f"{A}preview/", {**data, "f_signer_name": "ก" * 400}).status_code == 200


@NEEDS_RENDER
def test_preview_renders_the_letter(client, login):  # type: ignore[no-untyped-def]
    login("a_officer")
    r = _post(client, f"{A}preview/", _draft_data(form_kind="external", body_html="<div>ข้อความตัวอย่าง</div>" + XSS))
    html = body(r)
    assert r.status_code == 200 and "ข้อความตัวอย่าง" in html and "ขอเชิญประชุมคณะกรรมการ" in html
    assert "<script" not in html


def test_reply_prefills_the_draft(client, login, tenants, in_tenant, actor_of):  # type: ignore[no-untyped-def]
    import datetime as dt

    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput

    a = tenants.a
    with in_tenant(a):
        entry = registry_services.register_incoming(
            tenant_id=a.pk, actor=actor_of("a_central_clerk", a), idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="ขอความอนุเคราะห์ข้อมูล", letter_reference="ที่ นม 0017/ว 12",
                               letter_date=dt.date(2026, 11, 20), sender=PartyInput(name="จังหวัดนครราชสีมา")))
    login("a_central_clerk")
    assert f"reply_to={entry.letter_id}" in body(client.get(f"/a/tenant-a/registry/entries/{entry.pk}/"))
    page = body(client.get(f"{A}new/?form=external&reply_to={entry.letter_id}"))
    assert "หนังสือจังหวัดนครราชสีมา ที่ นม 0017/ว 12 ลงวันที่ 20 พฤศจิกายน 2569" in page
    assert 'value="ขอความอนุเคราะห์ข้อมูล"' in page and 'value="จังหวัดนครราชสีมา"' in page
    r = _post(client, f"{A}new/?form=external&reply_to={entry.letter_id}", _draft_data())
    assert r.status_code == 302
    client.logout()
    login("a_officer")  # cannot open that letter: the reply page does not exist for them
    assert client.get(f"{A}new/?form=external&reply_to={entry.letter_id}").status_code == 404


def test_printing_without_the_renderer_says_so(client, login, route):  # type: ignore[no-untyped-def]
    login("a_central_clerk")
    r = client.get(f"{A}delivery-book/")
    assert r.status_code in (200, 302)
    if r.status_code == 200:
        assert r["Content-Type"] == "application/pdf"


def _to_signed(client, login, route) -> int:  # type: ignore[no-untyped-def]
    login("a_central_clerk")
    did = _new(client, **{"r1-name": "ผู้รับมือ", "r1-role": "copy", "r1-channel": "hand", "r1-address": ""})
    assert _post(client, f"{A}{did}/submit/", {"route": ""}).status_code == 302  # straight to the desk
    assert _post(client, f"{A}{did}/ready/", {"confirmed": ["recipients", "channels", "enclosures"]}).status_code == 302
    scan = io.BytesIO(b"not a pdf")
    scan.name = "scan.pdf"
    bad = _post(client, f"{A}{did}/signed/", {"signer_name": "นายก ทดสอบ", "signed_scan": scan})
    assert bad.status_code == 400 and 'value="นายก ทดสอบ"' in body(bad)
    assert _post(client, f"{A}{did}/signed/", {"signer_name": "นายก ทดสอบ"}).status_code == 302
    return did


def test_signed_dispatch_and_delivery_book(client, login, route):  # type: ignore[no-untyped-def]
    did = _to_signed(client, login, route)
    page = body(client.get(f"{A}{did}/"))
    assert "บันทึกการส่ง" in page and "พิมพ์ซอง (PDF)" in page
    ids = [int(x) for x in re.findall(r'name="recipients" value="(\d+)"', page)]
    assert len(ids) == 2
    r = _post(client, f"{A}{did}/dispatch/", {"recipients": [ids[1]]})
    assert r.status_code == 302
    page = body(client.get(f"{A}{did}/"))
    assert "ชื่อผู้ลงชื่อรับ (ผู้รับมือ)" in page
    assert _post(client, f"{A}{did}/received/", {"recipient": ids[1], "received_by_name": ""}).status_code == 400
    assert _post(client, f"{A}{did}/received/", {"recipient": ids[1], "received_by_name": "นางรับ"}).status_code == 302
    assert "รับแล้วโดย นางรับ" in body(client.get(f"{A}{did}/"))
    assert _post(client, f"{A}{did}/dispatch/", {"recipients": [ids[0]]}).status_code == 302
    assert "ส่งแล้ว" in body(client.get(f"{A}{did}/"))


@NEEDS_RENDER
def test_envelope_pdf_page_size(client, login, route):  # type: ignore[no-untyped-def]
    import pikepdf

    did = _to_signed(client, login, route)
    sizes = {"DL": (110, 220), "C5": (162, 229), "C4": (229, 324), "C6": (114, 162)}
    for size, (w, h) in sizes.items():
        r = client.get(f"{A}{did}/envelope/?size={size}")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", size
        with pikepdf.open(io.BytesIO(r.content)) as pdf:
            box = [float(v) for v in pdf.pages[0].mediabox]
        got = sorted([round((box[2] - box[0]) / 72 * 25.4), round((box[3] - box[1]) / 72 * 25.4)])
        assert got == [w, h], (size, got)
    assert client.get(f"{A}{did}/labels/").status_code == 200
    assert client.get(f"{A}delivery-book/").status_code == 200


@NEEDS_SOURCES
def test_draft_from_a_pdf_and_its_box(client, login):  # type: ignore[no-untyped-def]
    from tests.registry.conftest import make_pdf

    login("a_officer")
    page = body(client.get(f"{A}new/file/"))
    assert "{ที่}" in page and "{วันที่}" in page
    upload = io.BytesIO(make_pdf("ร่างจากไฟล์"))
    upload.name = "draft.pdf"
    r = _post(client, f"{A}new/file/", {"idempotency_key": uuid.uuid4().hex, "form": "external", "subject": "ร่าง PDF",
                                        "urgency": "001", "secrecy": "001", "source": upload})
    assert r.status_code == 302 and r["Location"].endswith("/box/"), body(r)[:2000]
    box_url = r["Location"]
    page = body(client.get(box_url))
    assert 'name="x_mm"' in page and "data-eo-box" in page
    bad = _post(client, box_url, {"expected_version": "1", "page": "1", "x_mm": "500", "y_mm": "10", "w_mm": "60",
                                  "h_mm": "15"})
    assert bad.status_code == 400 and 'value="500' in body(bad)
    ok = _post(client, box_url, {"expected_version": "1", "page": "1", "x_mm": "120", "y_mm": "40", "w_mm": "60",
                                 "h_mm": "15"})
    assert ok.status_code == 302


def test_file_draft_refusals(client, login):  # type: ignore[no-untyped-def]
    login("a_officer")
    r = _post(client, f"{A}new/file/", {"idempotency_key": uuid.uuid4().hex, "form": "external", "subject": ""})
    assert r.status_code == 400
    upload = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)
    upload.name = "virus.exe"
    r = _post(client, f"{A}new/file/", {"idempotency_key": uuid.uuid4().hex, "form": "external", "subject": "ไฟล์ผิด",
                                        "urgency": "001", "secrecy": "001", "source": upload})
    assert r.status_code in (400, 409, 415) and 'value="ไฟล์ผิด"' in body(r)
