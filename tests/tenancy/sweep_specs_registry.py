"""Sweep specs for the registry API (documents/api). See tests/tenancy/sweep_specs.py.

Book codes ("rcv", "snd") are names local to an agency, not ids: the same code in another agency
names that agency's own book, so the id probes use a unit book's code, which is unique."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tenancy.sweep_specs import Spec
from tests.tenancy.tenant_world import World, _pdf


def _key() -> str:
    return uuid.uuid4().hex


def _incoming(w: World) -> dict[str, Any]:
    return {"idempotency_key": _key(), "subject": w.name("เรื่องรับ"), "sender": {"name": w.name("ผู้ส่ง")},
            "files": [w.fresh("a", "upload").pk]}


def _fresh_entry(model: str) -> Any:
    return lambda w: {"entry_id": w.fresh("a", model).pk}


def _own(model: str) -> Any:
    return lambda w: {"entry_id": w.id("a", model)}


def _message(fresh: bool) -> Any:
    if fresh:
        return lambda w: {"message_id": w.fresh("a", "mailboxmessage").pk}
    return lambda w: {"message_id": w.id("a", "mailboxmessage")}


REGISTRY_API_SPECS: dict[str, Spec] = {
    "api-mailbox-messages": Spec(),
    "api-mailbox-message": Spec(kwargs=_message(False), ids={"path:message_id": "mailboxmessage"}),
    "api-mailbox-message-register": Spec(kwargs=_message(True), ids={"path:message_id": "mailboxmessage"},
                                         body=lambda w: {"idempotency_key": _key(), "subject": w.name("จากอีเมล"),
                                                         "sender": {"name": w.name("ผู้ส่ง")}}),
    "api-mailbox-message-dismiss": Spec(kwargs=_message(True), ids={"path:message_id": "mailboxmessage"},
                                        body=lambda w: {"reason": "โฆษณา"}),
    "api-mailboxes GET": Spec(),
    "api-mailboxes POST": Spec(body=lambda w: {
        "kind": "imap", "address": f"{w.name('saraban').lower()}@example.go.th", "host": "mail.example.go.th",
        "port": 993, "username": "saraban", "password_ref": "EOFFICE_MAILBOX_PASSWORD_SWEEP"}),
    "api-mailbox-fetch": Spec(kwargs=lambda w: {"mailbox_id": w.id("a", "mailbox")}, ids={"path:mailbox_id": "mailbox"}),
    "api-registry-books GET": Spec(),
    "api-registry-books POST": Spec(body=lambda w: {
        "kind": "orders", "code": w.name("o").lower()[-38:], "name_th": w.name("ทะเบียนคำสั่ง"),
        "authority_name": "นายกองค์การบริหารส่วนตำบล"}),
    "api-registry-book": Spec(kwargs=lambda w: {"book": w.id("a", "unitbook.code")}, ids={"path:book": "unitbook.code"},
                              body=lambda w: {"name_th": w.name("ทะเบียนรับหน่วย")}),
    "api-registry-book-register-central": Spec(
        kwargs=lambda w: {"book": w.id("a", "unitbook.code")}, ids={"path:book": "unitbook.code"},
        body=lambda w: (lambda e: {"idempotency_key": _key(), "year": e.year, "number": e.number})(
            w.fresh("a", "entry"))),
    "api-registry-book-start-number": Spec(
        kwargs=lambda w: {"book": w.fresh("a", "emptybook").code}, ids={"path:book": "unitbook.code"},
        body=lambda w: {"year": 2569, "start": 100}),
    "api-registry-book-entries": Spec(kwargs=lambda w: {"book": w.id("a", "unitbook.code")},
                                      ids={"path:book": "unitbook.code"}),
    "api-registry-files": Spec(multipart=True, body=lambda w: {
        "file": SimpleUploadedFile(f"{w.name('scan')}.pdf", _pdf(), content_type="application/pdf")}),
    "api-registry-incoming": Spec(body=_incoming, ids={"body:files.0": "upload"}),
    "api-registry-outgoing": Spec(body=lambda w: {
        "idempotency_key": _key(), "subject": w.name("เรื่องส่ง"), "recipients": [{"name": w.name("ผู้รับ")}]}),
    "api-registry-reservations": Spec(body=lambda w: {"idempotency_key": _key(), "book": "snd", "note": w.name("จอง")}),
    "api-registry-entry": Spec(kwargs=_own("entry"), ids={"path:entry_id": "entry"}),
    "api-registry-entry-amend": Spec(kwargs=_own("entry"), ids={"path:entry_id": "entry"},
                                     body=lambda w: {"reason": "พิมพ์ผิด", "subject": w.name("แก้เรื่อง")}),
    "api-registry-entry-annul": Spec(kwargs=_fresh_entry("reservation"), ids={"path:entry_id": "reservation"},
                                     body=lambda w: {"reason": "ไม่ใช้เลขนี้"}),
    "api-registry-entry-dispatch": Spec(kwargs=_fresh_entry("outentry"), ids={"path:entry_id": "outentry"},
                                        body=lambda w: {"state": "dispatched", "channel": "post"}),
    "api-registry-entry-unit-register": Spec(
        kwargs=_fresh_entry("entry"), ids={"path:entry_id": "entry"},
        body=lambda w: {"idempotency_key": _key(), "book": w.id("a", "unitbook.code")},
    ),
    "api-registry-entry-secret-open": Spec(
        kwargs=_fresh_entry("sealedentry"), ids={"path:entry_id": "sealedentry"},
        body=lambda w: {"idempotency_key": _key(), "subject": w.name("เรื่องลับ"), "secrecy": "003",
                        "sender": {"name": w.name("ผู้ส่ง")}},
    ),
    "api-registry-entry-secret-grants": Spec(
        kwargs=_own("secretentry"), ids={"path:entry_id": "secretentry"},
        body=lambda w: {"user": w.membership("a", "head").user_id},
    ),
    "api-registry-entry-file": Spec(
        kwargs=lambda w: {"entry_id": w.id("a", "entry"), "file_id": w.id("a", "storedfile")},
        ids={"path:entry_id": "entry", "path:file_id": "storedfile"},
    ),
}
