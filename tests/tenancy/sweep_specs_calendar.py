"""Sweep specs for the working-day calendar (docs/calendar.md), web pages and API. See
tests/tenancy/sweep_specs.py.

The agency's own days are tenant data: their ids are probed (B's day answers like a never-used id).
National holidays are global rows written by system administrators only: those routes act as a member
of A whose user is a system administrator, and A's agency administrator (the ``ALL`` member) is the
outsider who must be refused."""

from __future__ import annotations

from eoffice.common.thaidate import thai_date_numeric
from tests.tenancy.sweep_specs import Spec
from tests.tenancy.tenant_world import ALL, World, free_weekday

SYS = "system_admin"  # a member of A whose user is a system administrator
FILL_BE_YEAR = 2699  # the fill routes always fill this far year: the second run adds nothing, still succeeds


def _fresh(model: str) -> object:
    return lambda w: {"holiday_id": w.fresh("a", model).pk}


def _own(w: World) -> dict[str, object]:
    return {"holiday_id": w.id("a", "agencyholiday")}


def _web_day(w: World) -> dict[str, object]:
    return {"date": thai_date_numeric(free_weekday(w, "a")), "kind": "holiday", "name_th": w.name("วันท้องถิ่น"),
            "note": "sweep"}


def _api_day(w: World) -> dict[str, object]:
    return {"date": free_weekday(w, "a").isoformat(), "name_th": w.name("วันท้องถิ่น")}


CALENDAR_SPECS: dict[str, Spec] = {
    # --- web ---------------------------------------------------------------------------------------------
    "calendar GET": Spec(query=lambda w: {"year": "2569"}),
    "calendar POST": Spec(body=_web_day),
    "calendar-holiday-remove": Spec(kwargs=_fresh("agencyholiday"), ids={"path:holiday_id": "agencyholiday"}),
    "calendar-national GET": Spec(user=SYS, outsider=ALL),
    "calendar-national POST": Spec(user=SYS, outsider=ALL, body=lambda w: {
        "date": thai_date_numeric(free_weekday(w, "a")), "kind": "cabinet", "name_th": w.name("วันหยุดพิเศษ")}),
    "calendar-national-fill": Spec(user=SYS, outsider=ALL, body=lambda w: {"fill-be_year": str(FILL_BE_YEAR)}),
    "calendar-national-remove": Spec(user=SYS, outsider=ALL, kwargs=_fresh("nationalholiday")),
    # --- API ---------------------------------------------------------------------------------------------
    "api-calendar": Spec(query=lambda w: {"year": "2026"}),
    "api-calendar-holidays GET": Spec(),
    "api-calendar-holidays POST": Spec(body=_api_day),
    "api-calendar-holiday GET": Spec(kwargs=_own, ids={"path:holiday_id": "agencyholiday"}),
    "api-calendar-holiday DELETE": Spec(kwargs=_fresh("agencyholiday"), ids={"path:holiday_id": "agencyholiday"}),
    "api-calendar-national GET": Spec(),
    "api-calendar-national POST": Spec(user=SYS, outsider=ALL, body=lambda w: {
        "date": free_weekday(w, "a").isoformat(), "kind": "cabinet", "name_th": w.name("วันหยุดพิเศษ")}),
    "api-calendar-national-fill": Spec(user=SYS, outsider=ALL, body=lambda w: {"year": FILL_BE_YEAR - 543}),
    "api-calendar-national-holiday": Spec(user=SYS, outsider=ALL, kwargs=_fresh("nationalholiday")),
}
