"""Drafting in a real Chromium (issue 5), keyboard only (``page.keyboard``; ``page.goto`` stands for the
address bar), axe-core clean on each page on the way, one page at a phone-sized viewport:

- a draft from the form (Trix body, recipient rows added and removed by keyboard, the live preview) →
  sent for review → the reviewer returns it with a comment → the drafter revises → the reviewer initials
  → the desk ticks the ready-to-sign checklist (number and date appear) → the final PDF link exists
  (the render job is run in a subprocess, as the worker would);
- the envelope PDF downloads with the right page size;
- a DOCX draft with {ที่}/{วันที่} → ready to sign → the final PDF carries the number and date
  (pdftotext); a PDF draft's number box moved by keyboard.

Data is made before the browser starts, or in a subprocess (Playwright's sync API keeps an event loop
on this thread, and Django's ORM refuses to run under it)."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser import support
from tests.browser.conftest import LANGS, PHONE, new_context, set_lang
from tests.browser.test_axe_pages import check_page, watch_console
from tests.browser.test_keyboard import (
    assert_skip_link_first,
    focused,
    keyboard_login,
    press_and_wait,
    tab_to,
)

pytestmark = pytest.mark.browser

A = "/a/tenant-a/drafting/"
TABS = 250

_MAKE = support.TENANT_A_PRELUDE + r'''
from documents.drafting import services as d
with tenant_scope(a.pk):
    palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
    route = d.route_create(tenant_id=a.pk, actor=actor("a_agency_admin"), name_th=f"ตรวจโดยปลัด {tag}", forms=[],
                           steps=[d.RouteStepInput(position_id=palad.pk, order=1, stage="check")])
    out["route"] = route.name_th
print(json.dumps(out))
'''

_RENDER_FINAL = support.TENANT_A_PRELUDE + r'''
import sys
from django.db import transaction
from documents.models import Draft
from tenants.jobs_registry import handler_for
with tenant_scope(a.pk), transaction.atomic():
    draft = Draft.objects.get(tenant_id=a.pk, pk=int(sys.argv[1]))
    out["result"] = handler_for("drafting.render_final")(tenant_id=a.pk, job_id=0, draft_id=draft.pk,
                                                         entry_id=draft.entry_id)
print(json.dumps(out, default=str))
'''

_DOCX = r'''<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>ที่ {ที่}</w:t></w:r></w:p>
<w:p><w:r><w:t>วันที่ {วันที่}</w:t></w:r></w:p>
<w:p><w:r><w:t>เรื่อง {เรื่อง}</w:t></w:r></w:p>
<w:p><w:r><w:t>ข้อความของร่างจากไฟล์ Word</w:t></w:r></w:p>
</w:body></w:document>'''


def _docx_bytes() -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   'xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        z.writestr("word/document.xml", _DOCX)
    return buf.getvalue()


@pytest.fixture(scope="module")
def data(django_db_setup) -> dict:  # type: ignore[no-untyped-def]
    return support.make_data(_MAKE)


def _login(pw_browser, browser_server, open_page, username: str, *, viewport: dict | None = None):  # type: ignore[no-untyped-def]
    page = open_page(new_context(pw_browser, browser_server, viewport=viewport), own_context=True)
    keyboard_login(page, username)
    return page


def _button(text: str):  # type: ignore[no-untyped-def]
    return lambda i: i["tag"] == "button" and i["inMain"] and i["text"] == text


def _name(name: str):  # type: ignore[no-untyped-def]
    return lambda i: i["name"] == name


def _submit(page, text: str) -> None:  # type: ignore[no-untyped-def]
    tab_to(page, _button(text), f"the {text!r} button", limit=TABS)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def _choose(page, name: str, want: str) -> None:  # type: ignore[no-untyped-def]
    """Move the focused <select> with arrow keys until its chosen option's text contains ``want``."""
    for key in ("Home", *["ArrowDown"] * 60):
        page.keyboard.press(key)
        text = page.evaluate(f"() => {{ const s = document.querySelector('select[name=\"{name}\"]');"
                             " return s.options[s.selectedIndex].text; }")
        if want in text:
            return
    raise AssertionError(f"no option {want!r} in {name}")


def _to_draft_from_hub(page, subject: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(A)
    assert_skip_link_first(page)
    tab_to(page, lambda i: subject in i["text"] and re.search(r"/drafting/\d+/$", i["href"] or ""),
           f"the draft {subject!r}", limit=TABS)
    press_and_wait(page, "Enter", "/drafting/")


def test_keyboard_only_draft_review_return_revise_initial_ready(pw_browser, browser_server, open_page, data,
                                                                axe_source):
    subject = f"ขอเชิญประชุมคณะกรรมการ {data['tag']}"
    # the officer: the hub -> a new external letter
    page = _login(pw_browser, browser_server, open_page, "a_officer")
    refused = watch_console(page)
    page.goto(A)
    check_page(page, axe_source, what="the drafting hub (a_officer)")
    assert_skip_link_first(page)
    tab_to(page, lambda i: i["href"].endswith("new/?form=external"), "new external letter", limit=TABS)
    press_and_wait(page, "Enter", "/new/")
    page.wait_for_selector("trix-editor")
    check_page(page, axe_source, what="the draft editor with Trix")
    assert page.evaluate("() => document.querySelector('trix-editor').getAttribute('aria-labelledby')") == "body-label"
    assert page.inner_text("#body-label").strip() == "ข้อความ"
    tab_to(page, _name("subject"), "the subject")
    page.keyboard.type(subject)
    tab_to(page, _name("f_signer_name"), "the signer's name", limit=TABS)
    page.keyboard.type("นายทดสอบ ระบบ")
    # the toolbar: only the allowed buttons, each a Tab stop, then the editor itself
    bold = tab_to(page, _button("ตัวหนา"), "the bold button", limit=TABS)
    assert bold["tag"] == "button"
    labels = page.evaluate("() => [...document.querySelectorAll('trix-toolbar button')].map(b => b.textContent.trim())")
    assert labels == ["ตัวหนา", "ตัวเอียง", "ขีดฆ่า", "ข้อความอ้างอิง", "รายการแบบจุด", "รายการแบบตัวเลข", "ย้อนกลับ", "ทำซ้ำ"]
    tab_to(page, lambda i: i["tag"] == "trix-editor", "the body editor", limit=20)
    page.keyboard.type("ด้วยองค์การบริหารส่วนตำบลจะจัดประชุมคณะกรรมการ")
    # the hidden input carries the HTML. Trix applies typed text a frame later: wait for it before the next
    # Tab, or Trix (finishing its render) takes the focus back and the next field's typing lands in the body
    page.wait_for_function("s => document.querySelector('input[name=body_html]').value.includes(s)",
                           arg="จัดประชุมคณะกรรมการ", timeout=10_000)
    # recipients: fill the first row, add one by keyboard, remove it again
    tab_to(page, _name("r0-name"), "the first recipient's name", limit=TABS)
    page.keyboard.type("นายอำเภอเมืองนครราชสีมา")
    assert page.input_value("[name=r0-name]") == "นายอำเภอเมืองนครราชสีมา"
    tab_to(page, _name("r0-address"), "the first recipient's address", limit=20)
    page.keyboard.type("ศาลากลางจังหวัด ถนนมหาดไทย")
    rows = page.locator("[data-eo-row]").count()
    tab_to(page, _button("เพิ่มผู้รับ"), "add a recipient", limit=TABS)
    page.keyboard.press("Enter")
    info = focused(page)
    assert info and re.match(r"r\d+-name", info["name"]), "focus did not move into the new row"
    assert page.locator("[data-eo-row]").count() == rows + 1
    tab_to(page, lambda i: i["tag"] == "button" and i["text"].startswith("ลบผู้รับรายนี้"), "remove this row", limit=20)
    page.keyboard.press("Enter")
    assert page.locator("[data-eo-row]").count() == rows
    assert "ลบผู้รับแล้ว" in page.inner_text("[data-eo-rows-status]")
    # the live preview follows what was typed
    page.wait_for_function("s => document.querySelector('#draft-preview').innerText.includes(s)", arg=subject,
                           timeout=15_000)
    assert page.get_attribute("#draft-preview", "aria-live") == "polite"
    check_page(page, axe_source, what="the draft editor with its preview")
    _submit(page, "บันทึกร่าง")
    assert "บันทึกร่างแล้ว" in page.inner_text("main"), page.inner_text("main")[:3000]
    draft_url = page.url
    did = int(re.search(r"/drafting/(\d+)/", draft_url).group(1))
    check_page(page, axe_source, what="a draft being written")
    tab_to(page, _name("route"), "the review route", limit=TABS)
    _choose(page, "route", data["route"])
    _submit(page, "เสนอ")
    assert "เสนอตรวจร่างแล้ว" in page.inner_text("main")

    # the reviewer (ปลัด), on a phone: returns it with a comment
    head = _login(pw_browser, browser_server, open_page, "a_head", viewport=PHONE)
    _to_draft_from_hub(head, subject)
    check_page(head, axe_source, what="a draft to review, phone-sized")
    tab_to(head, lambda i: i["id"] == "id_return_comment", "what to change", limit=TABS)
    head.keyboard.type("ขอให้ระบุวันและเวลาประชุม")
    _submit(head, "ส่งคืนแก้ไข")
    assert "ส่งคืนแก้ไขแล้ว" in head.inner_text("main")

    # the drafter revises
    page.goto(draft_url)
    assert "ขอให้ระบุวันและเวลาประชุม" in page.inner_text("main")
    tab_to(page, lambda i: i["href"].endswith("/edit/"), "edit the draft", limit=TABS)
    press_and_wait(page, "Enter", "/edit/")
    page.wait_for_selector("trix-editor")
    tab_to(page, lambda i: i["tag"] == "trix-editor", "the body editor", limit=TABS)
    page.keyboard.press("Control+End")
    page.keyboard.type(" ในวันที่ 15 ธันวาคม 2569 เวลา 09.00 น.")
    page.wait_for_function("s => document.querySelector('input[name=body_html]').value.includes(s)",
                           arg="เวลา 09.00 น.", timeout=10_000)  # Trix has applied it (see above)
    tab_to(page, _name("note"), "what changed", limit=TABS)
    page.keyboard.type("ระบุวันและเวลาประชุม")
    _submit(page, "บันทึกร่างฉบับใหม่")
    assert "บันทึกร่างฉบับใหม่แล้ว" in page.inner_text("main")
    tab_to(page, _name("route"), "the review route", limit=TABS)
    _choose(page, "route", data["route"])
    _submit(page, "เสนอ")

    # the reviewer initials (typed name prefilled)
    head.goto(draft_url)
    assert head.input_value("#id_initial_typed_name").strip()
    _submit(head, "ลงชื่อกำกับ")
    assert "ลงชื่อกำกับแล้ว" in head.inner_text("main")

    # the desk: the checklist, then number and date
    desk = _login(pw_browser, browser_server, open_page, "a_central_clerk")
    _to_draft_from_hub(desk, subject)
    check_page(desk, axe_source, what="a reviewed draft at the desk")
    for i in range(3):
        tab_to(desk, lambda f, n=i: f["id"] == f"id_confirmed_{n}", f"checklist item {i + 1}", limit=TABS)
        desk.keyboard.press("Space")
    _submit(desk, "พร้อมลงนาม: ออกเลขและวันที่")
    main = desk.inner_text("main")
    assert "ออกเลขและวันที่แล้ว" in main and desk.locator("[data-eo-draft-number]").count() == 1
    number = desk.inner_text("[data-eo-draft-number]").strip()
    assert re.search(r"\d|[๐-๙]", number), number
    assert not refused, f"CSP refused something: {refused}"

    # the worker renders the final version; the page then links it
    support.make_data(_RENDER_FINAL, str(did))
    desk.goto(draft_url)
    check_page(desk, axe_source, what="a letter ready to sign, with its final version")
    final = desk.locator("[data-eo-file-role=final]")
    assert final.count() == 1
    response = desk.context.request.get(final.get_attribute("href"))
    assert response.status == 200 and response.body()[:5] == b"%PDF-"


_STATES = support.TENANT_A_PRELUDE + r'''
import io
import pikepdf
from documents.drafting import dispatch, services as d
from documents.models import DraftRecipient
with tenant_scope(a.pk):
    clerk, officer, head = actor("a_central_clerk"), actor("a_officer"), actor("a_head")
    palad = Position.objects.get(tenant_id=a.pk, title_th__startswith="ปลัด")
    route = d.route_create(tenant_id=a.pk, actor=actor("a_agency_admin"), name_th=f"ตรวจสองขั้น {tag}",
                           forms=["external", "memo"],
                           steps=[d.RouteStepInput(position_id=palad.pk, order=1, stage="proofread")])

    def new(who, subject, **kw):
        return d.draft_create(tenant_id=a.pk, actor=who, data=d.DraftInput(
            form=kw.pop("form", "external"), subject=f"{subject} {tag}",
            fields={"signer_name": "นายทดสอบ ระบบ", "signer_position": "ปลัด", "enclosures": "กำหนดการ 1 ฉบับ"},
            body_html="<div>ด้วย <strong>องค์การบริหารส่วนตำบล</strong></div><ul><li>ข้อหนึ่ง</li></ul>",
            recipients=[d.RecipientInput(name="นายอำเภอเมือง", channel="post", address="ศาลากลาง"),
                        d.RecipientInput(name="ผู้อำนวยการโรงเรียน", role="copy", channel="hand"),
                        d.RecipientInput(name="ไปรษณีย์ลงทะเบียน", channel="registered", address="ที่อยู่")], **kw))

    out["writing"] = new(officer, "ร่างกำลังเขียน").pk
    draft = new(officer, "ร่างรอตรวจ")
    d.draft_comment(tenant_id=a.pk, actor=officer, draft_id=draft.pk, text="ฝากตรวจวันที่")
    d.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=route.pk)
    out["in_review"] = draft.pk
    draft = new(clerk, "ร่างรอออกเลข")
    d.draft_submit(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, route_id=None)
    out["reviewed"] = draft.pk
    draft = new(clerk, "หนังสือรอลงนาม")
    d.draft_submit(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, route_id=None)
    d.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=d.READY_CHECKS)
    out["ready"] = draft.pk
    draft = new(clerk, "หนังสือลงนามแล้ว")
    d.draft_submit(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, route_id=None)
    d.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=d.READY_CHECKS)
    d.draft_mark_signed(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, signer_name="นายก")
    hand = DraftRecipient.objects.get(tenant_id=a.pk, draft=draft, channel="hand")
    dispatch.draft_dispatch(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, recipient_ids=[hand.pk])
    out["signed"] = draft.pk
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    out["pdf"] = d.draft_create(tenant_id=a.pk, actor=officer, data=d.DraftInput(
        form="external", subject=f"ร่าง PDF {tag}", source=d.SourceUpload(buf.getvalue(), "ร่าง.pdf"))).pk
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def states(django_db_setup) -> dict:  # type: ignore[no-untyped-def]
    return support.make_data(_STATES)


def _state_pages(s: dict) -> list[tuple[str, str, str]]:
    return [
        ("a_officer", f"{A}{s['writing']}/", "a draft being written"),
        ("a_officer", f"{A}{s['writing']}/edit/", "the editor of a saved draft"),
        ("a_head", f"{A}{s['in_review']}/", "a draft to review (initial / return)"),
        ("a_head", A, "the hub with a draft to review"),
        ("a_central_clerk", A, "the desk's hub"),
        ("a_central_clerk", f"{A}{s['reviewed']}/", "a reviewed draft: the checklist"),
        ("a_central_clerk", f"{A}{s['ready']}/", "ready to sign: signed / refused"),
        ("a_central_clerk", f"{A}{s['signed']}/", "signed: dispatch, envelope, delivery book"),
        ("a_officer", f"{A}{s['pdf']}/box/", "the number box on a PDF draft"),
        ("a_agency_admin", f"{A}routes/", "review routes"),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_drafting_pages_are_axe_clean(lang, states, role_session, browser_server, open_page, axe_source):
    for username, path, what in _state_pages(states):
        rs = role_session(username)
        set_lang(rs.context, browser_server, lang)
        page = open_page(page=rs.page)
        refused = watch_console(page)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        page.wait_for_load_state("load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        if path.endswith("/box/"):
            page.wait_for_selector("[data-eo-box]:not([hidden])")
        check_page(page, axe_source, what=f"{what} ({lang}, {username})")
        assert not refused, f"CSP refused something on {path}: {refused}"


def test_keyboard_only_number_box(states, role_session, browser_server, open_page):  # type: ignore[no-untyped-def]
    rs = role_session("a_officer")
    set_lang(rs.context, browser_server, "th")
    page = open_page(page=rs.page)
    page.goto(f"{A}{states['pdf']}/box/")
    tab_to(page, lambda i: i["html"].startswith('<div class="eo-box"'), "the number box", limit=TABS)
    x0 = float(page.input_value("[name=x_mm]"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("+")
    assert float(page.input_value("[name=x_mm]")) == pytest.approx(x0 + 6)
    assert "มม." in page.inner_text("[data-eo-box-status]")
    _submit(page, "บันทึกตำแหน่ง")
    assert "บันทึกตำแหน่งเลขที่และวันที่แล้ว" in page.inner_text("main")


def test_keyboard_only_envelope_download(pw_browser, browser_server, open_page, data):  # type: ignore[no-untyped-def]
    made = support.make_data(support.TENANT_A_PRELUDE + r'''
from documents.drafting import services as d
with tenant_scope(a.pk):
    clerk = actor("a_central_clerk")
    draft = d.draft_create(tenant_id=a.pk, actor=clerk, data=d.DraftInput(
        form="external", subject=f"ส่งเอกสาร {tag}", fields={"signer_name": "นายทดสอบ"},
        recipients=[d.RecipientInput(name="ผู้อำนวยการโรงเรียนบ้านหนองบัว", channel="post",
                                     address="หมู่ 1 ตำบลหนองบัว อำเภอเมือง จังหวัดนครราชสีมา 30000")]))
    d.draft_submit(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, route_id=None)
    d.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=d.READY_CHECKS)
    d.draft_mark_signed(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, signer_name="นายทดสอบ")
    out["draft"] = draft.pk
print(json.dumps(out))
''')
    page = _login(pw_browser, browser_server, open_page, "a_central_clerk")
    page.goto(f"{A}{made['draft']}/")
    tab_to(page, _name("size"), "the envelope size", limit=TABS)
    _choose(page, "size", "C5")
    tab_to(page, _button("พิมพ์ซอง (PDF)"), "print the envelope", limit=20)
    with page.expect_download() as got:
        page.keyboard.press("Enter")
    path = got.value.path()
    import pikepdf

    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    mm = sorted(round((box[i + 2] - box[i]) / 72 * 25.4) for i in (0, 1))
    assert mm == [162, 229], f"a C5 envelope is 162 × 229 mm, got {mm}"


def test_keyboard_only_docx_draft_to_final_with_number_and_date(pw_browser, browser_server, open_page, data,
                                                                axe_source):
    subject = f"ร่างจากไฟล์ Word {data['tag']}"
    page = _login(pw_browser, browser_server, open_page, "a_central_clerk")
    page.goto(f"{A}new/file/")
    check_page(page, axe_source, what="a draft from a file")
    assert "{ที่}" in page.inner_text("main") and "{วันที่}" in page.inner_text("main")
    tab_to(page, _name("subject"), "the subject", limit=TABS)
    page.keyboard.type(subject)
    tmp = Path(tempfile.mkdtemp()) / "ร่างหนังสือ.docx"
    tmp.write_bytes(_docx_bytes())
    tab_to(page, _name("source"), "the file", limit=TABS)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(tmp))
    _submit(page, "อัปโหลดและบันทึกร่าง")
    assert "บันทึกร่างจากไฟล์แล้ว" in page.inner_text("main"), page.inner_text("main")[:500]
    did = int(re.search(r"/drafting/(\d+)/", page.url).group(1))
    # recipients are added on the edit page; then straight to the desk
    tab_to(page, lambda i: i["href"].endswith("/edit/"), "edit the draft", limit=TABS)
    press_and_wait(page, "Enter", "/edit/")
    tab_to(page, _name("r0-name"), "the first recipient", limit=TABS)
    page.keyboard.type("นายอำเภอเมืองนครราชสีมา")
    tab_to(page, _name("r0-address"), "the address", limit=20)
    page.keyboard.type("ศาลากลางจังหวัด")
    _submit(page, "บันทึกร่างฉบับใหม่")
    tab_to(page, _name("route"), "the review route", limit=TABS)
    _choose(page, "route", "ไม่ผ่านการตรวจ")
    _submit(page, "เสนอ")
    for i in range(3):
        tab_to(page, lambda f, n=i: f["id"] == f"id_confirmed_{n}", f"checklist item {i + 1}", limit=TABS)
        page.keyboard.press("Space")
    _submit(page, "พร้อมลงนาม: ออกเลขและวันที่")
    number = page.inner_text("[data-eo-draft-number]").strip()
    date = page.inner_text("[data-eo-draft-date]").strip()
    support.make_data(_RENDER_FINAL, str(did))
    page.goto(f"{A}{did}/")
    href = page.get_attribute("[data-eo-file-role=final]", "href")
    pdf = page.context.request.get(href).body()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    year = re.findall(r"\d{4}|[๐-๙]{4}", date)
    assert number.split("ที่ ")[-1] in flat and year and year[-1] in flat, (number, date, flat[:800])
    assert "{ที่}" not in flat and "{วันที่}" not in flat
