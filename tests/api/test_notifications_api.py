"""Notifications API (issue 4 §5): list, unread count, mark read (idempotent; another member's is 404),
mark all read, preferences get/update (bad input 400 in Thai and English), and the overdue list."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from tests.api.conftest import DBS

pytestmark = pytest.mark.django_db(databases=DBS)


def _present(as_user, tenants, first_of) -> dict:  # type: ignore[no-untyped-def]
    from tenants.models import Position

    slug = tenants.a.slug
    admin = as_user("a_agency_admin")
    palad = first_of(Position, tenants.a, title_th__startswith="ปลัด").pk
    chain = admin.post(slug, "handling/chains/", {"name_th": f"สาย {uuid.uuid4().hex[:6]}", "position_ids": [palad]})
    clerk = as_user("a_central_clerk")
    entry = clerk.post(slug, "registry/incoming/", {"idempotency_key": uuid.uuid4().hex, "subject": "ขอข้อมูลด่วน",
                                                    "urgency": "003", "sender": {"name": "อำเภอทดสอบ"}}).data
    h = clerk.post(slug, f"handling/entries/{entry['id']}/start/", {"summary": "สรุป"}).data
    r = clerk.post(slug, f"handling/letters/{h['id']}/present/", {"chain_id": chain.data["id"]})
    assert r.status == 200, r.data
    return r.data


def test_notifications_through_the_api(as_user, tenants, first_of, api):
    slug = tenants.a.slug
    handling = _present(as_user, tenants, first_of)
    head = as_user("a_head")
    count = head.get(slug, "notifications/unread-count/")
    assert count.status == 200 and count.data["unread"] >= 1
    rows = head.get(slug, "notifications/", {"unread": "true"}).data
    mine = [n for n in rows if n["handling_id"] == handling["id"]]
    assert mine and mine[0]["kind"] == "presented" and mine[0]["urgency"] == "003" and mine[0]["count"] == 1
    assert mine[0]["link"] == f"/a/{slug}/handling/letters/{handling['id']}/" and "ขอข้อมูลด่วน" in mine[0]["text"]
    nid = mine[0]["id"]
    r = head.post(slug, f"notifications/{nid}/read/")
    assert r.status == 200 and r.data["read_at"]
    assert head.post(slug, f"notifications/{nid}/read/").data["read_at"] == r.data["read_at"]  # again: unchanged
    assert head.post(slug, "notifications/read-all/").status == 200
    assert head.get(slug, "notifications/unread-count/").data["unread"] == 0
    assert head.post(slug, "notifications/7000000123/read/").status == 404

    officer = as_user("a_officer")
    assert officer.post(slug, f"notifications/{nid}/read/").status == 404  # another member's: like a missing one


def test_preferences_and_bad_input(as_user, tenants, api):
    slug = tenants.a.slug
    officer = as_user("a_officer")
    assert officer.get(slug, "notifications/preferences/").data == {
        "email_enabled": True, "email_urgent_only": False, "email_overdue": True}
    put = api.client.put(f"/api/v1/a/{slug}/notifications/preferences/", json.dumps(
        {"email_enabled": True, "email_urgent_only": True, "email_overdue": False}), content_type="application/json",
        headers={"X-Eoffice-Agency": slug})
    assert put.status_code == 200, put.content
    assert officer.get(slug, "notifications/preferences/").data["email_urgent_only"] is True
    bad = api.client.put(f"/api/v1/a/{slug}/notifications/preferences/", json.dumps({"email_enabled": "บางที"}),
                         content_type="application/json", headers={"X-Eoffice-Agency": slug})
    assert bad.status_code == 400
    err = json.loads(bad.content)["error"]
    assert err["message_th"] and err["message_en"]
    assert officer.get(slug, "notifications/", {"unread": "บางที"}).status == 400


def test_overdue_list(as_user, tenants, first_of, in_tenant):
    from documents.models import Holding

    slug = tenants.a.slug
    handling = _present(as_user, tenants, first_of)
    with in_tenant(tenants.a):
        Holding.objects.filter(handling_id=handling["id"], status="open").update(
            due_on=timezone.localdate() - dt.timedelta(days=2))
    rows = as_user("a_central_clerk").get(slug, "handling/overdue/").data
    (row,) = [r for r in rows if r["handling_id"] == handling["id"]]
    assert row["days_over"] == 2 and row["subject"] == "ขอข้อมูลด่วน" and row["holder_kind"] == "position"
    assert not [r for r in as_user("a_officer").get(slug, "handling/overdue/").data if r["handling_id"] == handling["id"]]
