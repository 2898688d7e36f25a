"""The circulation API (เวียนแจ้ง): circulate -> a recipient lists it outstanding, reads it (opened, still
outstanding) -> รับทราบ once (twice: 409) -> the sender sees who opened and who acknowledged; bad input is a
clear 400; roles; an XSS payload in the note comes back as the same inert string."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import DBS
from tests.api.test_handling_api import XSS, _ids, _register

pytestmark = pytest.mark.django_db(databases=DBS)


def _letter(api, slug: str) -> int:  # type: ignore[no-untyped-def]
    entry = _register(api, slug, purpose="inform")
    h = api.post(slug, f"handling/entries/{entry['id']}/start/", {"summary": "หนังสือเวียนแจ้งแนวทาง"})
    assert h.status == 201, h.data
    return h.data["id"]


def test_circulate_open_acknowledge_through_the_api(as_user, tenants, first_of):
    from tenants.models import Membership

    slug, ids = tenants.a.slug, _ids(first_of, tenants)
    clerk = as_user("a_central_clerk")
    hid = _letter(clerk, slug)
    c = clerk.post(slug, f"handling/letters/{hid}/circulate/", {"audience": "units", "unit_ids": [ids["finance"]],
                                                                "note": XSS})
    assert c.status == 201, c.data
    assert c.data["note"] == XSS and c.data["audience"] == "units" and c.data["audience_label"] == "กองคลัง"
    assert c.data["mine"] is None and c.data["acknowledged_count"] == 0
    assert ids["officer"] in {r["membership_id"] for r in c.data["recipients"]}
    cid = c.data["id"]

    officer = as_user("a_officer")
    outstanding = officer.get(slug, "handling/circulations/")
    assert outstanding.status == 200
    row = next(r for r in outstanding.data if r["circulation_id"] == cid)
    assert row["opened_at"] is None and row["note"] == XSS
    d = officer.get(slug, f"handling/circulations/{cid}/")
    assert d.status == 200 and d.data["mine"]["opened_at"] and d.data["mine"]["acknowledged_at"] is None
    assert d.data["recipients"] is None  # a recipient doesn't see the others
    assert any(r["circulation_id"] == cid for r in officer.get(slug, "handling/circulations/").data)
    ack = officer.post(slug, f"handling/circulations/{cid}/acknowledge/", {})
    assert ack.status == 200 and ack.data["mine"]["acknowledged_at"], ack.data
    twice = officer.post(slug, f"handling/circulations/{cid}/acknowledge/", {})
    assert twice.status == 409 and twice.data["error"]["code"] == "already_acknowledged"
    assert twice.data["error"]["message_th"] and twice.data["error"]["message_en"]
    assert not any(r["circulation_id"] == cid for r in officer.get(slug, "handling/circulations/").data)

    status = as_user("a_central_clerk").get(slug, f"handling/circulations/{cid}/")
    assert status.status == 200 and status.data["acknowledged_count"] == 1
    me = first_of(Membership, tenants.a, user__username="a_officer").pk
    line = next(r for r in status.data["recipients"] if r["membership_id"] == me)
    assert line["acknowledged_at"] and line["opened_at"] and line["name"]
    closed = as_user("a_central_clerk").post(slug, f"handling/circulations/{cid}/close/", {})
    assert closed.status == 200 and closed.data["closed_at"]
    # the timeline has the circulation and the acknowledgement
    kinds = [t["kind"] for t in as_user("a_central_clerk").get(slug, f"handling/letters/{hid}/").data["timeline"]]
    assert "circulated" in kinds and "acknowledged" in kinds


def test_bad_input_and_roles(as_user, tenants, first_of):
    slug = tenants.a.slug
    clerk = as_user("a_central_clerk")
    hid = _letter(clerk, slug)
    for body in ({}, {"audience": "everyone"}, {"audience": "units"}, {"audience": "units", "unit_ids": ["x"]},
                 {"audience": "all", "note": "x" * 1001}, {"audience": "positions", "position_ids": [7_000_000_001]}):
        r = clerk.post(slug, f"handling/letters/{hid}/circulate/", body)
        assert r.status == 400 and r.data["error"]["message_th"], (body, r.data)
    assert clerk.get(slug, "handling/circulations/99999999999999999999/").status == 404
    assert clerk.post(slug, "handling/circulations/7000000123/acknowledge/", {}).status == 404
    # an officer who can't see the letter: like a missing one
    assert as_user("a_officer").post(slug, f"handling/letters/{hid}/circulate/", {"audience": "all"}).status == 404
    assert as_user("d_auditor").get("test-district", "handling/circulations/").data == []


def test_own_letter_handling_through_the_api(as_user, tenants):
    slug = tenants.a.slug
    clerk = as_user("a_central_clerk")
    out = clerk.post(slug, "registry/outgoing/", {"idempotency_key": uuid.uuid4().hex, "subject": "ประกาศรับสมัครงาน",
                                                  "recipients": [{"name": "ประชาชนทั่วไป"}]})
    assert out.status == 201, out.data
    h = clerk.post(slug, f"handling/entries/{out.data['id']}/own-letter/", {})
    assert h.status == 200 and h.data["state"] == "closed" and h.data["holders"] == [], h.data
    again = clerk.post(slug, f"handling/entries/{out.data['id']}/own-letter/", {})
    assert again.data["id"] == h.data["id"]
    c = clerk.post(slug, f"handling/letters/{h.data['id']}/circulate/", {"audience": "all"})
    assert c.status == 201, c.data
    incoming = clerk.post(slug, "registry/incoming/", {"idempotency_key": uuid.uuid4().hex, "subject": "หนังสือรับ",
                                                       "sender": {"name": "อำเภอ"}})
    bad = clerk.post(slug, f"handling/entries/{incoming.data['id']}/own-letter/", {})
    assert bad.status == 409 and bad.data["error"]["code"] == "not_own_letter"
    assert as_user("a_officer").post(slug, f"handling/entries/{out.data['id']}/own-letter/", {}).status == 403
