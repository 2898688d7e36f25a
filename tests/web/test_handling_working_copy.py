"""The handling page's link to the working copy (ฉบับทำงาน): the latest version, with the receipt stamp
and the notes/endorsements appended, shown inline; a letter with no file goes back to its page with a
message; another agency's member is refused (the sweep covers A's ids from B)."""

from __future__ import annotations

import uuid

import pytest

from tests.web.conftest import DBS, body

pytestmark = pytest.mark.django_db(databases=DBS)

A = "/a/tenant-a/"


def _handled_letter(a, actor_of, in_tenant, *, with_file: bool):  # type: ignore[no-untyped-def]
    from documents.files.services import file_prepare
    from documents.handling import services
    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.jobs_registry import handler_for
    from tenants.models import Job
    from tests.registry.conftest import make_pdf

    clerk = actor_of("a_central_clerk", a)
    with in_tenant(a):
        entry = registry_services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
            files=[file_prepare(make_pdf(), "หนังสือ.pdf")] if with_file else [],
            data=IncomingInput(subject="ขอเชิญประชุมฉบับทำงาน", sender=PartyInput(name="จังหวัดนครราชสีมา")))
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk,
                                           note=services.NoteInput(summary="สรุปเรื่องบนฉบับทำงาน"))
        for kind in ("registry.stamp", "handling.endorse_copy"):  # the outbox rows, in the order a worker runs them
            for job in Job.objects.filter(tenant_id=a.pk, kind=kind).order_by("pk"):
                handler_for(kind)(tenant_id=a.pk, job_id=job.pk, **job.args)
        return handling


def test_the_letter_page_links_the_latest_working_copy(client, login, tenants, actor_of, in_tenant):
    from documents.files.services import file_read
    from documents.registry.selectors import working_copy

    a = tenants.a
    handling = _handled_letter(a, actor_of, in_tenant, with_file=True)
    with in_tenant(a):
        latest = working_copy(tenant_id=a.pk, letter_id=handling.letter_id)
        assert latest is not None and latest.role == "endorsed"
        latest_bytes = file_read(latest)
    login("a_central_clerk")
    url = f"{A}handling/letters/{handling.pk}/"
    page = body(client.get(url))
    assert f'href="{url}working-copy/"' in page and "ฉบับทำงาน" in page
    r = client.get(url + "working-copy/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline") and r.content == latest_bytes
    api = client.get(f"/api/v1/a/tenant-a/handling/letters/{handling.pk}/working-copy/")  # the same, by the API
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf" and api.content == latest_bytes

    client.logout()
    login("b_central_clerk")
    assert client.get(url + "working-copy/").status_code in (403, 404)  # not a member of A: refused


def test_no_file_no_link_and_back_to_the_page(client, login, tenants, actor_of, in_tenant):
    a = tenants.a
    handling = _handled_letter(a, actor_of, in_tenant, with_file=False)
    login("a_central_clerk")
    url = f"{A}handling/letters/{handling.pk}/"
    assert "working-copy/" not in body(client.get(url))
    r = client.get(url + "working-copy/")
    assert r.status_code == 302 and r["Location"] == url
    assert "ยังไม่มีฉบับทำงาน" in body(client.get(url))
    assert client.get(f"/api/v1/a/tenant-a/handling/letters/{handling.pk}/working-copy/").status_code == 404
