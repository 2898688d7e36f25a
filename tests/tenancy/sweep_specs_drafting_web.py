"""Sweep specs for the drafting pages (issue 5, documents/web/views/drafting.py). The world's drafting
objects: tests/tenancy/world_drafting.py. Routes that move a draft on take a fresh one. Form posts carry
ids as form fields (``owner_unit``, ``route``, ``step1_position``, ``recipient``): a foreign id is not one
of the page's choices (400) or not the draft's (404), exactly like a never-used id."""

from __future__ import annotations

from typing import Any

from tests.tenancy.sweep_specs import Spec
from tests.tenancy.tenant_world import World


def _fresh(model: str, kwarg: str = "draft_id") -> Any:
    return lambda w: {kwarg: w.fresh("a", model).pk}


def _own(model: str, kwarg: str = "draft_id") -> Any:
    return lambda w: {kwarg: w.id("a", model)}


def _editor(w: World, **over: Any) -> dict[str, Any]:
    # one subject for all: a page re-shown after a refused probe is titled by it (the sweep compares titles)
    data = {"subject": f"sw{w.run}-ร่างหน้าเว็บ", "urgency": "001", "secrecy": "001", "owner_unit": w.id("a", "orgunit"),
            "f_salutation": "เรียน", "f_signer_name": "นายทดสอบ ระบบ", "body_html": "<div>ข้อความ</div>",
            "r0-name": w.name("ผู้รับ"), "r0-role": "to", "r0-channel": "hand"}
    data.update(over)
    return data


def _file(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.tenancy.world_drafting import _pdf

    return {"idempotency_key": w.name("k")[-60:], "form": "external", "subject": f"sw{w.run}-ร่างไฟล์", "urgency": "001",
            "secrecy": "001", "source": SimpleUploadedFile("ร่าง.pdf", _pdf(), content_type="application/pdf")}


def _dispatching(w: World) -> dict[str, Any]:
    w.a.objs["_web_dispatching"] = w.fresh("a", "signeddraft")
    return {"draft_id": w.a.objs["_web_dispatching"].pk}


def _recipient_ids(w: World) -> list[int]:
    from documents.models import DraftRecipient
    from tenants.context import tenant_scope

    with tenant_scope(w.a.id):
        return list(DraftRecipient.objects.filter(draft=w.a.objs["_web_dispatching"]).values_list("pk", flat=True))


def _hand(w: World) -> dict[str, Any]:
    w.a.objs["_web_hand"] = w.fresh("a", "handrecipient")
    return {"draft_id": w.a.objs["_web_hand"].draft_id}


DRAFT = {"path:draft_id": "draft"}
READY = ("recipients", "channels", "enclosures")

DRAFTING_WEB_SPECS: dict[str, Spec] = {
    "drafting-home": Spec(),
    "drafting-new GET": Spec(query=lambda w: {"form": "external", "reply_to": w.id("a", "entry.letter_id")},
                             ids={"query:reply_to": "entry.letter_id"}),
    "drafting-new POST": Spec(query=lambda w: {"form": "external", "reply_to": w.id("a", "entry.letter_id")},
                              body=lambda w: _editor(w, idempotency_key=w.name("k")[-60:]),
                              ids={"query:reply_to": "entry.letter_id", "body:owner_unit": "orgunit"}),
    "drafting-new-file GET": Spec(),
    "drafting-new-file POST": Spec(body=_file),
    "drafting-preview": Spec(body=lambda w: {**_editor(w), "form_kind": "external"}, ids={"body:owner_unit": "orgunit"}),
    "drafting-delivery-book": Spec(),
    "drafting-routes GET": Spec(),
    "drafting-routes POST": Spec(body=lambda w: {"name_th": w.name("ลำดับ"), "step1_order": 1, "step1_stage": "check",
                                                 "step1_position": w.id("a", "chainposition")},
                                 ids={"body:step1_position": "chainposition"}),
    "drafting-route-active": Spec(kwargs=_own("route", "route_id"), ids={"path:route_id": "route"},
                                  body=lambda w: {"active": "1"}),
    "drafting-detail": Spec(kwargs=_own("draft"), ids=DRAFT),
    "drafting-edit GET": Spec(kwargs=_own("draft"), ids=DRAFT),
    "drafting-edit POST": Spec(kwargs=_fresh("draft"), ids={**DRAFT, "body:owner_unit": "orgunit"},
                               body=lambda w: _editor(w, expected_version=1, note="แก้ไข")),
    "drafting-box GET": Spec(kwargs=_own("pdfdraft"), ids={"path:draft_id": "pdfdraft"}),
    "drafting-box POST": Spec(kwargs=_fresh("pdfdraft"), ids={"path:draft_id": "pdfdraft"}, body=lambda w: {
        "expected_version": 1, "page": 1, "x_mm": 120, "y_mm": 40, "w_mm": 60, "h_mm": 15}),
    "drafting-comment": Spec(kwargs=_own("draft"), ids=DRAFT, body=lambda w: {"text": w.name("ความเห็น")}),
    "drafting-submit": Spec(kwargs=_fresh("draft"), ids={**DRAFT, "body:route": "route"},
                            body=lambda w: {"route": w.id("a", "route")}),
    "drafting-initial": Spec(kwargs=_fresh("reviewdraft"), ids={"path:draft_id": "reviewdraft"},
                             body=lambda w: {"typed_name": "นายทดสอบ ระบบ"}),
    "drafting-return": Spec(kwargs=_fresh("reviewdraft"), ids={"path:draft_id": "reviewdraft"},
                            body=lambda w: {"comment": "แก้ไขย่อหน้าแรก"}),
    "drafting-ready": Spec(kwargs=_fresh("revieweddraft"), ids={"path:draft_id": "revieweddraft"},
                           body=lambda w: {"confirmed": list(READY)}),
    "drafting-refuse": Spec(kwargs=_fresh("readydraft"), ids={"path:draft_id": "readydraft"},
                            body=lambda w: {"reason": "ให้แก้ไข"}),
    "drafting-signed": Spec(kwargs=_fresh("readydraft"), ids={"path:draft_id": "readydraft"},
                            body=lambda w: {"signer_name": "นายทดสอบ"}),
    "drafting-cancel": Spec(kwargs=_fresh("draft"), ids=DRAFT, body=lambda w: {"reason": "ไม่ใช้แล้ว"}),
    "drafting-dispatch": Spec(kwargs=_dispatching, ids={"path:draft_id": "signeddraft"},
                              body=lambda w: {"recipients": _recipient_ids(w)}),
    "drafting-received": Spec(kwargs=_hand, ids={"path:draft_id": "signeddraft", "body:recipient": "handrecipient"},
                              body=lambda w: {"recipient": w.a.objs["_web_hand"].pk, "received_by_name": "นายรับ"}),
    "drafting-version-pdf": Spec(kwargs=lambda w: {"draft_id": w.id("a", "draft"), "number": 1}, ids=DRAFT),
    "drafting-file": Spec(kwargs=lambda w: {"draft_id": w.id("a", "signeddraft"), "file_id": w.id("a", "signedfile")},
                          ids={"path:draft_id": "signeddraft", "path:file_id": "signedfile"}),
    "drafting-envelope": Spec(kwargs=_own("readydraft"), ids={"path:draft_id": "readydraft"},
                              query=lambda w: {"size": "DL"}),
    "drafting-labels": Spec(kwargs=_own("readydraft"), ids={"path:draft_id": "readydraft"}),
}
