"""The second wall holds alone: replace a view's scoped query with an UNSCOPED one and RLS still
shows only the request's tenant.

``tenants.selectors.org_units_list`` / ``org_unit_get`` are patched to use
``OrgUnit.objects.dangerously_unscoped()`` with no tenant filter. The control proves the patched
query really is unscoped (under a two-tenant read scope it returns B's unit). Checked by hand: with
``ALTER TABLE tenants_orgunit DISABLE ROW LEVEL SECURITY`` (as owner) both page tests fail (B's
unit appears, B's id answers 200).
"""

from __future__ import annotations

import pytest

from eoffice.common.exceptions import NotFoundInTenant
from tenants import selectors
from tenants.context import dangerously_read_all_tenants
from tenants.models import OrgUnit
from tests.tenancy.conftest import make_client

pytestmark = pytest.mark.usefixtures("committed")


def _unscoped_list(*, tenant_id: int):  # type: ignore[no-untyped-def]
    return OrgUnit.objects.dangerously_unscoped().select_related("parent").order_by("sort_order", "name_th")


def _unscoped_get(*, tenant_id: int, unit_id: int) -> OrgUnit:
    unit = OrgUnit.objects.dangerously_unscoped().filter(pk=unit_id).first()
    if unit is None:
        raise NotFoundInTenant()
    return unit


@pytest.fixture
def unscoped(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "org_units_list", _unscoped_list)
    monkeypatch.setattr(selectors, "org_unit_get", _unscoped_get)


def test_control_the_patched_query_is_really_unscoped(world, unscoped):
    with dangerously_read_all_tenants([world.a.id, world.b.id]):
        tenants_seen = {u.tenant_id for u in selectors.org_units_list(tenant_id=world.a.id)}
        assert selectors.org_unit_get(tenant_id=world.a.id, unit_id=world.id("b", "orgunit")).tenant_id == world.b.id
    assert tenants_seen >= {world.a.id, world.b.id}


def test_list_page_shows_only_a_with_an_unscoped_query(world, unscoped):
    unit_a, unit_b = world.obj("a", "orgunit"), world.obj("b", "orgunit")
    c = make_client(world.user("a"))
    resp = c.get(f"/a/{world.a.slug}/org/units/")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert unit_a.name_th in text
    assert unit_b.name_th not in text


def test_detail_page_with_bs_id_is_not_found_with_an_unscoped_query(world, unscoped):
    c = make_client(world.user("a"))
    own = c.get(f"/a/{world.a.slug}/org/units/{world.id('a', 'orgunit')}/")
    foreign = c.get(f"/a/{world.a.slug}/org/units/{world.id('b', 'orgunit')}/")
    random_ = c.get(f"/a/{world.a.slug}/org/units/{world.random('orgunit')}/")
    assert own.status_code == 200
    assert foreign.status_code == random_.status_code == 404
    assert world.obj("b", "orgunit").name_th not in foreign.content.decode()


# --- the calendar's agency days (tenants.selectors_calendar) ----------------------------------------------
def _unscoped_days(*, tenant_id: int, start, end):  # type: ignore[no-untyped-def]
    from tenants.models import AgencyHoliday

    return AgencyHoliday.objects.dangerously_unscoped().order_by("date")


def _unscoped_day_get(*, tenant_id: int, holiday_id: int):  # type: ignore[no-untyped-def]
    from tenants.models import AgencyHoliday

    h = AgencyHoliday.objects.dangerously_unscoped().filter(pk=holiday_id).first()
    if h is None:
        raise NotFoundInTenant()
    return h


@pytest.fixture
def unscoped_days(monkeypatch):  # type: ignore[no-untyped-def]
    from tenants import selectors_calendar

    monkeypatch.setattr(selectors_calendar, "agency_holidays_in", _unscoped_days)
    monkeypatch.setattr(selectors_calendar, "agency_holiday_get", _unscoped_day_get)


def test_calendar_control_the_patched_query_is_really_unscoped(world, unscoped_days):
    from tenants import selectors_calendar

    day_b = world.obj("b", "agencyholiday")
    with dangerously_read_all_tenants([world.a.id, world.b.id]):
        seen = {h.tenant_id for h in selectors_calendar.agency_holidays_in(tenant_id=world.a.id, start=None, end=None)}
        got = selectors_calendar.agency_holiday_get(tenant_id=world.a.id, holiday_id=day_b.pk)
    assert seen >= {world.a.id, world.b.id} and got.tenant_id == world.b.id


def test_calendar_shows_only_a_and_bs_day_is_not_found_with_an_unscoped_query(world, unscoped_days):
    from eoffice.common.thaidate import be_year

    day_a, day_b = world.obj("a", "agencyholiday"), world.obj("b", "agencyholiday")
    c = make_client(world.user("a"))
    page = c.get(f"/a/{world.a.slug}/calendar/?year={be_year(day_b.date)}")
    assert page.status_code == 200
    assert day_b.name_th not in page.content.decode()
    page = c.get(f"/a/{world.a.slug}/calendar/?year={be_year(day_a.date)}")
    assert day_a.name_th in page.content.decode()
    api = c.get(f"/api/v1/a/{world.a.slug}/calendar/holidays/{day_b.pk}/")
    random_ = c.get(f"/api/v1/a/{world.a.slug}/calendar/holidays/{world.random('agencyholiday')}/")
    assert api.status_code == random_.status_code == 404
    assert day_b.name_th not in api.content.decode()
