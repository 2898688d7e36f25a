"""The sweep world's drafting objects (issue 5), made through the services as the side's all-roles member
(central clerk, head, unit clerk, agency admin; holds the world's chain post).

Model keys: route (a review route whose one step is the chain post), draft (version 1, being written),
draftcomment (a comment on that draft), pdfdraft (a draft from a PDF file, its number box not placed yet),
reviewdraft (sent along the route) and review (its open step, at the member's post), revieweddraft (sent
with no route: at the desk), readydraft (numbered, ready to sign), signeddraft (signed on paper, with the
signed scan) and signedfile (that scan), handrecipient (a by-hand recipient of a signed letter, dispatched)."""

from __future__ import annotations

import uuid
from typing import Any

DRAFTING_MODELS = ("route", "draft", "draftcomment", "pdfdraft", "reviewdraft", "review", "revieweddraft", "readydraft", "signeddraft",
                   "signedfile", "handrecipient")


def _actor(w, key: str):  # type: ignore[no-untyped-def]
    from tenants.selectors import actor_build

    m = w.membership(key)
    return actor_build(agency=w.side(key).agency, membership=m, user=m.user)


def draft_input(w, key: str, **kw):  # type: ignore[no-untyped-def]
    from documents.drafting import services

    values = {"form": "external", "subject": f"sw{w.run}-ร่างหนังสือ", "owner_unit_id": w.id(key, "orgunit"),
              "fields": {"signer_name": "นายทดสอบ ระบบ", "signer_position": "ปลัด"}, "body_html": "<div>ด้วย…</div>",
              "recipients": [services.RecipientInput(name=w.name("ผู้รับ"), channel="post", address="นครราชสีมา"),
                             services.RecipientInput(name=w.name("ผู้รับมือ"), channel="hand")]}
    values.update(kw)
    return services.DraftInput(**values)


def _pdf() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def drafting_obj(w, key: str, model: str) -> Any:  # type: ignore[no-untyped-def]
    from documents.drafting import dispatch, services
    from documents.models import DraftRecipient, DraftReview, StoredFile

    t, actor = w.side(key).id, _actor(w, key)

    def draft():  # type: ignore[no-untyped-def]
        return services.draft_create(tenant_id=t, actor=actor, data=draft_input(w, key), idempotency_key=uuid.uuid4().hex)

    def reviewed():  # type: ignore[no-untyped-def]
        d = draft()
        return services.draft_submit(tenant_id=t, actor=actor, draft_id=d.pk, route_id=None)

    def ready():  # type: ignore[no-untyped-def]
        d = reviewed()
        return services.draft_ready(tenant_id=t, actor=actor, draft_id=d.pk, confirmed=services.READY_CHECKS)

    def signed():  # type: ignore[no-untyped-def]
        d = ready()
        return services.draft_mark_signed(tenant_id=t, actor=actor, draft_id=d.pk, signer_name="นายทดสอบ ระบบ",
                                          signed_scan=services.SourceUpload(_pdf(), "ลงนามแล้ว.pdf"))

    if model == "route":
        return services.route_create(tenant_id=t, actor=actor, name_th=w.name("ลำดับตรวจ"), forms=[],
                                     steps=[services.RouteStepInput(position_id=w.id(key, "chainposition"), order=1)])
    if model == "draft":
        return draft()
    if model == "draftcomment":
        return services.draft_comment(tenant_id=t, actor=actor, draft_id=w.id(key, "draft"), text=w.name("ความเห็น"))
    if model == "pdfdraft":
        return services.draft_create(tenant_id=t, actor=actor, idempotency_key=uuid.uuid4().hex, data=draft_input(
            w, key, body_html="", source=services.SourceUpload(_pdf(), "ร่าง.pdf")))
    if model == "reviewdraft":
        return services.draft_submit(tenant_id=t, actor=actor, draft_id=draft().pk, route_id=w.id(key, "route"))
    if model == "review":
        d = drafting_obj(w, key, "reviewdraft")
        return DraftReview.objects.get(tenant_id=t, draft=d)
    if model == "revieweddraft":
        return reviewed()
    if model == "readydraft":
        return ready()
    if model == "signeddraft":
        return signed()
    if model == "signedfile":
        return StoredFile.objects.get(tenant_id=t, letter_id=w.obj(key, "signeddraft").letter_id, role="signed")
    if model == "handrecipient":
        d = signed()
        hand = DraftRecipient.objects.get(tenant_id=t, draft=d, channel="hand")
        dispatch.draft_dispatch(tenant_id=t, actor=actor, draft_id=d.pk, recipient_ids=[hand.pk])
        return hand
    raise KeyError(model)
