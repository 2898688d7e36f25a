"""Internal memos (issue 4 §3): a unit sends a บันทึกข้อความ in-system, numbered from its own memo book;
the receiving unit's clerk registers it in the unit's book (linked to the memo's ที่), assigns, acts,
closes; a return goes back to the sending unit; who may send is checked."""

from __future__ import annotations

import pytest

from documents.handling import memos, selectors, services
from documents.handling.errors import HandlingError, NotAllowed
from documents.models import (
    BookKind,
    Channel,
    EntryStatus,
    EventKind,
    HandlingEvent,
    HandlingState,
    HolderKind,
    Holding,
    HoldingPurpose,
    HoldingStatus,
    RegistryEntry,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import Membership
from tests.handling.conftest import finance, office, palad, unit_book
from tests.registry.conftest import new_key

pytestmark = pytest.mark.django_db


def _memo(tenant, **kw) -> memos.MemoInput:  # type: ignore[no-untyped-def]
    fields = {"from_unit_id": office(tenant).pk, "subject": "ขอเชิญประชุมประจำเดือน",
              "body": "ด้วยสำนักปลัดจะจัดประชุมประจำเดือน จึงขอเชิญเข้าร่วม", "unit_ids": [finance(tenant).pk],
              "salutation": "เรียน ผู้อำนวยการกองคลัง"}
    fields.update(kw)
    return memos.MemoInput(**fields)


def test_a_memo_goes_from_a_unit_to_another_and_through_its_book(tenants, actor_of):
    a = tenants.a
    clerk, unit_clerk, officer = actor_of("a_central_clerk", a), actor_of("a_unit_clerk", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        handling = memos.memo_send(tenant_id=a.pk, actor=clerk, memo=_memo(a), idempotency_key=new_key())
        entry = handling.entry
        assert entry.book.kind == BookKind.UNIT_OUTGOING and entry.book.unit_id == office(a).pk
        assert entry.status == EntryStatus.DISPATCHED and entry.channel == Channel.IN_SYSTEM
        assert entry.letter.kind == "internal" and entry.letter.extra["salutation"] == "เรียน ผู้อำนวยการกองคลัง"
        assert handling.state == HandlingState.DISTRIBUTED
        sent = HandlingEvent.objects.get(handling=handling, kind=EventKind.SENT)
        assert sent.text.startswith("ด้วยสำนักปลัด") and sent.details["to"] == ["กองคลัง"]

        (held,) = [h for h in selectors.inbox(unit_clerk, tenant_id=a.pk,
                                              filters=selectors.InboxFilters(sort="-received"))
                   if h.handling_id == handling.pk]
        assert held.holder_kind == HolderKind.UNIT and held.purpose == HoldingPurpose.DISTRIBUTE
        services.unit_register(tenant_id=a.pk, actor=unit_clerk, holding_id=held.pk)
        held.refresh_from_db()
        unit_entry = RegistryEntry.objects.get(pk=held.unit_entry_id)
        assert unit_entry.book_id == unit_book(a, finance(a)).pk and unit_entry.parent_id == entry.pk
        member = Membership.objects.get(tenant_id=a.pk, user__username="a_officer")
        (task,) = services.assign(tenant_id=a.pk, actor=unit_clerk, holding_id=held.pk, membership_ids=[member.pk])
        services.act(tenant_id=a.pk, actor=officer, holding_id=task.pk, text="แจ้งเข้าร่วมประชุมแล้ว")
        cat = services.file_category_create(tenant_id=a.pk, actor=actor_of("a_agency_admin", a),
                                            code=f"98.{handling.pk}", name_th="แฟ้มบันทึก", retention_years=1)
        services.close(tenant_id=a.pk, actor=officer, holding_id=task.pk, file_category_id=cat.pk)
        handling.refresh_from_db()
        assert handling.state == HandlingState.CLOSED
        kinds = list(selectors.timeline(tenant_id=a.pk, handling=handling).values_list("kind", flat=True))
        assert kinds == ["sent", "unit_registered", "assigned", "acted", "closed"]


def test_sending_twice_with_one_key_makes_one_memo(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    key = new_key()
    with tenant_scope(a.pk):
        first = memos.memo_send(tenant_id=a.pk, actor=clerk, memo=_memo(a), idempotency_key=key)
        again = memos.memo_send(tenant_id=a.pk, actor=clerk, memo=_memo(a), idempotency_key=key)
        assert again.pk == first.pk
        assert Holding.objects.filter(handling=first).count() == 1


def test_a_unit_returns_a_memo_to_its_sender(tenants, actor_of):
    a = tenants.a
    unit_clerk = actor_of("a_unit_clerk", a)  # กองคลัง
    head = actor_of("a_head", a)  # สำนักปลัด (head role)
    with tenant_scope(a.pk):
        handling = memos.memo_send(tenant_id=a.pk, actor=head, memo=_memo(a), idempotency_key=new_key())
        (held,) = Holding.objects.filter(handling=handling)
        back = services.return_holding(tenant_id=a.pk, actor=unit_clerk, holding_id=held.pk, reason="ไม่ใช่เรื่องของกองคลัง")
        assert back.holder_kind == HolderKind.UNIT and back.unit_id == office(a).pk
        assert back.purpose == HoldingPurpose.INFORM and back.passed_note == "ไม่ใช่เรื่องของกองคลัง"
        services.acknowledge(tenant_id=a.pk, actor=head, holding_id=back.pk)
        handling.refresh_from_db()
        assert handling.state == HandlingState.CLOSED
        assert not Holding.objects.filter(handling=handling, status=HoldingStatus.OPEN).exists()


def test_a_memo_to_a_position_reaches_its_holder(tenants, actor_of):
    a = tenants.a
    unit_clerk, head = actor_of("a_unit_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        handling = memos.memo_send(tenant_id=a.pk, actor=unit_clerk, idempotency_key=new_key(),
                                   memo=_memo(a, from_unit_id=finance(a).pk, unit_ids=[], position_ids=[palad(a).pk],
                                              salutation="เรียน ปลัด"))
        assert handling.entry.book.unit_id == finance(a).pk  # the sending unit's own numbers
        mine = [h for h in selectors.inbox(head, tenant_id=a.pk, filters=selectors.InboxFilters(sort="-received"))
                if h.handling_id == handling.pk]
        assert [h.position_id for h in mine] == [palad(a).pk]


def test_who_may_send_and_what_is_refused(tenants, actor_of):
    a = tenants.a
    unit_clerk, officer = actor_of("a_unit_clerk", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        with pytest.raises(NotAllowed) as e:  # a unit clerk of กองคลัง can't send in สำนักปลัด's name
            memos.memo_send(tenant_id=a.pk, actor=unit_clerk, memo=_memo(a), idempotency_key=new_key())
        assert "หน่วยงานของท่าน" in e.value.message_th
        with pytest.raises(NotAllowed):  # an officer holds no unit desk
            memos.memo_send(tenant_id=a.pk, actor=officer, memo=_memo(a, from_unit_id=finance(a).pk,
                                                                      unit_ids=[office(a).pk]), idempotency_key=new_key())
        for bad, field in (({"unit_ids": []}, "unit_ids"), ({"subject": " "}, "subject"), ({"body": ""}, "body"),
                           ({"unit_ids": [office(a).pk]}, "unit_ids")):
            with pytest.raises(HandlingError) as e:
                memos.memo_send(tenant_id=a.pk, actor=actor_of("a_central_clerk", a), memo=_memo(a, **bad),
                                idempotency_key=new_key())
            assert e.value.field == field
        with tenant_scope(tenants.b.pk):
            foreign = finance(tenants.b).pk
        with pytest.raises(NotFoundInTenant):
            memos.memo_send(tenant_id=a.pk, actor=actor_of("a_central_clerk", a), memo=_memo(a, from_unit_id=foreign),
                            idempotency_key=new_key())
