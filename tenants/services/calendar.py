"""The working-day calendar, written (docs/calendar.md): national holidays (system administrators) and
each agency's own days (agency administrators). Every write is audited in the acting agency's chain;
``actor`` None is the bootstrap path (seeders, tests) and is not audited, as in tenants.services.org.

Only the fixed-date public holidays can be filled in by the system (``national_holidays_fill_fixed``):
the lunar days (มาฆบูชา, วิสาขบูชา, อาสาฬหบูชา, เข้าพรรษา), substitution days (วันหยุดชดเชย) and
Cabinet-declared days change every year and are entered by a system administrator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from eoffice.common.exceptions import ApplicationError, PermissionDeniedInTenant
from eoffice.common.thaidate import BE_OFFSET, thai_date
from eoffice.common.thaidate import be_year as be_year_of
from tenants.calendar import is_weekend
from tenants.models import AgencyHoliday, AgencyHolidayKind, NationalHoliday, NationalHolidayKind
from tenants.permissions import Actor
from tenants.roles import Action, Scope
from tenants.services.audit import audit_record

# Years the calendar accepts (Buddhist Era): wide enough for any real use, narrow enough to catch a
# Christian-Era year typed as BE (2026) or a BE year sent where the API wants CE (2569-04-13).
CALENDAR_BE_MIN = 2500
CALENDAR_BE_MAX = 2700

# The fixed-date public holidays (month, day, Thai name, English name).
FIXED_HOLIDAYS: tuple[tuple[int, int, str, str], ...] = (
    (1, 1, "วันขึ้นปีใหม่", "New Year's Day"),
    (4, 6, "วันจักรี", "Chakri Memorial Day"),
    (4, 13, "วันสงกรานต์", "Songkran Festival"),
    (4, 14, "วันสงกรานต์", "Songkran Festival"),
    (4, 15, "วันสงกรานต์", "Songkran Festival"),
    (5, 1, "วันแรงงานแห่งชาติ", "National Labour Day"),
    (5, 4, "วันฉัตรมงคล", "Coronation Day"),
    (6, 3, "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี", "H.M. the Queen's Birthday"),
    (7, 28, "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว", "H.M. the King's Birthday"),
    (8, 12, "วันแม่แห่งชาติ", "Mother's Day"),
    (10, 13, "วันนวมินทรมหาราช", "King Bhumibol Memorial Day"),
    (10, 23, "วันปิยมหาราช", "Chulalongkorn Day"),
    (12, 5, "วันพ่อแห่งชาติ", "Father's Day"),
    (12, 10, "วันรัฐธรรมนูญ", "Constitution Day"),
    (12, 31, "วันสิ้นปี", "New Year's Eve"),
)


def _en_date(d: dt.date) -> str:
    return f"{d.day} {d:%B} {d.year}"


def check_be_year(year: int, *, field: str = "year") -> int:
    """A Buddhist-Era year the calendar accepts, or a clear error (a CE year typed by mistake says so)."""
    if CALENDAR_BE_MIN <= year <= CALENDAR_BE_MAX:
        return year
    if CALENDAR_BE_MIN <= year + BE_OFFSET <= CALENDAR_BE_MAX:
        raise ApplicationError(
            f"ปี {year} ดูเหมือนเป็นปี ค.ศ. กรุณากรอกปี พ.ศ. เช่น {year + BE_OFFSET}",
            f"{year} looks like a Christian-Era year; type the Buddhist-Era year, e.g. {year + BE_OFFSET}.",
            field=field,
        )
    raise ApplicationError(
        f"ปี พ.ศ. ต้องอยู่ระหว่าง {CALENDAR_BE_MIN} ถึง {CALENDAR_BE_MAX}",
        f"The Buddhist-Era year must be between {CALENDAR_BE_MIN} and {CALENDAR_BE_MAX}.",
        field=field,
    )


def check_date(d: dt.date, *, field: str = "date") -> dt.date:
    """A date whose year is plausible. Dates arrive as CE (forms convert the typed BE year; the API
    takes ISO CE): a BE year sent as CE (``2569-04-13``) is caught and explained."""
    be = be_year_of(d)
    if CALENDAR_BE_MIN <= be <= CALENDAR_BE_MAX:
        return d
    if CALENDAR_BE_MIN <= d.year <= CALENDAR_BE_MAX:
        raise ApplicationError(
            f"ปีของวันที่ ({d.year}) ดูเหมือนเป็นปี พ.ศ. แต่ API ใช้ปี ค.ศ. เช่น {d.year - BE_OFFSET}-{d:%m-%d}",
            f"The year {d.year} looks like a Buddhist-Era year; the API takes Christian-Era ISO dates, "
            f"e.g. {d.year - BE_OFFSET}-{d:%m-%d}.",
            field=field,
        )
    raise ApplicationError(
        f"วันที่ต้องอยู่ในปี พ.ศ. {CALENDAR_BE_MIN} ถึง {CALENDAR_BE_MAX}",
        f"The date must fall in Buddhist-Era years {CALENDAR_BE_MIN} to {CALENDAR_BE_MAX}.",
        field=field,
    )


def _name(name_th: str, *, field: str = "name_th") -> str:
    name = (name_th or "").strip()
    if not name:
        raise ApplicationError("กรุณากรอกชื่อวันหยุด", "The day needs a name.", field=field)
    if len(name) > 255:
        raise ApplicationError("ชื่อวันหยุดยาวเกิน 255 ตัวอักษร", "The name is longer than 255 characters.", field=field)
    return name


def _require_manage(actor: Actor | None) -> None:
    if actor is not None and not actor.can(Action.CALENDAR_MANAGE):
        raise PermissionDeniedInTenant()


def _require_national(actor: Actor | None) -> None:
    """National holidays apply to every agency: system scope only (system administrators)."""
    if actor is not None and actor.widest_scope(Action.CALENDAR_MANAGE) != Scope.SYSTEM:
        raise PermissionDeniedInTenant()


def _audit(actor: Actor | None, action: str, object_type: str, object_id: int, changes: dict) -> None:
    if actor is not None:
        audit_record(tenant_id=actor.agency_id, actor_id=actor.user_id, action=action, object_type=object_type,
                     object_id=object_id, changes=changes, acting_for=actor.acting_for)


# --- national holidays (system administrators) -------------------------------------------------------------
def national_holiday_add(
    *, actor: Actor | None, date: dt.date, name_th: str, name_en: str = "", kind: str = NationalHolidayKind.PUBLIC,
) -> NationalHoliday:
    _require_national(actor)
    check_date(date)
    name = _name(name_th)
    if kind not in NationalHolidayKind.values:
        raise ApplicationError("ประเภทวันหยุดไม่ถูกต้อง", "Unknown kind of holiday.", field="kind")
    with transaction.atomic():
        try:
            with transaction.atomic():
                h = NationalHoliday.objects.create(
                    date=date, name_th=name, name_en=(name_en or "").strip()[:255], kind=kind,
                    created_by_id=actor.user_id if actor else None,
                )
        except IntegrityError as exc:
            raise ApplicationError(
                f"มีวันหยุดราชการวันที่ {thai_date(date)} อยู่แล้ว",
                f"There is already a national holiday on {_en_date(date)}.", field="date", code="duplicate",
            ) from exc
        _audit(actor, "calendar.national.add", "national_holiday", h.pk, {"date": date.isoformat(), "kind": kind})
    return h


def national_holiday_remove(*, actor: Actor | None, holiday: NationalHoliday) -> None:
    _require_national(actor)
    with transaction.atomic():
        pk, date = holiday.pk, holiday.date
        holiday.delete()
        _audit(actor, "calendar.national.remove", "national_holiday", pk, {"date": date.isoformat()})


@dataclass(frozen=True)
class FillResult:
    created: list[NationalHoliday]
    skipped: list[dt.date]  # dates that already had a national holiday (kept as they were)


def national_holidays_fill_fixed(*, actor: Actor | None, be_year: int) -> FillResult:
    """Add the fixed-date public holidays of a Buddhist-Era year; dates already listed are kept."""
    _require_national(actor)
    year = check_be_year(be_year) - BE_OFFSET
    created: list[NationalHoliday] = []
    skipped: list[dt.date] = []
    with transaction.atomic():
        existing = set(
            NationalHoliday.objects.filter(date__year=year).values_list("date", flat=True)
        )
        for month, day, name_th, name_en in FIXED_HOLIDAYS:
            d = dt.date(year, month, day)
            if d in existing:
                skipped.append(d)
                continue
            created.append(NationalHoliday.objects.create(
                date=d, name_th=name_th, name_en=name_en, kind=NationalHolidayKind.PUBLIC,
                created_by_id=actor.user_id if actor else None,
            ))
        _audit(actor, "calendar.national.fill", "national_holiday", "", {
            "be_year": be_year, "created": len(created), "skipped": len(skipped)})
    return FillResult(created, skipped)


# --- an agency's own days (agency administrators) ------------------------------------------------------------
def agency_holiday_add(
    *, tenant_id: int, actor: Actor | None, date: dt.date, name_th: str, kind: str = AgencyHolidayKind.HOLIDAY,
    note: str = "",
) -> AgencyHoliday:
    """An extra day off for this agency, or (``kind="working"``) a holiday or weekend it works."""
    _require_manage(actor)
    check_date(date)
    name = _name(name_th)
    if kind not in AgencyHolidayKind.values:
        raise ApplicationError("ประเภทวันไม่ถูกต้อง", "Unknown kind of day.", field="kind")
    note = (note or "").strip()
    if len(note) > 500:
        raise ApplicationError("หมายเหตุยาวเกิน 500 ตัวอักษร", "The note is longer than 500 characters.", field="note")
    national = NationalHoliday.objects.filter(date=date).first()
    th, en = thai_date(date), _en_date(date)
    if kind == AgencyHolidayKind.HOLIDAY and national is not None:
        raise ApplicationError(
            f"วันที่ {th} เป็นวันหยุดราชการ ({national.name_th}) อยู่แล้ว",
            f"{en} is already a national holiday ({national.name_en or national.name_th}).", field="date",
        )
    if kind == AgencyHolidayKind.HOLIDAY and is_weekend(date):
        raise ApplicationError(
            f"วันที่ {th} เป็นวันเสาร์หรือวันอาทิตย์ ซึ่งเป็นวันหยุดอยู่แล้ว",
            f"{en} is a Saturday or Sunday, already a day off.", field="date",
        )
    if kind == AgencyHolidayKind.WORKING and national is None and not is_weekend(date):
        raise ApplicationError(
            f"วันที่ {th} เป็นวันทำการอยู่แล้ว (เปิดทำการในวันหยุดได้เฉพาะวันหยุดราชการหรือวันเสาร์-อาทิตย์)",
            f"{en} is already a working day (only a holiday or a weekend day can be made a working day).",
            field="date",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                h = AgencyHoliday.objects.create(
                    tenant_id=tenant_id, date=date, kind=kind, name_th=name, note=note,
                    created_by_id=actor.user_id if actor else None,
                )
        except IntegrityError as exc:
            raise ApplicationError(
                f"หน่วยงานมีรายการของวันที่ {th} อยู่แล้ว (ลบรายการเดิมก่อน หากต้องการเปลี่ยน)",
                f"This agency already has an entry for {en} (remove it first to change it).",
                field="date", code="duplicate",
            ) from exc
        audit_record(tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="calendar.agency.add",
                     object_type="agency_holiday", object_id=h.pk, changes={"date": date.isoformat(), "kind": kind},
                     acting_for=actor.acting_for if actor else "")
    return h


def agency_holiday_remove(*, tenant_id: int, actor: Actor | None, holiday: AgencyHoliday) -> None:
    _require_manage(actor)
    if holiday.tenant_id != tenant_id:
        raise ApplicationError("ไม่พบรายการที่อ้างถึง", "Referenced item not found.")
    with transaction.atomic():
        pk, date = holiday.pk, holiday.date
        AgencyHoliday.objects.filter(tenant_id=tenant_id, pk=pk).delete()
        audit_record(tenant_id=tenant_id, actor_id=actor.user_id if actor else None, action="calendar.agency.remove",
                     object_type="agency_holiday", object_id=pk, changes={"date": date.isoformat()},
                     acting_for=actor.acting_for if actor else "")
