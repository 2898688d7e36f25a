"""Handling services (issue 4 §1): the whole path register -> note -> present -> endorse -> order ->
distribute -> unit registers -> assign -> act -> close, returns and forwards, bulk ทราบ, and every
invalid transition refused with a Thai + English message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from documents.handling import selectors, services
from documents.handling.errors import HandlingError, NotAllowed, WrongState
from documents.models import (
    EntryStatus,
    EventKind,
    Handling,
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
from tenants.models import AuditEvent, Membership, NationalHoliday
from tenants.services import org
from tests.handling.conftest import finance, mayor, note, office, palad, register, unit_book

pytestmark = pytest.mark.django_db


def _inbox(actor, tenant):  # type: ignore[no-untyped-def]
    """The actor's inbox, newest first (committed rows from other suites may fill the first 100 by urgency)."""
    return selectors.inbox(actor, tenant_id=tenant.pk, filters=selectors.InboxFilters(sort="-received"))


def _member(tenant, username: str) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(tenant_id=tenant.pk, user__username=username)


def test_the_whole_path_from_note_to_close(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    unit_clerk, officer = actor_of("a_unit_clerk", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        chain, cat = setup_a()
        entry = register(a, clerk)
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())
        assert handling.state == HandlingState.NOTED
        assert [h.holder_kind for h in _inbox(clerk, a) if h.handling_id == handling.pk] == ["desk"]

        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        assert step.holder_kind == HolderKind.POSITION and step.position_id == palad(a).pk
        mine = [h for h in _inbox(head, a) if h.handling_id == handling.pk]
        assert [h.pk for h in mine] == [step.pk]
        assert mine[0].passed_by_id == clerk.user_id and mine[0].passed_note.startswith("ขอเชิญประชุม")
        assert not [h for h in _inbox(clerk, a) if h.handling_id == handling.pk]

        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ", text="กองคลังดำเนินการ",
                         order_units=[finance(a).pk])
        handling.refresh_from_db()
        assert handling.state == HandlingState.ORDERED and handling.ordered_units == [finance(a).pk]
        endorsed = HandlingEvent.objects.get(handling=handling, kind=EventKind.ENDORSED)
        assert endorsed.actor_name == head.display_name and endorsed.actor_position == palad(a).title_th
        assert endorsed.authority_line == "" and endorsed.details["to"] == ["กองคลัง"]

        (unit_holding,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk)
        assert unit_holding.unit_id == finance(a).pk
        assert [h.pk for h in _inbox(unit_clerk, a) if h.handling_id == handling.pk] == [unit_holding.pk]
        # an officer of the unit doesn't hold the unit's letters until assigned
        assert not [h for h in _inbox(officer, a) if h.handling_id == handling.pk]

        services.unit_register(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk, idempotency_key=None)
        unit_holding.refresh_from_db()
        unit_entry = RegistryEntry.objects.get(pk=unit_holding.unit_entry_id)
        assert unit_entry.parent_id == entry.pk and unit_entry.book_id == unit_book(a, finance(a)).pk

        due = timezone.localdate() + dt.timedelta(days=5)
        (task,) = services.assign(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk,
                                  membership_ids=[_member(a, "a_officer").pk], due_on=due, note="ตอบภายในสัปดาห์")
        rows = [h for h in _inbox(officer, a) if h.handling_id == handling.pk]
        assert [h.pk for h in rows] == [task.pk] and rows[0].due_on == due and rows[0].days_left == 5

        services.act(tenant_id=a.pk, actor=officer, holding_id=task.pk, text="ทำหนังสือตอบรับแล้ว")
        services.close(tenant_id=a.pk, actor=officer, holding_id=task.pk, file_category_id=cat.pk, text="เสร็จ")
        handling.refresh_from_db()
        assert handling.state == HandlingState.CLOSED and handling.file_category_id == cat.pk
        kinds = list(selectors.timeline(tenant_id=a.pk, handling=handling).values_list("kind", flat=True))
        assert kinds == ["noted", "presented", "endorsed", "distributed", "unit_registered", "assigned", "acted", "closed"]
        assert AuditEvent.objects.filter(tenant_id=a.pk, object_type="handling", object_id=str(handling.pk)).count() == 8
        assert not Holding.objects.filter(handling=handling, status=HoldingStatus.OPEN).exists()


def test_a_two_step_chain_passes_the_endorsement_on(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, officer = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        # a_officer acts for the vacant mayor's post today (รักษาราชการแทน)
        org.position_assign(tenant_id=a.pk, actor=None, position=mayor(a), membership=_member(a, "a_officer"),
                            starts_on=timezone.localdate(), kind="acting")
        chain, _ = setup_a(positions=[palad(a), mayor(a)])
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        first = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=first.pk, phrase="เพื่อโปรดพิจารณา",
                         text="เห็นควรอนุมัติ")
        (second,) = [h for h in _inbox(officer, a) if h.handling_id == handling.pk]
        assert second.position_id == mayor(a).pk and second.step == 2
        assert second.passed_note == "เพื่อโปรดพิจารณา เห็นควรอนุมัติ"
        services.endorse(tenant_id=a.pk, actor=officer, holding_id=second.pk, phrase="อนุมัติ",
                         order_units=[office(a).pk])
        last = HandlingEvent.objects.filter(handling=handling, kind=EventKind.ENDORSED).order_by("-id").first()
        assert last.authority_line == f"รักษาราชการแทน {mayor(a).title_th}"
        assert last.actor_position == mayor(a).title_th
        handling.refresh_from_db()
        assert handling.state == HandlingState.ORDERED


def test_endorsing_twice_is_refused_and_loses_nothing(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="ดำเนินการ", order_units=[finance(a).pk])
        with pytest.raises(WrongState) as exc:
            services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="ดำเนินการ")
        assert exc.value.code == "already_done" and exc.value.message_th and exc.value.message_en
        assert HandlingEvent.objects.filter(handling=handling, kind=EventKind.ENDORSED).count() == 1


@pytest.mark.parametrize("step", ["present_twice", "distribute_before_order", "note_twice", "assign_unregistered",
                                  "act_by_unit", "inform_directly_a_letter_to_consider"])
def test_invalid_transitions_are_refused(tenants, actor_of, setup_a, step):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        entry = register(a, clerk)
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())
        with pytest.raises((WrongState, HandlingError)) as exc:
            if step == "note_twice":
                services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())
            elif step == "distribute_before_order":
                services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, unit_ids=[finance(a).pk])
            elif step == "inform_directly_a_letter_to_consider":
                services.send_for_information(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, unit_ids=[finance(a).pk])
            else:
                first = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
                if step == "present_twice":
                    services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
                services.endorse(tenant_id=a.pk, actor=head, holding_id=first.pk, phrase="ดำเนินการ",
                                 order_units=[finance(a).pk])
                (unit_holding,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk)
                if step == "assign_unregistered":
                    services.assign(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk,
                                    membership_ids=[_member(a, "a_officer").pk])
                services.act(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk, text="x")
        assert exc.value.message_th and exc.value.message_en and exc.value.status_code in (400, 409)


def _distributed_to_finance(a, clerk, head, chain):  # type: ignore[no-untyped-def]
    handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
    step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
    services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="ดำเนินการ", order_units=[finance(a).pk])
    (unit_holding,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk)
    return handling, unit_holding


def test_a_unit_returns_a_letter_to_the_desk(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        handling, unit_holding = _distributed_to_finance(a, clerk, head, chain)
        with pytest.raises(HandlingError):
            services.return_holding(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk, reason="  ")
        desk = services.return_holding(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk,
                                       reason="ไม่ใช่งานของกองคลัง")
        handling.refresh_from_db()
        assert desk.holder_kind == HolderKind.DESK and handling.state == HandlingState.ORDERED
        assert desk.passed_note == "ไม่ใช่งานของกองคลัง"
        assert [h.pk for h in _inbox(clerk, a) if h.handling_id == handling.pk] == [desk.pk]
        (again,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, unit_ids=[office(a).pk])
        assert again.unit_id == office(a).pk
        with pytest.raises(NotFoundInTenant):  # สำนักปลัด's letter is not the กองคลัง clerk's to move
            services.return_holding(tenant_id=a.pk, actor=unit_clerk, holding_id=again.pk, reason="x")
        kinds = list(selectors.timeline(tenant_id=a.pk, handling=handling).values_list("kind", flat=True))
        assert kinds[-2:] == ["returned", "distributed"]


def test_a_unit_forwards_a_letter(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        handling, unit_holding = _distributed_to_finance(a, clerk, head, chain)
        with pytest.raises(HandlingError):
            services.forward(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk, unit_id=finance(a).pk,
                             reason="ซ้ำ")
        nxt = services.forward(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk, unit_id=office(a).pk,
                               reason="เป็นงานของสำนักปลัด")
        assert nxt.unit_id == office(a).pk and nxt.status == HoldingStatus.OPEN
        unit_holding.refresh_from_db()
        assert unit_holding.status == HoldingStatus.FORWARDED
        assert not [h for h in _inbox(unit_clerk, a) if h.handling_id == handling.pk]
        event = HandlingEvent.objects.filter(handling=handling).order_by("-id").first()
        assert event.kind == EventKind.FORWARDED and event.details["to"] == ["สำนักปลัด"]


def test_letters_for_information_bulk_acknowledged(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        holdings = []
        for i in range(3):
            h = services.handling_start(tenant_id=a.pk, actor=clerk, note=note(),
                                        entry_id=register(a, clerk, purpose="inform", subject=f"แจ้งเพื่อทราบ {i}").pk)
            holdings.append(services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=chain.pk))
        consider = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        other = services.present(tenant_id=a.pk, actor=clerk, handling_id=consider.pk, chain_id=chain.pk)
        with pytest.raises(WrongState):  # a letter to consider spoils the batch: nothing is done
            services.endorse_bulk(tenant_id=a.pk, actor=head, holding_ids=[h.pk for h in holdings] + [other.pk])
        done = services.endorse_bulk(tenant_id=a.pk, actor=head, holding_ids=[h.pk for h in holdings])
        assert sorted(done) == sorted(h.pk for h in holdings)
        for h in holdings:
            handling = Handling.objects.get(pk=h.handling_id)
            assert handling.state == HandlingState.CLOSED
            assert HandlingEvent.objects.filter(handling=handling, kind=EventKind.ENDORSED, phrase="ทราบ").count() == 1


def test_for_information_straight_to_a_unit(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        h = services.handling_start(tenant_id=a.pk, actor=clerk, note=note(),
                                    entry_id=register(a, clerk, purpose="inform").pk)
        (unit_holding,) = services.send_for_information(tenant_id=a.pk, actor=clerk, handling_id=h.pk,
                                                        unit_ids=[finance(a).pk])
        assert unit_holding.purpose == HoldingPurpose.INFORM
        services.acknowledge(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk)
        h.refresh_from_db()
        assert h.state == HandlingState.CLOSED


def test_who_may_do_what(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, officer = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        entry = register(a, clerk)
        with pytest.raises(NotAllowed):
            services.handling_start(tenant_id=a.pk, actor=officer, entry_id=entry.pk, note=note())
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        for who in (clerk, officer):  # only the holder of the post endorses; others see no such item
            with pytest.raises(NotFoundInTenant):
                services.endorse(tenant_id=a.pk, actor=who, holding_id=step.pk, phrase="ทราบ")
        with pytest.raises(NotAllowed):
            services.chain_create(tenant_id=a.pk, actor=clerk, name_th="x", position_ids=[palad(a).pk])
        # handling_get: an officer who never held it sees nothing; the head (agency reader) sees it
        with pytest.raises(NotFoundInTenant):
            selectors.handling_get(officer, tenant_id=a.pk, handling_id=handling.pk)
        assert selectors.handling_get(head, tenant_id=a.pk, handling_id=handling.pk).pk == handling.pk


def test_secret_and_annulled_letters_are_not_presented(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        secret = register(a, clerk, secrecy="002", subject="", sealed=True)
        with pytest.raises(HandlingError) as exc:
            services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=secret.pk, note=note())
        assert exc.value.code == "secret_not_handled"
        entry = register(a, clerk)
        RegistryEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.ANNULLED, annul_reason="ลงผิด")
        with pytest.raises(WrongState):
            services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note())


def test_bad_text_is_refused_clearly(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        entry = register(a, clerk)
        for bad in ("", "x" * 5000, "bell\x07"):
            with pytest.raises(HandlingError) as exc:
                services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=entry.pk, note=note(bad))
            assert exc.value.field == "summary" and exc.value.message_th
        assert not Handling.objects.filter(entry=entry).exists()


def test_another_tenants_holding_is_answered_like_a_missing_one(tenants, actor_of, setup_a):
    a, b = tenants.a, tenants.b
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
    b_head = actor_of("b_head", b)
    with tenant_scope(b.pk):
        for hid in (step.pk, 9_999_999_999):
            with pytest.raises(NotFoundInTenant):
                services.endorse(tenant_id=b.pk, actor=b_head, holding_id=hid, phrase="ทราบ")
        with pytest.raises(NotFoundInTenant):
            selectors.handling_get(b_head, tenant_id=b.pk, handling_id=handling.pk)
    del head


def test_timeline_is_append_only(tenants, actor_of):
    """The database refuses to change or delete a timeline line, for the app role."""
    from django.db import DatabaseError, transaction

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        event = HandlingEvent.objects.get(handling=handling)
    for change in (lambda: HandlingEvent.objects.filter(pk=event.pk).update(text="แก้"),
                   lambda: HandlingEvent.objects.filter(pk=event.pk).delete()):
        with pytest.raises(DatabaseError), tenant_scope(a.pk), transaction.atomic():
            change()


def test_a_letter_returned_by_one_of_two_units_is_distributed_again(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ",
                         order_units=[finance(a).pk, office(a).pk])
        holdings = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk)
        ours = next(h for h in holdings if h.unit_id == finance(a).pk)
        services.return_holding(tenant_id=a.pk, actor=unit_clerk, holding_id=ours.pk, reason="ไม่ใช่งานของกองคลัง")
        handling.refresh_from_db()
        assert handling.state == HandlingState.DISTRIBUTED  # สำนักปลัด still holds it
        with pytest.raises(WrongState) as exc:  # สำนักปลัด holds it already
            services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, unit_ids=[office(a).pk])
        assert exc.value.code == "already_holds"
        (again,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, unit_ids=[finance(a).pk],
                                       note="ผู้บริหารยืนยันให้กองคลังดำเนินการ")
        assert again.unit_id == finance(a).pk and again.passed_note.startswith("ผู้บริหารยืนยัน")


def test_inbox_queries_do_not_grow_with_its_rows(tenants, actor_of, setup_a):
    """Constant queries: the inbox (and the API's, which names each holder) costs the same for 1 row or 4."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        counts = []
        for n in (1, 3):
            for _ in range(n):
                h = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
                services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=chain.pk)
            with CaptureQueriesContext(connection) as q:
                rows = selectors.inbox(head, tenant_id=a.pk, with_holders=True)
                [(r.position.title_th, r.passed_by.display_name_th, r.handling.letter.subject, r.handling.entry.number)
                 for r in rows]
            counts.append(len(q.captured_queries))
        assert counts[0] == counts[1], counts


def test_due_dates_count_working_days_by_urgency_and_respect_the_deadline(tenants, actor_of, settings):
    """Friday 4 Dec 2569 (CE 2026), ด่วนมาก = 3 working days: Mon 7, (Tue 8 is the agency's day off), Wed 9,
    Thu 10 — unless the letter must be done by its ด่วนภายใน deadline, Mon 7."""
    from documents.handling.due import default_due_on
    from tenants.services import calendar

    settings.EOFFICE_DUE_WORKING_DAYS = {"001": 10, "002": 5, "003": 3, "004": 1}
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    friday = dt.date(2026, 12, 4)
    with tenant_scope(a.pk):
        calendar.agency_holiday_add(tenant_id=a.pk, actor=None, date=dt.date(2026, 12, 8), name_th="วันหยุดท้องถิ่น")
        letter = register(a, clerk, urgency="003").letter
        national = set(NationalHoliday.objects.filter(date__range=(friday, dt.date(2026, 12, 31)))
                       .values_list("date", flat=True))
        expected = friday
        left = 3
        while left:
            expected += dt.timedelta(days=1)
            if expected.weekday() < 5 and expected != dt.date(2026, 12, 8) and expected not in national:
                left -= 1
        assert default_due_on(tenant_id=a.pk, letter=letter, start=friday) == expected
        letter.deliver_by = dt.datetime(2026, 12, 7, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        assert default_due_on(tenant_id=a.pk, letter=letter, start=friday) == dt.date(2026, 12, 7)


def test_assign_without_a_date_takes_the_default(tenants, actor_of, setup_a):
    from documents.handling.due import default_due_on

    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        handling = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk).pk, note=note())
        step = services.present(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, chain_id=chain.pk)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ", order_units=[finance(a).pk])
        (unit,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=handling.pk)
        services.unit_register(tenant_id=a.pk, actor=unit_clerk, holding_id=unit.pk)
        (task,) = services.assign(tenant_id=a.pk, actor=unit_clerk, holding_id=unit.pk,
                                  membership_ids=[_member(a, "a_officer").pk])
        assert task.due_on == default_due_on(tenant_id=a.pk, letter=handling.letter) > timezone.localdate()


def test_delegated_powers_reach_the_delegate_within_scope_and_period(tenants, actor_of):
    """ปฏิบัติราชการแทน: the mayor (a post nobody holds today) delegates external letters to the ปลัด; the
    ปลัด's holder sees and endorses them with the line "ปฏิบัติราชการแทน นายก…", not internal memos; a
    revoked or expired order reaches nobody."""
    from documents.handling import delegations

    a = tenants.a
    clerk, head, admin = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_agency_admin", a)
    with tenant_scope(a.pk):
        chain = services.chain_create(tenant_id=a.pk, actor=admin, name_th="เสนอนายก", position_ids=[mayor(a).pk])
        d = delegations.delegation_create(
            tenant_id=a.pk, actor=admin, from_position_id=mayor(a).pk, to_position_id=palad(a).pk,
            order_reference="คำสั่ง อบต.เอ ที่ 15/2569", order_date=dt.date(2026, 1, 5), starts_on=dt.date(2026, 1, 5),
            letter_kinds=["external"], matters="หนังสือภายนอกทั่วไป")

        def presented(kind: str):  # type: ignore[no-untyped-def]
            h = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk, kind=kind).pk,
                                        note=note())
            return services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=chain.pk)

        external, memo = presented("external"), presented("internal")
        mine = {h.pk for h in _inbox(head, a)}
        assert external.pk in mine and memo.pk not in mine
        with pytest.raises(NotFoundInTenant):
            services.endorse(tenant_id=a.pk, actor=head, holding_id=memo.pk, phrase="ทราบ")
        services.endorse(tenant_id=a.pk, actor=head, holding_id=external.pk, phrase="อนุมัติ", order_units=[office(a).pk])
        line = HandlingEvent.objects.get(holding=external, kind=EventKind.ENDORSED)
        assert line.authority_line == f"ปฏิบัติราชการแทน {mayor(a).title_th}"
        assert line.actor_position == palad(a).title_th
        with pytest.raises(HandlingError):
            delegations.delegation_revoke(tenant_id=a.pk, actor=admin, delegation_id=d.pk, reason=" ")
        delegations.delegation_revoke(tenant_id=a.pk, actor=admin, delegation_id=d.pk, reason="ผู้รับมอบย้าย")
        another = presented("external")
        assert another.pk not in {h.pk for h in _inbox(head, a)}
        with pytest.raises(WrongState):
            delegations.delegation_revoke(tenant_id=a.pk, actor=admin, delegation_id=d.pk, reason="อีกครั้ง")
        delegations.delegation_create(
            tenant_id=a.pk, actor=admin, from_position_id=mayor(a).pk, to_position_id=palad(a).pk,
            order_reference="คำสั่ง อบต.เอ ที่ 2/2568", order_date=dt.date(2025, 1, 2), starts_on=dt.date(2025, 1, 2),
            ends_on=dt.date(2025, 12, 31))
        assert another.pk not in {h.pk for h in _inbox(head, a)}  # expired
        with pytest.raises(NotAllowed):
            delegations.delegation_create(
                tenant_id=a.pk, actor=clerk, from_position_id=mayor(a).pk, to_position_id=palad(a).pk,
                order_reference="x", order_date=dt.date(2026, 1, 1), starts_on=dt.date(2026, 1, 1))
