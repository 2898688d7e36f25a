"""The drafting jobs (issue 5 §2, §4, §5): each version's preview (watermark "ร่าง", no number), the final
version rendered once at "ready to sign" with the number and date burned in, and the file copy with the
drafter and reviewers; idempotent; an annulled number renders nothing; the e-mail dispatch sends once."""

from __future__ import annotations

import subprocess

import pytest
from django.core import mail

from documents.drafting import dispatch, services
from documents.drafting.layout import number_text
from documents.files.services import file_read
from documents.models import DispatchChannel, DraftVersion, FileRole, StoredFile
from eoffice.common.thaidate import thai_date
from tenants.context import tenant_scope
from tenants.jobs_registry import handler_for
from tests.drafting.test_drafting_services import _input, _route
from tests.handling.conftest import palad

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _run(kind: str, tenant_id: int, **args):  # type: ignore[no-untyped-def]
    return handler_for(kind)(tenant_id=tenant_id, job_id=0, **args)


def test_preview_then_final_and_file_copy(tenants, actor_of):
    a = tenants.a
    officer, admin, clerk, head = (actor_of(u, a) for u in ("a_officer", "a_agency_admin", "a_central_clerk", "a_head"))
    with tenant_scope(a.pk):
        route = _route(a, admin, (1, palad(a), "check"))
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        version = DraftVersion.objects.get(draft=draft, number=1)
        out = _run("drafting.render_version", a.pk, version_id=version.pk)
        assert "file" in out, out
        preview = _text(file_read(StoredFile.objects.get(pk=out["file"])))
        assert "ขอเชิญประชุมแก้ไขปัญหาน้ำท่วม" in preview and "ร่าง" in preview
        assert _run("drafting.render_version", a.pk, version_id=version.pk)["skipped"] == "already rendered"

        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=route.pk)
        (review,) = draft.reviews.all()
        services.review_initial(tenant_id=a.pk, actor=head, review_id=review.pk, typed_name="ปลัด ทดสอบ")
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        out = _run("drafting.render_final", a.pk, draft_id=draft.pk, entry_id=draft.entry_id)
        assert "final" in out, out
        final = StoredFile.objects.get(pk=out["final"])
        assert final.letter_id == draft.letter_id and final.role == FileRole.FINAL
        text = _text(file_read(final))
        assert number_text(draft.entry) in text
        assert thai_date(draft.entry.registered_at.astimezone(tz=None).date()) in text or "2569" in text
        assert "ขอแสดงความนับถือ" in text and "นายอำเภอทดสอบ" in text
        copy_text = _text(file_read(StoredFile.objects.get(pk=out["file_copy"])))
        assert "สำเนาคู่ฉบับ" in copy_text and "ปลัด ทดสอบ" in copy_text and "ผู้ร่าง" in copy_text
        draft.entry.refresh_from_db()
        assert draft.entry.digest == final.sha256
        again = _run("drafting.render_final", a.pk, draft_id=draft.pk, entry_id=draft.entry_id)
        assert again["skipped"] == "already rendered"
        assert StoredFile.objects.filter(letter_id=draft.letter_id, role=FileRole.FINAL).count() == 1


def test_a_refused_number_renders_nothing(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        entry_id = draft.entry_id
        services.draft_refuse(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, reason="ไม่ลงนาม")
        assert _run("drafting.render_final", a.pk, draft_id=draft.pk, entry_id=entry_id)["skipped"]


def test_email_dispatch_sends_the_letter_once(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(recipients=[
            services.RecipientInput(name="สำนักงานจังหวัด", channel=DispatchChannel.EMAIL, email="saraban@korat.go.th")]))
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        _run("drafting.render_final", a.pk, draft_id=draft.pk, entry_id=draft.entry_id)
        services.draft_mark_signed(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, signer_name="นายเอ")
        (r,) = draft.recipients.all()
        dispatch.draft_dispatch(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, recipient_ids=[r.pk])
        draft.refresh_from_db()
        assert draft.state == "dispatched"
        out = _run("drafting.email_dispatch", a.pk, recipient_id=r.pk)
        assert out["sent_to"] == "saraban@korat.go.th"
        assert _run("drafting.email_dispatch", a.pk, recipient_id=r.pk)["skipped"] == "already sent"
        (msg,) = mail.outbox
        assert draft.entry.reference in msg.subject and msg.attachments[0][2] == "application/pdf"


def test_a_failed_final_render_is_shown_with_its_reason(tenants, actor_of, client, login):
    from documents.drafting import selectors
    from tenants.models import Job

    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        assert selectors.final_render_status(tenant_id=a.pk, draft=draft).status == "queued"
        Job.objects.filter(tenant_id=a.pk, idempotency_key=f"draft_final:{draft.entry_id}").update(
            status="done", result={"failed": "แปลงไฟล์ไม่สำเร็จ / conversion failed"})
        got = selectors.final_render_status(tenant_id=a.pk, draft=draft)
        assert got.status == "failed" and "conversion failed" in got.reason
    login("a_central_clerk")
    page = client.get(f"/a/{a.slug}/drafting/{draft.pk}/").content.decode()
    assert "จัดทำฉบับจริงไม่สำเร็จ" in page and "แปลงไฟล์ไม่สำเร็จ" in page
