"""Sweep specs for the drafting API (issue 5, documents/api/drafting.py). The world's drafting objects:
tests/tenancy/world_drafting.py. Routes that move a draft on take a fresh one."""

from __future__ import annotations

from typing import Any

from tests.tenancy.sweep_specs import Spec
from tests.tenancy.tenant_world import World


def _fresh(model: str, kwarg: str) -> Any:
    return lambda w: {kwarg: w.fresh("a", model).pk}


def _own(model: str, kwarg: str) -> Any:
    return lambda w: {kwarg: w.id("a", model)}


def _draft_body(w: World) -> dict[str, Any]:
    return {"form": "memo", "subject": f"sw{w.run}-ร่าง", "owner_unit_id": w.id("a", "orgunit"),
            "fields": {"salutation": "เรียน"}, "body_html": "<div>ข้อความ</div>",
            "recipients": [{"name": w.name("ผู้รับ"), "channel": "in_system", "unit_id": w.id("a", "otherunit")}]}


def _dispatching(w: World) -> dict[str, Any]:
    """A fresh signed letter; its recipients are the body's (see _recipient_ids)."""
    w.a.objs["_dispatching"] = w.fresh("a", "signeddraft")
    return {"draft_id": w.a.objs["_dispatching"].pk}


def _recipient_ids(w: World) -> list[int]:
    from documents.models import DraftRecipient
    from tenants.context import tenant_scope

    with tenant_scope(w.a.id):
        return list(DraftRecipient.objects.filter(draft=w.a.objs["_dispatching"]).values_list("pk", flat=True))


DRAFT = {"path:draft_id": "draft"}

DRAFTING_API_SPECS: dict[str, Spec] = {
    "api-drafting-drafts GET": Spec(query=lambda w: {"list": "mine"}),
    "api-drafting-drafts POST": Spec(ids={"body:owner_unit_id": "orgunit", "body:recipients.0.unit_id": "otherunit"},
                                     body=lambda w: {**_draft_body(w), "idempotency_key": w.name("k")[-60:]}),
    "api-drafting-draft": Spec(kwargs=_own("draft", "draft_id"), ids=DRAFT),
    "api-drafting-revise": Spec(kwargs=_fresh("draft", "draft_id"), ids=DRAFT,
                                body=lambda w: {**_draft_body(w), "form": "external", "expected_version": 1,
                                                "owner_unit_id": w.id("a", "orgunit"),
                                                "recipients": [{"name": "ผู้รับ", "channel": "hand"}]}),
    "api-drafting-comment": Spec(kwargs=_own("draft", "draft_id"), ids=DRAFT, body=lambda w: {"text": w.name("ความเห็น")}),
    "api-drafting-submit": Spec(kwargs=_fresh("draft", "draft_id"), ids={**DRAFT, "body:route_id": "route"},
                                body=lambda w: {"route_id": w.id("a", "route")}),
    "api-drafting-ready": Spec(kwargs=_fresh("revieweddraft", "draft_id"), ids={"path:draft_id": "revieweddraft"},
                               body=lambda w: {"confirmed": ["recipients", "channels", "enclosures"]}),
    "api-drafting-refuse": Spec(kwargs=_fresh("readydraft", "draft_id"), ids={"path:draft_id": "readydraft"},
                                body=lambda w: {"reason": "ให้แก้ไข"}),
    "api-drafting-signed": Spec(kwargs=_fresh("readydraft", "draft_id"), ids={"path:draft_id": "readydraft"},
                                body=lambda w: {"signer_name": "นายทดสอบ"}),
    "api-drafting-cancel": Spec(kwargs=_fresh("draft", "draft_id"), ids=DRAFT, body=lambda w: {"reason": "ไม่ใช้แล้ว"}),
    "api-drafting-dispatch": Spec(kwargs=_dispatching, ids={"path:draft_id": "signeddraft"},
                                  body=lambda w: {"recipient_ids": _recipient_ids(w)}),
    "api-drafting-file": Spec(kwargs=lambda w: {"draft_id": w.id("a", "signeddraft"), "file_id": w.id("a", "signedfile")},
                              ids={"path:draft_id": "signeddraft", "path:file_id": "signedfile"}),
    "api-drafting-envelope": Spec(kwargs=_own("readydraft", "draft_id"), ids={"path:draft_id": "readydraft"},
                                  query=lambda w: {"size": "DL"}),
    "api-drafting-labels": Spec(kwargs=_own("readydraft", "draft_id"), ids={"path:draft_id": "readydraft"}),
    "api-drafting-review-initial": Spec(kwargs=_fresh("review", "review_id"), ids={"path:review_id": "review"},
                                        body=lambda w: {"typed_name": "ทดสอบ ระบบ"}),
    "api-drafting-review-return": Spec(kwargs=_fresh("review", "review_id"), ids={"path:review_id": "review"},
                                       body=lambda w: {"comment": "แก้ไขย่อหน้าแรก"}),
    "api-drafting-delivered": Spec(kwargs=_fresh("handrecipient", "recipient_id"),
                                   ids={"path:recipient_id": "handrecipient"},
                                   body=lambda w: {"received_by_name": "นายรับ"}),
    "api-drafting-delivery-book": Spec(),
    "api-drafting-reply-prefill": Spec(kwargs=_own("entry.letter_id", "letter_id"), ids={"path:letter_id": "entry.letter_id"}),
    "api-drafting-routes GET": Spec(),
    "api-drafting-routes POST": Spec(ids={"body:steps.0.position_id": "chainposition"},
                                     body=lambda w: {"name_th": w.name("ลำดับ"), "forms": [],
                                                     "steps": [{"order": 1, "position_id": w.id("a", "chainposition")}]}),
    "api-drafting-route-active": Spec(kwargs=_own("route", "route_id"), ids={"path:route_id": "route"},
                                      body=lambda w: {"active": True}),
}
