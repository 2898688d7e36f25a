"""The isolation sweep for jobs: every job kind, run in agency B's scope with arguments naming agency
A's objects (what a forged or misrouted job row would carry), finds nothing, says so, and changes
nothing of A's. A new job kind fails ``test_every_job_kind_has_a_spec`` until it is added here.

The handler is called directly (``tenants.jobs_registry.handler_for``), in B's scope and a transaction
that is rolled back: the outbox, lease and broker are tested in tests/jobs; this is about what the
handler reads and writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

import documents.files.jobs  # noqa: F401  (registers files.preview, files.sweep_uploads)
import documents.handling.jobs  # noqa: F401  (registers handling.endorse_copy)
import documents.handling.notifications  # noqa: F401  (registers notifications.*)
import documents.mailbox.jobs  # noqa: F401  (registers mailbox.*)
import documents.registry.jobs  # noqa: F401  (registers registry.stamp)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.jobs_registry import handler_for, known_kinds
from tests.tenancy.conftest import rows_digest

# kind -> the arguments naming A's objects (None: the kind reads and writes no agency data)
JOB_SPECS: dict[str, Callable[[Any], dict[str, Any]] | None] = {
    "diagnostics.noop": None,
    "diagnostics.sleep": None,
    "diagnostics.fail": None,
    "registry.stamp": lambda w: {"entry_id": w.id("a", "entry")},
    "handling.endorse_copy": lambda w: {"letter_id": w.id("a", "handling.letter_id"), "event_id": None},
    "files.preview": lambda w: {"file_id": w.id("a", "storedfile")},
    "mailbox.fetch": lambda w: {"mailbox_id": w.id("a", "mailbox")},
    "mailbox.auto_reply": lambda w: {"message_id": w.id("a", "mailboxmessage")},
    # no object named: it works on its own agency's rows only (B's here); A's must stay as they were
    "files.sweep_uploads": lambda w: {},
    "notifications.overdue": lambda w: {},
    "notifications.email": lambda w: {"notification_id": w.id("a", "notification")},
    "drafting.render_version": lambda w: {"version_id": _version_id(w)},
    "drafting.render_final": lambda w: {"draft_id": w.id("a", "readydraft"), "entry_id": w.id("a", "readydraft.entry_id")},
    "drafting.email_dispatch": lambda w: {"recipient_id": w.id("a", "handrecipient")},
}


def _version_id(w) -> int:  # type: ignore[no-untyped-def]
    from documents.models import DraftVersion
    from tenants.context import tenant_scope

    with tenant_scope(w.a.id):
        return DraftVersion.objects.get(draft_id=w.id("a", "draft"), number=1).pk


def test_every_job_kind_has_a_spec():
    missing = sorted(set(known_kinds()) - set(JOB_SPECS))
    stale = sorted(set(JOB_SPECS) - set(known_kinds()))
    assert not missing, f"job kinds with no isolation spec (add them to JOB_SPECS): {missing}"
    assert not stale, f"specs for job kinds that no longer exist: {stale}"


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("kind", sorted(k for k, spec in JOB_SPECS.items() if spec is not None))
def test_a_job_in_b_never_reaches_agency_a(world, committed, kind):  # type: ignore[no-untyped-def]
    args = JOB_SPECS[kind](world)  # type: ignore[misc]
    before = rows_digest(world.a.id)
    mail.outbox = []
    outcome: Any = None
    try:
        with tenant_scope(world.b.id), transaction.atomic():
            try:
                outcome = handler_for(kind)(tenant_id=world.b.id, job_id=0, **args)
            except NotFoundInTenant:
                outcome = "not found"
            raise _Rollback
    except _Rollback:
        pass
    if args:  # it was handed A's object: it must say it found nothing
        assert outcome == "not found" or (isinstance(outcome, dict) and (
            "skipped" in outcome or outcome.get("stored") == 0)), f"{kind} with A's ids in B's scope did something: {outcome!r}"
    assert mail.outbox == [], f"{kind} sent mail about A's object"
    assert rows_digest(world.a.id) == before, f"{kind} changed A's rows"
