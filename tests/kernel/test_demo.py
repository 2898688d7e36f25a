"""``manage.py load_demo``: the Korat demo loads through the services as the app role, every role has
its login and resolves, supervision gives the auditor its reach, and a second run is a no-op.

Runs in an ordinary (rolled-back) test: the command nests its own atomics and tenant scopes inside
the test's transaction, so nothing is left behind for other tests' sweeps.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tenants import selectors
from tenants.context import tenant_scope
from tenants.demo import korat
from tenants.models import (
    Agency,
    AuditEvent,
    Membership,
    OrgUnit,
    Position,
    PositionAssignment,
    Supervision,
    User,
)
from tenants.roles import Action, Role

DISTRICTS = ["เมืองนครราชสีมา", "เสิงสาง", "คง", "บ้านเหลื่อม", "โชคชัย", "ขามสะแกแสง", "ประทาย", "ปากช่อง", "วังน้ำเขียว"]

EXPECTED_ROLES = {
    ("demo.clerk", "pakchong-town"): {Role.CENTRAL_CLERK},
    ("demo.unitclerk", "pakchong-town"): {Role.UNIT_CLERK},
    ("demo.officer", "pakchong-town"): {Role.OFFICER},
    ("demo.head", "pakchong-town"): {Role.HEAD},
    ("demo.secret", "pakchong-town"): {Role.SECRET_REGISTRAR},
    ("demo.admin", "pakchong-town"): {Role.AGENCY_ADMIN},
    ("demo.acting", "pakchong-town"): {Role.OFFICER},
    ("demo.auditor", "amphoe-pakchong"): {Role.AUDITOR},
    ("demo.province", "korat-province"): {Role.PROVINCIAL_ADMIN},
    ("demo.sysadmin", "korat-province"): {Role.SYSTEM_ADMIN},
    ("demo.multi", "pakchong-town"): {Role.OFFICER},
    ("demo.multi", "sao-nongsarai"): {Role.CENTRAL_CLERK},
}


def _actor(username: str, slug: str):  # type: ignore[no-untyped-def]
    agency = Agency.objects.get(slug=slug)
    user = User.objects.get(username=username)
    with tenant_scope(agency.pk, user_id=user.pk):
        membership = selectors.membership_for(tenant_id=agency.pk, user_id=user.pk)
        assert membership is not None, (username, slug)
        return selectors.actor_build(agency=agency, membership=membership, user=user)


def _snapshot() -> dict[str, int]:
    ids = list(Agency.objects.filter(slug__in=[a["slug"] for a in korat.AGENCIES]).values_list("id", flat=True))
    with tenant_scope(ids[0], readable=ids):
        return {
            "agencies": len(ids),
            "supervision": Supervision.objects.filter(supervised_id__in=ids).count(),
            "users": User.objects.filter(username__startswith="demo.").count(),
            "units": OrgUnit.objects.count(),
            "positions": Position.objects.count(),
            "memberships": Membership.objects.count(),
            "assignments": PositionAssignment.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


@pytest.mark.django_db
def test_load_demo_builds_korat_and_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.delenv(korat.PASSWORD_ENV, raising=False)
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cur.fetchone() == (False, False), "the demo must load as the app role"

    logins = tmp_path / "demo-logins.txt"
    preloaded = Agency.objects.filter(slug="pakchong-town").exists()  # a dev database may hold it committed
    out = StringIO()
    call_command("load_demo", logins_file=str(logins), stdout=out)
    assert ("nothing changed" if preloaded else "Korat demo data loaded") in out.getvalue()

    # Geography: the province, the อบจ., the เทศบาลนคร/เมือง and the nine district offices.
    province = Agency.objects.get(slug="korat-province")
    assert (province.kind, province.letter_code, province.letter_number) == ("provincial_office", "นม", "0017")
    assert Agency.objects.get(slug="korat-pao").kind == "pao"
    assert Agency.objects.get(slug="korat-city").kind == "city_municipality"
    assert Agency.objects.filter(kind="town_municipality").filter(slug__in=["sikhio-town", "buayai-town"]).exists()
    districts = Agency.objects.filter(kind="district_office", slug__startswith="amphoe-")
    assert sorted(d.district for d in districts) == sorted(DISTRICTS)
    assert {d.name_th for d in districts} == {f"ที่ว่าการอำเภอ{d}" for d in DISTRICTS}
    numbers = [a["letter_number"] for a in korat.AGENCIES]
    assert len(numbers) == len(set(numbers)), "letter numbers are unique"

    # Supervision is data: the province supervises the อำเภอ, อบจ. and เทศบาลเมือง/นคร; the อำเภอ its อบต./ทต.
    supervised_by_province = set(selectors.agencies_supervised(agency_id=province.pk).values_list("slug", flat=True))
    assert {"korat-pao", "korat-city", "pakchong-town", "amphoe-pakchong"} <= supervised_by_province
    assert {d.slug for d in districts} <= supervised_by_province
    amphoe = Agency.objects.get(slug="amphoe-pakchong")
    local = set(selectors.agencies_supervised(agency_id=amphoe.pk).values_list("slug", flat=True))
    assert local == {"tb-klangdong", "sao-nongsarai", "sao-khanongphra"}
    wang = Agency.objects.get(slug="amphoe-wangnamkhiao")
    assert "sao-thaisamakkhi" in set(selectors.agencies_supervised(agency_id=wang.pk).values_list("slug", flat=True))

    # เทศบาลเมืองปากช่อง: units with ฝ่าย under สำนักปลัดเทศบาล, positions with title/line/level apart.
    town = Agency.objects.get(slug="pakchong-town")
    assert (town.name_th, town.kind) == ("เทศบาลเมืองปากช่อง", "town_municipality")
    with tenant_scope(town.pk):
        units = {u.name_th: u for u in OrgUnit.objects.filter(tenant_id=town.pk)}
        assert {"สำนักปลัดเทศบาล", "กองคลัง", "กองช่าง", "กองการศึกษา"} <= set(units)
        assert units["ฝ่ายบริหารงานทั่วไป"].parent == units["สำนักปลัดเทศบาล"]
        assert units["กองช่าง"].unit_number == "52101.3"
        director = Position.objects.get(tenant_id=town.pk, title_th="ผู้อำนวยการกองช่าง")
        assert (director.line_position, director.level) == ("นักบริหารงานช่าง", "ระดับต้น")
        palad = Position.objects.get(tenant_id=town.pk, title_th="ปลัดเทศบาลเมืองปากช่อง")
        assert (palad.line_position, palad.level) == ("นักบริหารงานท้องถิ่น", "ระดับกลาง")
        mayor = Position.objects.get(tenant_id=town.pk, title_th="นายกเทศมนตรีเมืองปากช่อง")
        assert mayor.is_elected
        term = PositionAssignment.objects.get(tenant_id=town.pk, position=mayor)
        assert term.kind == "elected_term" and term.starts_on < term.ends_on
        acting = PositionAssignment.objects.get(tenant_id=town.pk, position=director)
        assert acting.kind == "acting" and acting.membership.user.username == "demo.acting"
        # Every write went through the services: audited in the agency's own chain.
        assert AuditEvent.objects.filter(tenant_id=town.pk, action="position.assign").exists()

    # Each role has its login, and the roles resolve (head through the ปลัดเทศบาล position's grant).
    for (username, slug), roles in EXPECTED_ROLES.items():
        user = User.objects.get(username=username)
        assert user.has_usable_password(), username
        assert user.first_name_th and user.last_name_th
        actor = _actor(username, slug)
        assert set(actor.roles) == roles, (username, slug, actor.roles)
    assert User.objects.get(username="demo.clerk").check_password(korat.PASSWORD_DEFAULT)  # one Argon2 check
    assert not User.objects.get(username="pakchong.mayor").has_usable_password()
    assert User.objects.get(username="demo.sysadmin").is_system_admin
    assert _actor("demo.head", "pakchong-town").can(Action.ENDORSE)
    assert _actor("demo.acting", "pakchong-town").acting_for == "รักษาราชการแทน ผู้อำนวยการกองช่าง"

    # The auditor reads its อำเภอ and the agencies it supervises, nothing else.
    auditor = _actor("demo.auditor", "amphoe-pakchong")
    reach = set(Agency.objects.filter(pk__in=auditor.reach).values_list("slug", flat=True))
    assert reach == {"amphoe-pakchong", "tb-klangdong", "sao-nongsarai", "sao-khanongphra"}
    nongsarai = Agency.objects.get(slug="sao-nongsarai")
    assert auditor.can(Action.AUDIT_VIEW, target_agency_id=nongsarai.pk)
    assert not auditor.can(Action.AUDIT_VIEW, target_agency_id=town.pk)
    provincial = _actor("demo.province", "korat-province")
    assert provincial.can(Action.AGENCY_SUPPORT, target_agency_id=town.pk)

    # The logins file: one line per login and agency, with the URL path.
    text = logins.read_text(encoding="utf-8")
    for username, slug in EXPECTED_ROLES:
        assert any(username in line and f"/a/{slug}/" in line for line in text.splitlines()), (username, slug)

    # A second run changes nothing and says so.
    before = _snapshot()
    out = StringIO()
    call_command("load_demo", logins_file=str(logins), stdout=out)
    assert "nothing changed" in out.getvalue()
    assert _snapshot() == before
    assert logins.read_text(encoding="utf-8") == text


@pytest.mark.django_db
def test_load_demo_refuses_the_owner_role(tmp_path, monkeypatch):
    """Pretend the connected role is the owner: the command refuses before writing anything."""
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        me = cur.fetchone()[0]
    monkeypatch.setitem(settings.DATABASES["owner"], "USER", me)
    with pytest.raises(CommandError, match="app role"):
        call_command("load_demo", logins_file=str(tmp_path / "x.txt"), stdout=StringIO())
    assert not (tmp_path / "x.txt").exists()


def test_demo_data_is_consistent():
    """Cheap checks on the data module itself (no database writes)."""
    slugs = [a["slug"] for a in korat.AGENCIES]
    assert len(slugs) == len(set(slugs))
    assert all(a["supervisor"] in (None, *slugs) for a in korat.AGENCIES)
    usernames = [p["username"] for p in korat.PEOPLE]
    assert len(usernames) == len(set(usernames))
    for person in korat.PEOPLE:
        for m in person["memberships"]:
            assert m["agency"] in slugs
            for role in m["roles"]:
                assert role in Role.values
            for a in m["positions"]:
                dt.date.fromisoformat(a["starts_on"])
