"""Sweep specs for the registry's web pages (documents/web). See tests/tenancy/sweep_specs.py.

Web forms post form fields (the test client sends multipart/form-data, so uploads ride along); the
entry page's action forms carry a prefix ("amend-", "annul-", "unit-", "dispatch-", "grant-", "dismiss-").
Book codes are per-agency names, so the id probes on book routes use a unit book's code (unique).
The mailbox routes use the World keys ``mailbox``, ``mailboxmessage`` and ``mailboxfile``."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tenancy.sweep_specs import Spec
from tests.tenancy.tenant_world import World, _pdf


def _key() -> str:
    return uuid.uuid4().hex


def _own(model: str, kwarg: str = "entry_id") -> Any:
    return lambda w: {kwarg: w.id("a", model)}


def _fresh(model: str, kwarg: str = "entry_id") -> Any:
    return lambda w: {kwarg: w.fresh("a", model).pk}


def _letter(w: World) -> dict[str, Any]:
    return {"idempotency_key": _key(), "kind": "external", "sub_kind": "", "urgency": "001", "purpose": "consider",
            "subject": w.name("เรื่อง")}


def _incoming(w: World) -> dict[str, Any]:
    return {**_letter(w), "book": w.id("a", "inbook"), "secrecy": "001", "channel": "scan",
            "sender_name": w.name("ผู้ส่ง"),
            "files": SimpleUploadedFile(f"{w.name('scan')}.pdf", _pdf(), content_type="application/pdf")}


def _outgoing(w: World) -> dict[str, Any]:
    return {**_letter(w), "book": w.id("a", "book"), "recipients": w.name("ผู้รับ")}


BOOK = {"path:book": "unitbook.code"}

def _by_central_number(w: World) -> dict:
    e = w.fresh("a", "entry")
    return {"central-idempotency_key": _key(), "central-year": e.year, "central-number": e.number}


REGISTRY_WEB_SPECS: dict[str, Spec] = {
    "registry-home": Spec(),
    "registry-book-register-central": Spec(kwargs=lambda w: {"book": w.id("a", "unitbook.code")},
                                           ids={"path:book": "unitbook.code"}, body=_by_central_number),
    "registry-incoming GET": Spec(),
    "registry-incoming POST": Spec(body=_incoming, ids={"body:book": "inbook"}),
    "registry-outgoing GET": Spec(),
    "registry-outgoing POST": Spec(body=_outgoing, ids={"body:book": "book"}),
    "registry-reserve GET": Spec(),
    "registry-reserve POST": Spec(body=lambda w: {"idempotency_key": _key(), "book": w.id("a", "book"),
                                                  "note": w.name("จอง")}, ids={"body:book": "book"}),
    "registry-book": Spec(kwargs=lambda w: {"book": w.id("a", "unitbook.code")}, ids=BOOK),
    "registry-book-export": Spec(kwargs=lambda w: {"book": w.id("a", "unitbook.code"), "fmt": "csv"}, ids=BOOK),
    "registry-entry": Spec(kwargs=_own("entry"), ids={"path:entry_id": "entry"}),
    "registry-entry-amend": Spec(
        kwargs=_fresh("entry"), ids={"path:entry_id": "entry"},
        body=lambda w: {"amend-subject": w.name("แก้เรื่อง"), "amend-sender_display": w.name("ผู้ส่ง"),
                        "amend-purpose": "consider", "amend-urgency": "001", "amend-reason": "พิมพ์ผิด"},
    ),
    "registry-entry-annul": Spec(kwargs=_fresh("reservation"), ids={"path:entry_id": "reservation"},
                                 body=lambda w: {"annul-reason": "ไม่ใช้เลขนี้"}),
    "registry-entry-unit-register": Spec(  # the standing entry: the page's <h1> (its number) stays the same
        kwargs=_own("entry"), ids={"path:entry_id": "entry", "body:unit-book": "unitbook"},
        body=lambda w: {"unit-idempotency_key": _key(), "unit-book": w.id("a", "unitbook"), "unit-note": ""},
    ),
    "registry-entry-dispatch": Spec(kwargs=_fresh("outentry"), ids={"path:entry_id": "outentry"},
                                    body=lambda w: {"dispatch-state": "dispatched", "dispatch-channel": "post"}),
    "registry-entry-secret-grants": Spec(
        kwargs=_own("secretentry"), ids={"path:entry_id": "secretentry", "body:grant-user": "membership.user_id"},
        body=lambda w: {"grant-user": w.id("a", "membership.user_id")},
    ),
    "registry-reservation-use GET": Spec(kwargs=_own("reservation"), ids={"path:entry_id": "reservation"}),
    "registry-reservation-use POST": Spec(
        kwargs=_fresh("reservation"), ids={"path:entry_id": "reservation"},
        body=lambda w: {**_letter(w), "recipients": w.name("ผู้รับ")},
    ),
    "registry-secret-open GET": Spec(kwargs=_own("sealedentry"), ids={"path:entry_id": "sealedentry"}),
    "registry-secret-open POST": Spec(
        kwargs=_fresh("sealedentry"), ids={"path:entry_id": "sealedentry"},
        body=lambda w: {**_letter(w), "secrecy": "003", "subject": w.name("เรื่องลับ")},
    ),
    "registry-entry-file": Spec(
        kwargs=lambda w: {"entry_id": w.id("a", "entry"), "file_id": w.id("a", "storedfile")},
        ids={"path:entry_id": "entry", "path:file_id": "storedfile"},
    ),
    # --- the central mailbox ---------------------------------------------------------------------------------
    "registry-mailbox": Spec(),
    "registry-mailbox-fetch": Spec(kwargs=_own("mailbox", "mailbox_id"), ids={"path:mailbox_id": "mailbox"}),
    "registry-mailbox-message GET": Spec(kwargs=_own("mailboxmessage", "message_id"),
                                         ids={"path:message_id": "mailboxmessage"}),
    "registry-mailbox-message POST": Spec(  # the standing message: the page's <h1> (its subject) stays the same
        kwargs=_own("mailboxmessage", "message_id"), ids={"path:message_id": "mailboxmessage", "body:book": "inbook"},
        body=lambda w: {**_letter(w), "book": w.id("a", "inbook"), "secrecy": "001", "sender_name": w.name("ผู้ส่ง")},
    ),
    "registry-mailbox-dismiss": Spec(kwargs=_fresh("mailboxmessage", "message_id"),
                                     ids={"path:message_id": "mailboxmessage"},
                                     body=lambda w: {"dismiss-reason": "โฆษณา"}),
    "registry-mailbox-restore": Spec(kwargs=_own("mailboxmessage", "message_id"),
                                     ids={"path:message_id": "mailboxmessage"}),
    "registry-mailbox-file": Spec(
        kwargs=lambda w: {"message_id": w.id("a", "mailboxmessage"), "file_id": w.id("a", "mailboxfile")},
        ids={"path:message_id": "mailboxmessage", "path:file_id": "mailboxfile"},
    ),
}
