"""The demo's handling data (docs/demo.md): after load_demo + load_demo_registry, the ปลัด (demo.head)
has letters to endorse, กองช่าง's clerk and the officer have work, and a second load changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from documents.handling import selectors
from documents.models import FileCategory, Handling, PresentationChain
from tenants.context import tenant_scope
from tenants.models import Agency, Membership
from tenants.selectors import actor_build

pytestmark = pytest.mark.django_db


def _actor(agency, username):  # type: ignore[no-untyped-def]
    m = Membership.objects.select_related("user").get(tenant_id=agency.pk, user__username=username)
    return actor_build(agency=agency, membership=m, user=m.user)


def test_demo_handling_is_loaded_once(tmp_path):
    call_command("load_demo", logins_file=str(tmp_path / "logins.txt"), stdout=StringIO())
    call_command("load_demo_registry", stdout=StringIO())
    agency = Agency.objects.get(slug="pakchong-town")
    with tenant_scope(agency.pk):
        assert PresentationChain.objects.filter(tenant_id=agency.pk).count() == 1
        assert FileCategory.objects.filter(tenant_id=agency.pk).count() >= 5
        handlings = Handling.objects.filter(tenant_id=agency.pk).count()
        assert handlings >= 3
        assert selectors.inbox(_actor(agency, "demo.head"), tenant_id=agency.pk), "the ปลัด has letters to endorse"
        assert selectors.inbox(_actor(agency, "demo.officer"), tenant_id=agency.pk), "the officer has a task"
        assert selectors.inbox(_actor(agency, "demo.clerk"), tenant_id=agency.pk), "the desk has a noted letter"
    out = StringIO()
    call_command("load_demo_registry", stdout=out)
    assert "handling demo data already loaded" in out.getvalue()
    with tenant_scope(agency.pk):
        assert Handling.objects.filter(tenant_id=agency.pk).count() == handlings


def test_demo_drafting_is_loaded_once(tmp_path):
    from documents.drafting import selectors as drafting_selectors
    from documents.models import Draft, ReviewRoute

    call_command("load_demo", logins_file=str(tmp_path / "logins.txt"), stdout=StringIO())
    call_command("load_demo_registry", stdout=StringIO())
    agency = Agency.objects.get(slug="pakchong-town")
    with tenant_scope(agency.pk):
        assert ReviewRoute.objects.filter(tenant_id=agency.pk).count() == 1
        assert Draft.objects.filter(tenant_id=agency.pk).count() == 3
        head = drafting_selectors.draft_lists(_actor(agency, "demo.head"), tenant_id=agency.pk, desk=False)
        assert head.to_review, "the ปลัด has a draft to initial"
        desk = drafting_selectors.draft_lists(_actor(agency, "demo.clerk"), tenant_id=agency.pk, desk=True)
        assert desk.at_desk, "the desk has a reviewed draft waiting for its number"
    out = StringIO()
    call_command("load_demo_registry", stdout=out)
    assert "drafting demo data already loaded" in out.getvalue()
