"""Internal circulation (เวียนแจ้ง, issue 4 §3): the audience expanded to people when circulated (all, units,
posts held or acted for today), duplicates skipped, empty audiences refused, who may circulate, secret
letters refused, opening is not acknowledging, a second รับทราบ refused, another agency's circulation
answered like a missing one."""

from __future__ import annotations

import datetime as dt

import pytest

from documents.handling import circulation, services
from documents.handling.errors import HandlingError, NotAllowed, WrongState
from documents.models import AudienceKind, CirculationRecipient, EventKind, HandlingEvent, Letter, Secrecy
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import Membership, Position
from tenants.services import org
from tests.handling.conftest import finance, note, office, palad, register

pytestmark = pytest.mark.django_db


def _member(tenant, username: str) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(tenant_id=tenant.pk, user__username=username)


def _letter(tenant, clerk):  # type: ignore[no-untyped-def]
    entry = register(tenant, clerk, purpose="inform", subject="หนังสือเวียน ว 99 แจ้งแนวทางปฏิบัติ")
    return services.handling_start(tenant_id=tenant.pk, actor=clerk, entry_id=entry.pk, note=note())


def _people(circ) -> set[int]:  # type: ignore[no-untyped-def]
    return set(CirculationRecipient.objects.filter(circulation=circ).values_list("membership_id", flat=True))


def test_units_audience_is_a_snapshot_of_the_units_members(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.UNITS,
                                     unit_ids=[finance(a).pk], note="โปรดทราบและถือปฏิบัติ")
        people = _people(circ)
        assert {_member(a, "a_unit_clerk").pk, _member(a, "a_officer").pk} <= people
        assert _member(a, "a_head").pk not in people and clerk.membership_id not in people
        assert circ.audience == "กองคลัง"
        event = HandlingEvent.objects.get(handling=handling, kind=EventKind.CIRCULATED)
        assert event.text == "โปรดทราบและถือปฏิบัติ" and event.details["circulation"] == circ.pk
        # a person who joins the unit later was not told by this circulation
        user = org.user_create(username="circ-newcomer", password=None, first_name_th="ใหม่")
        newcomer = org.membership_create(tenant_id=a.pk, actor=None, user=user, unit=finance(a))
        assert newcomer.pk not in _people(circ)
        # circulating again reaches only those not yet reached; nobody new: refused
        again = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.UNITS,
                                      unit_ids=[finance(a).pk])
        assert _people(again) == {newcomer.pk}
        with pytest.raises(WrongState) as exc:
            circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.UNITS,
                                  unit_ids=[finance(a).pk])
        assert exc.value.code == "already_circulated" and exc.value.message_th.startswith("ทุกคน")


def test_all_and_positions_audiences(tenants, actor_of):
    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        everyone = set(Membership.objects.filter(tenant_id=a.pk, is_active=True).values_list("pk", flat=True))
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=_letter(a, clerk).pk, audience=AudienceKind.ALL)
        assert _people(circ) == everyone - {clerk.membership_id}
        # a post reaches whoever holds it and whoever acts for it today
        acting = _member(a, "a_officer")
        org.position_assign(tenant_id=a.pk, actor=None, position=palad(a), membership=acting, kind="acting",
                            starts_on=dt.date(2020, 1, 1))
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=_letter(a, clerk).pk,
                                     audience=AudienceKind.POSITIONS, position_ids=[palad(a).pk, palad(a).pk])
        rows = {r.membership_id: r.position_th for r in CirculationRecipient.objects.filter(circulation=circ)}
        assert rows == {head.membership_id: palad(a).title_th, acting.pk: f"รักษาราชการแทน {palad(a).title_th}"}


def test_empty_and_invalid_audiences_are_refused(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        vacant = Position.objects.create(tenant_id=a.pk, title_th="ตำแหน่งว่าง", unit=office(a))
        cases = [
            ({"audience": "nobody"}, "handling_invalid"),
            ({"audience": AudienceKind.UNITS}, "handling_invalid"),
            ({"audience": AudienceKind.POSITIONS, "position_ids": [vacant.pk]}, "empty_audience"),
            ({"audience": AudienceKind.UNITS, "unit_ids": [7_000_000_001]}, "handling_invalid"),
            ({"audience": AudienceKind.ALL, "note": "a\x00b"}, "handling_invalid"),
            ({"audience": AudienceKind.ALL, "note": "ก" * 1001}, "handling_invalid"),
        ]
        for kwargs, code in cases:
            with pytest.raises(HandlingError) as exc:
                circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, **kwargs)
            assert exc.value.code == code and exc.value.message_th and exc.value.message_en, kwargs
        assert not CirculationRecipient.objects.filter(circulation__handling=handling).exists()


def test_who_may_circulate(tenants, actor_of):
    a = tenants.a
    clerk, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_unit_clerk", a)
    officer, auditor = actor_of("a_officer", a), actor_of("d_auditor", tenants.district)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        (holding,) = services.send_for_information(tenant_id=a.pk, actor=clerk, handling_id=handling.pk,
                                                   unit_ids=[finance(a).pk])
        # the unit clerk (the letter reached their unit) circulates to their own unit …
        circ = circulation.circulate(tenant_id=a.pk, actor=unit_clerk, handling_id=handling.pk,
                                     audience=AudienceKind.UNITS, unit_ids=[finance(a).pk])
        assert _people(circ) == _people(circ) - {unit_clerk.membership_id}
        # … but not to another unit, nor to everyone
        for kwargs in ({"audience": AudienceKind.UNITS, "unit_ids": [office(a).pk]}, {"audience": AudienceKind.ALL},
                       {"audience": AudienceKind.POSITIONS, "position_ids": [palad(a).pk]}):
            with pytest.raises(NotAllowed) as exc:
                circulation.circulate(tenant_id=a.pk, actor=unit_clerk, handling_id=handling.pk, **kwargs)
            assert exc.value.code == "outside_unit"
        # an officer who can't see the letter gets 404; once they can (assigned), still no circulating
        with pytest.raises(NotFoundInTenant):
            circulation.circulate(tenant_id=a.pk, actor=officer, handling_id=handling.pk, audience=AudienceKind.ALL)
        assert not circulation.may_circulate(officer, tenant_id=a.pk, handling=handling)
        assert circulation.may_circulate(unit_clerk, tenant_id=a.pk, handling=handling)
        assert holding.pk
    with tenant_scope(a.pk, readable=(a.pk,)), pytest.raises((NotAllowed, NotFoundInTenant)):
        circulation.circulate(tenant_id=a.pk, actor=auditor, handling_id=handling.pk, audience=AudienceKind.ALL)


def test_secret_letters_are_not_circulated(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        Letter.objects.filter(pk=handling.letter_id).update(secrecy=Secrecy.SECRET)  # classified after it was noted
        handling.refresh_from_db()
        assert not circulation.may_circulate(clerk, tenant_id=a.pk, handling=handling)
        with pytest.raises(HandlingError) as exc:
            circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.ALL)
        assert exc.value.code == "secret_not_circulated"
        assert not CirculationRecipient.objects.filter(circulation__handling=handling).exists()
        # circulated, then classified: it drops out of the lists and its page is a missing one
        officer = actor_of("a_officer", a)
        other = _letter(a, clerk)
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=other.pk, audience=AudienceKind.UNITS,
                                     unit_ids=[finance(a).pk])
        Letter.objects.filter(pk=other.letter_id).update(secrecy=Secrecy.SECRET)
        assert circ.pk not in {r.circulation_id for r in circulation.outstanding(officer, tenant_id=a.pk)}
        assert circ.pk not in {c.pk for c in circulation.sent_by(clerk, tenant_id=a.pk)}
        for who in (officer, clerk):
            with pytest.raises(NotFoundInTenant):
                circulation.circulation_get(who, tenant_id=a.pk, circulation_id=circ.pk)
        with pytest.raises(NotFoundInTenant):
            circulation.acknowledge(tenant_id=a.pk, actor=officer, circulation_id=circ.pk)


def test_opening_is_not_acknowledging_and_twice_is_refused(tenants, actor_of):
    a = tenants.a
    clerk, unit_clerk, officer = actor_of("a_central_clerk", a), actor_of("a_unit_clerk", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.UNITS,
                                     unit_ids=[finance(a).pk])
        assert circ.pk in {r.circulation_id for r in circulation.outstanding(officer, tenant_id=a.pk)}
        assert circulation.mark_opened(tenant_id=a.pk, actor=officer, circulation_id=circ.pk) is True
        assert circulation.mark_opened(tenant_id=a.pk, actor=officer, circulation_id=circ.pk) is False
        row = CirculationRecipient.objects.get(circulation=circ, membership_id=officer.membership_id)
        assert row.opened_at is not None and row.acknowledged_at is None
        assert circ.pk in {r.circulation_id for r in circulation.outstanding(officer, tenant_id=a.pk)}
        # the sender is not a recipient: opening its status does nothing
        assert circulation.mark_opened(tenant_id=a.pk, actor=clerk, circulation_id=circ.pk) is False

        done = circulation.acknowledge(tenant_id=a.pk, actor=officer, circulation_id=circ.pk)
        assert done.acknowledged_at >= done.opened_at and done.signed_name == officer.display_name
        assert circ.pk not in {r.circulation_id for r in circulation.outstanding(officer, tenant_id=a.pk)}
        with pytest.raises(WrongState) as exc:
            circulation.acknowledge(tenant_id=a.pk, actor=officer, circulation_id=circ.pk)
        assert exc.value.code == "already_acknowledged" and exc.value.status_code == 409
        assert HandlingEvent.objects.filter(handling=handling, kind=EventKind.ACKNOWLEDGED).count() == 1
        # not a recipient: like a missing one
        with pytest.raises(NotFoundInTenant):
            circulation.acknowledge(tenant_id=a.pk, actor=clerk, circulation_id=circ.pk)
        # acknowledging without opening first records both; the last one closes the circulation
        for m in _people(circ) - {officer.membership_id, unit_clerk.membership_id}:
            CirculationRecipient.objects.filter(circulation=circ, membership_id=m).update(
                opened_at=done.opened_at, acknowledged_at=done.acknowledged_at)
        last = circulation.acknowledge(tenant_id=a.pk, actor=unit_clerk, circulation_id=circ.pk)
        assert last.opened_at == last.acknowledged_at
        circ.refresh_from_db()
        assert circ.closed_at is not None
        _, _, status = circulation.circulation_get(clerk, tenant_id=a.pk, circulation_id=circ.pk)
        assert status


def test_closed_circulation_refuses_acknowledgement(tenants, actor_of):
    a = tenants.a
    clerk, officer = actor_of("a_central_clerk", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.UNITS,
                                     unit_ids=[finance(a).pk])
        with pytest.raises(NotAllowed):
            circulation.close(tenant_id=a.pk, actor=actor_of("a_head", a), circulation_id=circ.pk)
        circulation.close(tenant_id=a.pk, actor=clerk, circulation_id=circ.pk)
        with pytest.raises(WrongState) as exc:
            circulation.close(tenant_id=a.pk, actor=clerk, circulation_id=circ.pk)
        assert exc.value.code == "already_done"
        with pytest.raises(WrongState) as exc:
            circulation.acknowledge(tenant_id=a.pk, actor=officer, circulation_id=circ.pk)
        assert exc.value.code == "circulation_closed"
        assert not circulation.outstanding(officer, tenant_id=a.pk) or circ.pk not in {
            r.circulation_id for r in circulation.outstanding(officer, tenant_id=a.pk)}


def test_another_agencys_circulation_is_a_missing_one(tenants, actor_of):
    a, b = tenants.a, tenants.b
    clerk_a = actor_of("a_central_clerk", a)
    clerk_b, officer_b = actor_of("b_central_clerk", b), actor_of("b_officer", b)
    with tenant_scope(a.pk):
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk_a, handling_id=_letter(a, clerk_a).pk,
                                     audience=AudienceKind.ALL)
    with tenant_scope(b.pk):
        for call in (lambda: circulation.acknowledge(tenant_id=b.pk, actor=officer_b, circulation_id=circ.pk),
                     lambda: circulation.circulation_get(clerk_b, tenant_id=b.pk, circulation_id=circ.pk),
                     lambda: circulation.close(tenant_id=b.pk, actor=clerk_b, circulation_id=circ.pk),
                     lambda: circulation.circulate(tenant_id=b.pk, actor=clerk_b, handling_id=circ.handling_id,
                                                   audience=AudienceKind.ALL)):
            with pytest.raises(NotFoundInTenant):
                call()
        assert circulation.mark_opened(tenant_id=b.pk, actor=officer_b, circulation_id=circ.pk) is False
        assert not CirculationRecipient.objects.filter(circulation_id=circ.pk).exists()  # RLS: not even visible


# who may do what, per seeded role (the desk: anyone; a unit's clerk or head: their own unit; others: no)
ROLES = [
    # username, may circulate to everyone, to กองคลัง (finance), to สำนักปลัด (office), may see the status
    ("a_central_clerk", True, True, True, True),
    ("a_unit_clerk", False, True, False, False),
    ("a_head", False, False, True, True),
    ("a_officer", False, False, False, False),
    ("a_agency_admin", False, False, False, False),
]


@pytest.mark.parametrize(("username", "everyone", "to_finance", "to_office", "status"), ROLES,
                         ids=[r[0] for r in ROLES])
def test_roles(tenants, actor_of, username, everyone, to_finance, to_office, status):
    a = tenants.a
    clerk, actor = actor_of("a_central_clerk", a), actor_of(username, a)
    with tenant_scope(a.pk):
        handling = _letter(a, clerk)
        # the letter reaches both units for information, so every role here may read it
        services.send_for_information(tenant_id=a.pk, actor=clerk, handling_id=handling.pk,
                                      unit_ids=[finance(a).pk, office(a).pk])
        sent = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=_letter(a, clerk).pk,
                                     audience=AudienceKind.ALL)
        assert circulation.may_see_status(actor, tenant_id=a.pk, circulation=sent) is status

        def attempt(**kw) -> bool:  # type: ignore[no-untyped-def]
            try:
                circulation.circulate(tenant_id=a.pk, actor=actor, handling_id=handling.pk, **kw)
            except (NotAllowed, NotFoundInTenant):
                return False
            except WrongState as exc:  # reached already by an earlier allowed call
                assert exc.code == "already_circulated"
                return True
            return True

        assert attempt(audience=AudienceKind.UNITS, unit_ids=[finance(a).pk]) is to_finance
        assert attempt(audience=AudienceKind.UNITS, unit_ids=[office(a).pk]) is to_office
        assert attempt(audience=AudienceKind.ALL) is everyone


def test_each_person_circulated_to_is_told_once_with_a_link_to_acknowledge(tenants, actor_of):
    from documents.models import Notification, NotificationKind

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=_letter(a, clerk).pk,
                                     audience=AudienceKind.UNITS, unit_ids=[finance(a).pk])
        told = Notification.objects.filter(tenant_id=a.pk, kind=NotificationKind.CIRCULATED, handling=circ.handling)
        assert set(told.values_list("membership_id", flat=True)) == _people(circ)
        n = told.get(membership_id=_member(a, "a_officer").pk)
        assert n.link == f"/a/{a.slug}/handling/circulations/{circ.pk}/" and "รับทราบ" in n.text
        assert n.read_at is None and not told.filter(membership_id=clerk.membership_id).exists()


def test_the_agencys_own_circular_is_circulated_from_its_entry(tenants, actor_of):
    from documents.models import Book, BookKind, Handling, HandlingState
    from documents.registry import services as registry_services
    from documents.registry.inputs import OutgoingInput, PartyInput
    from tests.registry.conftest import new_key

    a = tenants.a
    clerk, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        book = Book.objects.get(tenant_id=a.pk, kind=BookKind.CIRCULAR)
        own = registry_services.issue_outgoing(tenant_id=a.pk, actor=clerk, idempotency_key=new_key(), data=OutgoingInput(
            subject="แจ้งกำหนดวันหยุดประจำปีของหน่วยงาน", book_id=book.pk, recipients=(PartyInput(name="ทุกส่วนราชการ"),)))
        with pytest.raises(NotAllowed):
            circulation.own_letter_handling(tenant_id=a.pk, actor=unit_clerk, entry_id=own.pk)
        handling = circulation.own_letter_handling(tenant_id=a.pk, actor=clerk, entry_id=own.pk)
        assert handling.state == HandlingState.CLOSED and handling.entry_id == own.pk
        assert circulation.own_letter_handling(tenant_id=a.pk, actor=clerk, entry_id=own.pk).pk == handling.pk  # once
        circ = circulation.circulate(tenant_id=a.pk, actor=clerk, handling_id=handling.pk, audience=AudienceKind.UNITS,
                                     unit_ids=[finance(a).pk])
        assert _member(a, "a_officer").pk in _people(circ)
        assert Handling.objects.filter(tenant_id=a.pk, entry=own).count() == 1
        received = register(a, clerk)  # a received letter is noted and presented, not circulated this way
        with pytest.raises(WrongState) as exc:
            circulation.own_letter_handling(tenant_id=a.pk, actor=clerk, entry_id=received.pk)
        assert exc.value.code == "not_own_letter"
    with tenant_scope(tenants.b.pk), pytest.raises(NotFoundInTenant):
        circulation.own_letter_handling(tenant_id=tenants.b.pk, actor=actor_of("b_central_clerk", tenants.b),
                                        entry_id=own.pk)
