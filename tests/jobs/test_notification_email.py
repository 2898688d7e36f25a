"""Notification e-mail through the real outbox, a real Celery worker and a real SMTP sink (aiosmtpd): a
letter presented to a post reaches its holder's mailbox once, with the urgency, the count and the link;
queueing the same notification again sends nothing more (the secret-subject rule: tests/handling)."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from documents.handling import notifications, services
from documents.models import Notification
from documents.registry import services as registry_services
from documents.registry.inputs import IncomingInput, PartyInput
from tenants.context import tenant_scope
from tenants.models import Job
from tenants.services import org
from tenants.services.jobs import job_enqueue
from tests.jobs.conftest import Worker
from tests.jobs.test_outbox import wait_status
from tests.registry import mailserver

pytestmark = pytest.mark.worker

_smtp_server, smtp_sink = mailserver._smtp_server, mailserver.smtp_sink


@pytest.fixture
def smtp_worker(_worker, smtp_sink, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """A worker whose Django sends through the SMTP sink (the session's worker is paused meanwhile, so it
    can't take the job with its console backend; the ``worker`` fixture restarts it for later tests)."""
    _worker.stop()
    for k, v in {"EOFFICE_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                 "EOFFICE_EMAIL_HOST": smtp_sink.host, "EOFFICE_EMAIL_PORT": str(smtp_sink.port),
                 "EOFFICE_SITE_URL": "https://saraban.example.go.th"}.items():
        monkeypatch.setenv(k, v)
    w = Worker(tmp_path)
    w.start()
    yield w
    w.stop()


def _actor(agency, username: str):  # type: ignore[no-untyped-def]
    from tenants.models import Membership
    from tenants.selectors import actor_build

    m = Membership.objects.select_related("user").get(tenant_id=agency.pk, user__username=username)
    return actor_build(agency=agency, membership=m, user=m.user)


def test_a_presented_letter_is_e_mailed_once(smtp_worker, smtp_sink, tenants, committed):  # type: ignore[no-untyped-def]
    a = tenants.a
    tag = uuid.uuid4().hex[:8]
    with tenant_scope(a.pk):
        clerk, admin = _actor(a, "a_central_clerk"), _actor(a, "a_agency_admin")
        user = org.user_create(username=f"notify-{tag}", password=None, first_name_th="ผู้รับ", last_name_th=tag,
                               email=f"notify-{tag}@tenant-a.example")
        member = org.membership_create(tenant_id=a.pk, actor=None, user=user)
        post = org.position_create(tenant_id=a.pk, actor=None, title_th=f"รองปลัด {tag}")
        org.position_assign(tenant_id=a.pk, actor=None, position=post, membership=member, starts_on=dt.date(2024, 1, 1))
        chain = services.chain_create(tenant_id=a.pk, actor=admin, name_th=f"สาย {tag}", position_ids=[post.pk],
                                      sort_order=950)
        entry = registry_services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=f"ขอเชิญประชุมด่วน {tag}", urgency="003", sender=PartyInput(name="จังหวัด")))
        h = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=services.NoteInput(summary="ส"))
        services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=chain.pk)
        (n,) = Notification.objects.filter(tenant_id=a.pk, membership=member)
        job = Job.objects.get(tenant_id=a.pk, kind=notifications.EMAIL_JOB_KIND, idempotency_key=f"notification:{n.pk}")
    wait_status(a, job.pk, "done", timeout=60, worker=smtp_worker)
    (msg,) = smtp_sink.wait_for(1)
    assert smtp_sink.received[0][1] == [user.email]
    assert "ด่วนมาก" in msg["Subject"] and "เสนอหนังสือถึงท่าน" in msg["Subject"]
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert f"ขอเชิญประชุมด่วน {tag}" in text and f"https://saraban.example.go.th/a/{a.slug}/handling/letters/{h.pk}/" in text
    with tenant_scope(a.pk):
        assert Notification.objects.get(pk=n.pk).emailed_at is not None
        again = job_enqueue(tenant_id=a.pk, kind=notifications.EMAIL_JOB_KIND, args={"notification_id": n.pk},
                            idempotency_key=f"notification:{n.pk}")
    assert again.pk == job.pk  # the same notification is one job, already done
    time.sleep(1.5)
    assert len(smtp_sink.received) == 1
