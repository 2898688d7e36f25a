"""Handling test helpers: the registry's actor_of, a registered incoming letter, a chain and a file category."""

from __future__ import annotations

import datetime as dt

import pytest

from documents.handling import services
from documents.models import Book, BookKind
from documents.registry import services as registry_services
from documents.registry.inputs import IncomingInput, PartyInput
from tenants.models import OrgUnit, Position
from tests.registry.conftest import actor_of, new_key  # noqa: F401  (fixture re-exported)


def register(tenant, clerk, *, purpose: str = "consider", subject: str = "ขอเชิญประชุมเรื่องน้ำท่วม", **kw):  # type: ignore[no-untyped-def]
    return registry_services.register_incoming(
        tenant_id=tenant.pk, actor=clerk, idempotency_key=new_key(),
        data=IncomingInput(subject=subject, purpose=purpose, letter_reference="ที่ นม 0023.3/ว 123",
                           letter_date=dt.date(2026, 11, 20),
                           sender=PartyInput(name="สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา"), **kw),
    )


def note(summary: str = "ขอเชิญประชุมวันที่ 10 ธ.ค.") -> services.NoteInput:
    return services.NoteInput(summary=summary, facts="ตามระเบียบฯ ข้อ 5", recommendation="เห็นควรมอบกองคลัง")


def palad(tenant) -> Position:  # type: ignore[no-untyped-def]
    return Position.objects.get(tenant_id=tenant.pk, title_th__startswith="ปลัด")


def mayor(tenant) -> Position:  # type: ignore[no-untyped-def]
    return Position.objects.get(tenant_id=tenant.pk, title_th__startswith="นายก")


def finance(tenant) -> OrgUnit:  # type: ignore[no-untyped-def]
    return OrgUnit.objects.get(tenant_id=tenant.pk, name_th="กองคลัง")


def office(tenant) -> OrgUnit:  # type: ignore[no-untyped-def]
    return OrgUnit.objects.get(tenant_id=tenant.pk, name_th="สำนักปลัด")


def unit_book(tenant, unit) -> Book:  # type: ignore[no-untyped-def]
    return Book.objects.get(tenant_id=tenant.pk, kind=BookKind.UNIT_INCOMING, unit=unit)


@pytest.fixture
def setup_a(tenants, actor_of):  # type: ignore[no-untyped-def]  # noqa: F811 (the fixture)
    """In tenant A's scope (the caller opens it): a one-step chain (ปลัด) and a file category."""

    def make(*, positions=None):  # type: ignore[no-untyped-def]
        a = tenants.a
        admin = actor_of("a_agency_admin", a)
        chain = services.chain_create(tenant_id=a.pk, actor=admin, name_th="สายเสนอทดสอบ",
                                      position_ids=[p.pk for p in (positions or [palad(a)])], sort_order=0)
        cat = services.file_category_create(tenant_id=a.pk, actor=admin, code=f"99.{chain.pk}", name_th="แฟ้มทดสอบ",
                                            retention_years=10)
        return chain, cat

    return make
