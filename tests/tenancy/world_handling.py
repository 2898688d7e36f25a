"""The sweep world's handling objects (issue 4), made through the services as the side's all-roles
member, who holds the world's chain position, is central clerk (the desk) and unit clerk of the world
unit, so every holding below is theirs to act on.

Model keys: chain, chainposition, filecategory, duerule, otherunit, delegation, handling (noted, at the desk), informhandling
(noted, for information), orderedhandling (ordered, at the desk to distribute), presentholding (at the
chain position), infopresent (at the chain position, a letter for information), informholding (sent
for information to the unit), unitholding (distributed to the unit), registeredholding (registered
in the unit's book), task (assigned to the all-roles member), actionfile (a document the member attached
to their action on a task), actionhandling (that letter's handling), circulation / circulationrecipient,
notification (an unread one for the all-roles member: a letter presented to the world's chain post),
notificationpreference (the all-roles member's e-mail choices), copyhandling (noted, with a PDF: its
stamp and endorse_copy jobs run here, so it has a working copy with the note on it)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

HANDLING_MODELS = ("chain", "chainposition", "filecategory", "duerule", "otherunit", "delegation", "handling", "informhandling",
                   "orderedhandling", "presentholding", "infopresent", "informholding", "unitholding",
                   "registeredholding", "task", "actionfile", "actionhandling", "circulation", "circulationrecipient",
                   "notification", "notificationpreference", "copyhandling")


def _actor(w, key: str):  # type: ignore[no-untyped-def]
    from tenants.selectors import actor_build

    side = w.side(key)
    m = w.membership(key)
    return actor_build(agency=side.agency, membership=m, user=m.user)


def _noted(w, key: str, *, purpose: str = "consider"):  # type: ignore[no-untyped-def]
    from documents.handling import services
    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput

    t, actor = w.side(key).id, _actor(w, key)
    entry = registry_services.register_incoming(
        tenant_id=t, actor=actor, idempotency_key=uuid.uuid4().hex,
        # one subject for all: a page re-shown after a refused probe is titled by it (the sweep compares titles)
        data=IncomingInput(subject=f"sw{w.run}-เรื่องเสนอ", purpose=purpose, sender=PartyInput(name=w.name("ผู้ส่ง"))),
    )
    return services.handling_start(tenant_id=t, actor=actor, entry_id=entry.pk,
                                   note=services.NoteInput(summary=w.name("สรุป")))


def _presented(w, key: str, *, purpose: str = "consider"):  # type: ignore[no-untyped-def]
    from documents.handling import services

    handling = _noted(w, key, purpose=purpose)
    return services.present(tenant_id=w.side(key).id, actor=_actor(w, key), handling_id=handling.pk,
                            chain_id=w.id(key, "chain"))


def _unit_holding(w, key: str):  # type: ignore[no-untyped-def]
    from documents.handling import services

    t, actor = w.side(key).id, _actor(w, key)
    step = _presented(w, key)
    handling = services.endorse(tenant_id=t, actor=actor, holding_id=step.pk, phrase="ดำเนินการ",
                                order_units=[w.id(key, "orgunit")])
    (holding,) = services.distribute(tenant_id=t, actor=actor, handling_id=handling.pk)
    return holding


def _copy_handling(w, key: str):  # type: ignore[no-untyped-def]
    import io

    import pikepdf

    from documents.files.services import file_prepare
    from documents.handling import services
    from documents.registry import services as registry_services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.jobs_registry import handler_for

    t, actor = w.side(key).id, _actor(w, key)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    entry = registry_services.register_incoming(
        tenant_id=t, actor=actor, idempotency_key=uuid.uuid4().hex, files=[file_prepare(buf.getvalue(), "w.pdf")],
        data=IncomingInput(subject=f"sw{w.run}-เรื่องเสนอ", sender=PartyInput(name=w.name("ผู้ส่ง"))),
    )
    handler_for("registry.stamp")(tenant_id=t, job_id=0, entry_id=entry.pk)  # what the worker does after commit
    handling = services.handling_start(tenant_id=t, actor=actor, entry_id=entry.pk,
                                       note=services.NoteInput(summary=w.name("สรุป")))
    handler_for("handling.endorse_copy")(tenant_id=t, job_id=0, letter_id=entry.letter_id)
    return handling


def handling_obj(w, key: str, model: str) -> Any:  # type: ignore[no-untyped-def]
    from documents.handling import services
    from tenants.services import org

    t, actor = w.side(key).id, _actor(w, key)
    if model == "chainposition":  # a post the all-roles member holds
        position = org.position_create(tenant_id=t, actor=None, title_th=w.name("ปลัด"), unit=w.obj(key, "orgunit"),
                                       is_executive=True)
        org.position_assign(tenant_id=t, actor=None, position=position, membership=w.membership(key),
                            starts_on=dt.date(2024, 1, 1))
        return position
    if model == "chain":
        return services.chain_create(tenant_id=t, actor=actor, name_th=w.name("สายเสนอ"),
                                     position_ids=[w.id(key, "chainposition")], sort_order=900)
    if model == "filecategory":
        return services.file_category_create(tenant_id=t, actor=actor, code=w.name("f")[-40:], name_th=w.name("แฟ้ม"),
                                             retention_years=10)
    if model == "duerule":
        return services.due_rule_create(tenant_id=t, actor=actor, name_th=w.name("หลักเกณฑ์"), working_days=5,
                                        letter_kinds=["external"], sort_order=900)
    if model == "delegation":  # the world post's powers to the chain post, for external letters
        from documents.handling import delegations

        return delegations.delegation_create(
            tenant_id=t, actor=actor, from_position_id=w.id(key, "position"), to_position_id=w.id(key, "chainposition"),
            order_reference=w.name("คำสั่ง"), order_date=dt.date(2024, 1, 2), starts_on=dt.date(2024, 1, 2),
            letter_kinds=["external"])
    if model == "actionhandling":
        from documents.models import Handling

        return Handling.objects.get(tenant_id=t, letter_id=w.obj(key, "actionfile").letter_id)
    if model == "actionfile":
        from documents.files.services import file_prepare
        from documents.models import StoredFile
        from tests.registry.fixtures_files import pdf_bytes

        task = handling_obj(w, key, "task")
        event = services.act(tenant_id=t, actor=actor, holding_id=task.pk, text=w.name("ปฏิบัติ"),
                             files=[file_prepare(pdf_bytes(), f"{w.name('reply')}.pdf")])
        return StoredFile.objects.get(tenant_id=t, pk=event.details["files"][0]["id"])
    if model == "circulation":  # to the world unit; the officer (and the world's member) are its audience
        from documents.handling import circulation

        w.membership(key, "officer")
        return circulation.circulate(tenant_id=t, actor=actor, handling_id=_noted(w, key).pk, audience="units",
                                     unit_ids=[w.id(key, "orgunit")], note=w.name("เวียน"))
    if model == "circulationrecipient":
        from documents.models import CirculationRecipient

        return CirculationRecipient.objects.get(tenant_id=t, circulation=w.obj(key, "circulation"),
                                                membership=w.membership(key, "officer"))
    if model == "otherunit":
        return org.org_unit_create(tenant_id=t, actor=None, name_th=w.name("หน่วยอื่น"), unit_number="8")
    if model == "notification":  # the service leaves the actor out, so it is made for the member directly
        from documents.handling import notifications
        from documents.models import NotificationKind

        holding = _presented(w, key)
        holding.position_id = None
        holding.holder_kind, holding.membership_id = "member", w.membership(key).pk
        (n,) = notifications.notify_holdings(tenant_id=t, actor=None, holdings=[holding], kind=NotificationKind.PRESENTED)
        return n
    if model == "notificationpreference":
        from documents.handling import notifications

        return notifications.preference_update(tenant_id=t, actor=actor, email_enabled=False, email_urgent_only=True,
                                               email_overdue=False)
    if model == "handling":
        return _noted(w, key)
    if model == "copyhandling":
        return _copy_handling(w, key)
    if model == "informhandling":
        return _noted(w, key, purpose="inform")
    if model == "presentholding":
        return _presented(w, key)
    if model == "infopresent":
        return _presented(w, key, purpose="inform")
    if model == "orderedhandling":
        step = _presented(w, key)
        return services.endorse(tenant_id=t, actor=actor, holding_id=step.pk, phrase="ดำเนินการ",
                                order_units=[w.id(key, "orgunit")])
    if model == "informholding":
        handling = _noted(w, key, purpose="inform")
        (holding,) = services.send_for_information(tenant_id=t, actor=actor, handling_id=handling.pk,
                                                   unit_ids=[w.id(key, "orgunit")])
        return holding
    if model == "unitholding":
        return _unit_holding(w, key)
    w.obj(key, "unitbook")  # the world unit's incoming book
    holding = _unit_holding(w, key)
    services.unit_register(tenant_id=t, actor=actor, holding_id=holding.pk)
    if model == "registeredholding":
        return holding
    (task,) = services.assign(tenant_id=t, actor=actor, holding_id=holding.pk, membership_ids=[w.membership(key).pk])
    return task
