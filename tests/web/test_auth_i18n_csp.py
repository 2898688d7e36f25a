"""Sign-in (throttled, audited), the agency chooser, the language switch, and the CSP contract."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tenants.services.audit import digest
from tests.web.conftest import DBS, body, h1_of

pytestmark = pytest.mark.django_db(databases=DBS)
PASSWORD = "test-password-123"


def _system_events(action: str, username: str) -> int:
    from tenants.models import SystemAuditEvent

    return SystemAuditEvent.objects.using("audit_side").filter(
        action=action, changes__username_digest=digest(username)
    ).count()


def test_login_success_goes_to_chooser_and_is_audited(client, tenants):
    before = _system_events("login.success", "multi")
    r = client.post("/accounts/login/", {"username": "multi", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/agencies/"
    assert _system_events("login.success", "multi") == before + 1
    r = client.get("/agencies/")
    assert r.status_code == 200
    html = body(r)
    assert "องค์การบริหารส่วนตำบลเอ" in html and "องค์การบริหารส่วนตำบลบี" in html


def test_single_membership_goes_straight_to_agency(client, tenants):
    client.post("/accounts/login/", {"username": "a_officer", "password": PASSWORD})
    r = client.get("/agencies/")
    assert r.status_code == 302 and r["Location"] == "/a/tenant-a/"


def test_login_failure_audited(client, tenants):
    before = _system_events("login.failure", "a_officer")
    r = client.post("/accounts/login/", {"username": "a_officer", "password": "wrong-password"})
    assert r.status_code == 400
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in body(r)
    assert 'value="a_officer"' in body(r)
    assert _system_events("login.failure", "a_officer") == before + 1


def test_throttle_per_account_and_address(client, tenants):
    ip = {"REMOTE_ADDR": "198.51.100.20"}
    before = _system_events("login.throttled", "a_head")
    for _ in range(5):
        assert client.post("/accounts/login/", {"username": "a_head", "password": "nope-nope"}, **ip).status_code == 400
    # locked now, even with the right password
    r = client.post("/accounts/login/", {"username": "a_head", "password": PASSWORD}, **ip)
    assert r.status_code == 429
    assert "มีการพยายามเข้าสู่ระบบผิดหลายครั้ง" in body(r)
    assert "Too many failed sign-in attempts" in body(r)
    assert _system_events("login.throttled", "a_head") == before + 1
    assert "_auth_user_id" not in client.session
    # a colleague behind the same address still signs in
    r = client.post("/accounts/login/", {"username": "a_officer", "password": PASSWORD}, **ip)
    assert r.status_code == 302
    client.post("/accounts/logout/")
    # the same account from another address is not locked by the per account+address limit
    r = client.post("/accounts/login/", {"username": "a_head", "password": PASSWORD}, REMOTE_ADDR="198.51.100.99")
    assert r.status_code == 302


def test_logout_is_post_only(client, login, tenants):
    login("a_officer")
    assert client.get("/accounts/logout/").status_code == 405
    r = client.post("/accounts/logout/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    assert client.get("/a/tenant-a/").status_code == 302


def test_home_root_and_health(client, login, tenants):
    assert client.get("/")["Location"] == "/accounts/login/"
    r = client.get("/healthz")
    assert r.status_code == 200 and r.content == b"ok"
    login("multi")
    assert client.get("/")["Location"] == "/agencies/"


def test_login_next_is_kept_and_safe(client, tenants):
    r = client.get("/a/tenant-a/org/units/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")
    r = client.post("/accounts/login/", {"username": "a_officer", "password": PASSWORD, "next": "/a/tenant-a/org/units/"})
    assert r["Location"] == "/a/tenant-a/org/units/"
    client.post("/accounts/logout/")
    r = client.post("/accounts/login/", {"username": "a_officer", "password": PASSWORD, "next": "https://evil.example/"})
    assert r["Location"] == "/agencies/"


def test_language_switch_renders_english(client, login, tenants):
    login("a_agency_admin")
    r = client.get("/a/tenant-a/")
    assert '<html lang="th">' in body(r) and "ออกจากระบบ" in body(r)
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/a/tenant-a/"})
    assert r.status_code == 302 and r["Location"] == "/a/tenant-a/"
    r = client.get("/a/tenant-a/org/units/")
    html = body(r)
    assert '<html lang="en">' in html
    assert "Sign out" in html and "Units" in html and "Add a unit" in html
    assert 'aria-label="Main menu"' in html
    client.post("/i18n/setlang/", {"language": "th", "next": "/a/tenant-a/"})
    assert '<html lang="th">' in body(client.get("/a/tenant-a/"))


def test_thai_is_the_default_language(client, tenants):
    html = body(client.get("/accounts/login/"))
    assert '<html lang="th">' in html and "<h1>เข้าสู่ระบบ</h1>" in html


def test_error_page_without_tenant(client, tenants):
    r = client.get("/a/no-such-agency/")
    assert r.status_code == 404
    assert h1_of(r) == "ไม่พบหน่วยงานนี้ในระบบ หรือหน่วยงานถูกระงับการใช้งาน"
    assert '<p class="eo-lead" lang="en">' in body(r)
    assert 'class="usa-skipnav"' in body(r)  # the base layout


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _assert_csp_clean(r) -> None:  # type: ignore[no-untyped-def]
    assert r["Content-Security-Policy"] == settings.EOFFICE_CSP
    assert "script-src 'self'" in r["Content-Security-Policy"]
    html = body(r)
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not STYLE_ATTR.search(html)
    assert not STYLE_TAG.search(html)
    assert not INLINE_HANDLER.search(html)
    assert "https://" not in html.split("<body", 1)[0]  # nothing from a CDN


@pytest.mark.parametrize(("username", "path"), [
    (None, "/accounts/login/"),
    ("multi", "/agencies/"),
    ("a_agency_admin", "/a/tenant-a/"),
    ("a_agency_admin", "/a/tenant-a/org/units/"),
    ("a_agency_admin", "/a/tenant-a/org/positions/"),
    ("a_agency_admin", "/a/tenant-a/members/"),
    ("a_agency_admin", "/a/tenant-a/audit/"),
    ("a_agency_admin", "/a/tenant-a/jobs/"),
    ("a_agency_admin", "/a/tenant-a/tokens/"),
    ("d_auditor", "/a/test-district/supervised/"),
    ("p_provincial_admin", "/a/test-province/agencies/new/"),
    ("a_officer", "/a/tenant-a/members/"),  # the 403 page
])
def test_csp_header_and_no_inline_code(client, login, tenants, username, path):
    if username:
        login(username)
    r = client.get(path)
    assert r.status_code in (200, 403)
    _assert_csp_clean(r)


def test_body_carries_csrf_cookie_name_and_agency(client, login, tenants):
    login("a_officer")
    html = body(client.get("/a/tenant-a/"))
    assert f'data-csrf-cookie="{settings.CSRF_COOKIE_NAME}"' in html
    assert 'data-agency="tenant-a"' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert re.search(r'<nav[^>]+aria-label="เมนูหลัก"', html)


def test_every_input_has_a_label(client, login, tenants):
    login("a_agency_admin")
    for path in ("/a/tenant-a/org/units/", "/a/tenant-a/org/positions/", "/a/tenant-a/members/", "/a/tenant-a/tokens/"):
        html = body(client.get(path))
        ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")(?![^>]*type="submit")[^>]*\sid="([^"]+)"', html)
        assert ids, path
        for i in ids:
            assert f'for="{i}"' in html, (path, i)
