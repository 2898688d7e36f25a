"""Drafting outgoing letters (issue 5 §1, §3, §4, §6): versions and comments, review rounds (sequential and
parallel) with initials as events and returns with comments, ready to sign (number and date fixed from
the right book, the checklist), the signer's refusal (number annulled, never reused), signed, dispatch
per recipient, who may do what, and another tenant's ids finding nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from documents.drafting import dispatch, selectors, services
from documents.drafting.errors import DraftingError, NotAllowed, WrongState
from documents.models import (
    BookKind,
    DispatchChannel,
    Draft,
    DraftEvent,
    DraftForm,
    DraftRecipient,
    DraftState,
    DraftVersion,
    EntryStatus,
    RegistryEntry,
    ReviewStatus,
)
from documents.registry import services as registry_services
from documents.registry.inputs import IncomingInput, PartyInput
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import Membership, Position
from tenants.services import org
from tests.handling.conftest import finance, office, palad
from tests.registry.conftest import new_key

pytestmark = pytest.mark.django_db

BODY = "<div>ด้วยองค์การบริหารส่วนตำบลเอ จะจัดประชุมเรื่องน้ำท่วม <strong>ซ้ำซาก</strong></div><script>alert(1)</script>"


def _input(**kw) -> services.DraftInput:  # type: ignore[no-untyped-def]
    values = {
        "form": DraftForm.EXTERNAL, "subject": "ขอเชิญประชุมแก้ไขปัญหาน้ำท่วม",
        "fields": {"salutation": "เรียน", "signer_name": "นายเอ ทดสอบ", "signer_position": "นายกองค์การบริหารส่วนตำบลเอ",
                   "refers_to": "หนังสือจังหวัด ที่ นม 0017/ว 1 ลงวันที่ 1 ธันวาคม 2569", "enclosures": "กำหนดการ 1 ฉบับ"},
        "body_html": BODY,
        "recipients": [services.RecipientInput(name="นายอำเภอทดสอบ", channel=DispatchChannel.POST,
                                               address="ที่ว่าการอำเภอทดสอบ นครราชสีมา 30000"),
                       services.RecipientInput(name="ผู้ว่าราชการจังหวัดนครราชสีมา", role="copy",
                                               channel=DispatchChannel.EMAIL, email="saraban@korat.go.th")],
    }
    values.update(kw)
    return services.DraftInput(**values)


def _route(a, admin, *steps):  # type: ignore[no-untyped-def]
    return services.route_create(tenant_id=a.pk, actor=admin, name_th="หัวหน้าฝ่าย → ปลัด", forms=[],
                                 steps=[services.RouteStepInput(position_id=p.pk, order=o, stage=s) for o, p, s in steps])


def _director(a, user_named):  # type: ignore[no-untyped-def]
    """ผู้อำนวยการกองคลัง held by the unit clerk, so two people review."""
    pos = Position.objects.get(tenant_id=a.pk, title_th="ผู้อำนวยการกองคลัง")
    m = Membership.objects.get(tenant_id=a.pk, user__username="a_unit_clerk")
    org.position_assign(tenant_id=a.pk, actor=None, position=pos, membership=m, starts_on=dt.date(2020, 1, 1))
    return pos


def test_a_draft_keeps_every_version_and_sanitises_the_body(tenants, actor_of):
    a = tenants.a
    officer = actor_of("a_officer", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(), idempotency_key=new_key())
        v1 = DraftVersion.objects.get(draft=draft, number=1)
        assert "<script" not in v1.body_html and "ซ้ำซาก" in v1.body_html
        assert v1.fields["closing"] == "ขอแสดงความนับถือ"  # Annex 2: เรียน → ขอแสดงความนับถือ
        assert draft.owner_unit_id == finance(a).pk and draft.state == DraftState.DRAFTING
        services.draft_revise(tenant_id=a.pk, actor=officer, draft_id=draft.pk, expected_version=1,
                              data=_input(subject="ขอเชิญประชุมแก้ไขปัญหาน้ำท่วม (แก้ไข)", note="แก้ชื่อเรื่อง"))
        with pytest.raises(WrongState) as stale:  # someone else's edit started from version 1 too
            services.draft_revise(tenant_id=a.pk, actor=officer, draft_id=draft.pk, expected_version=1, data=_input())
        assert stale.value.code == "version_conflict"
        versions = selectors.draft_versions(tenant_id=a.pk, draft=draft)
        assert [v.number for v in versions] == [1, 2]
        assert versions[0].subject == "ขอเชิญประชุมแก้ไขปัญหาน้ำท่วม"  # version 1 unchanged
        services.draft_comment(tenant_id=a.pk, actor=officer, draft_id=draft.pk, text="ตรวจวันที่ประชุมอีกครั้ง")
        assert [c.version for c in selectors.draft_comments(tenant_id=a.pk, draft=draft)] == [2]
        kinds = [e.kind for e in selectors.draft_events(tenant_id=a.pk, draft=draft)]
        assert kinds == ["created", "revised", "commented"]


def test_bad_input_is_refused_in_thai_and_english_and_leaves_nothing(tenants, actor_of):
    a = tenants.a
    officer = actor_of("a_officer", a)
    with tenant_scope(a.pk):
        before = Draft.objects.filter(tenant_id=a.pk).count()
        for bad, field in ((_input(subject="  "), "subject"), (_input(urgency="009"), "urgency"),
                           (_input(fields={"nonsense": "x"}), "nonsense"),
                           (_input(fields={"signer_name": "ก" * 300}), "signer_name"),
                           (_input(recipients=[services.RecipientInput(name="x", channel="pigeon")]), "recipients[0].channel"),
                           (_input(form="letter"), "form")):
            with pytest.raises(DraftingError) as err:
                services.draft_create(tenant_id=a.pk, actor=officer, data=bad)
            assert err.value.field == field and err.value.message_th and err.value.message_en
        assert Draft.objects.filter(tenant_id=a.pk).count() == before
        with pytest.raises(NotAllowed):  # an officer drafts for their own unit only
            services.draft_create(tenant_id=a.pk, actor=officer, data=_input(owner_unit_id=office(a).pk))


def test_review_in_order_with_a_return_then_initials_then_ready_to_sign(tenants, actor_of, user_named):
    a = tenants.a
    officer, admin, clerk = actor_of("a_officer", a), actor_of("a_agency_admin", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        director = _director(a, user_named)
        route = _route(a, admin, (1, director, "proofread"), (2, palad(a), "check"))
    reviewer1, reviewer2 = actor_of("a_unit_clerk", a), actor_of("a_head", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=route.pk)
        reviews = selectors.draft_reviews(tenant_id=a.pk, draft=draft)
        assert [r.status for r in reviews] == [ReviewStatus.OPEN, ReviewStatus.WAITING]
        with pytest.raises(NotFoundInTenant):  # ปลัด's step isn't open yet / not theirs
            services.review_initial(tenant_id=a.pk, actor=reviewer2, review_id=reviews[0].pk, typed_name="ปลัด")
        with pytest.raises(DraftingError):  # a return needs its comment
            services.review_return(tenant_id=a.pk, actor=reviewer1, review_id=reviews[0].pk, comment=" ")
        services.review_return(tenant_id=a.pk, actor=reviewer1, review_id=reviews[0].pk, comment="แก้วันที่ประชุม")
        draft.refresh_from_db()
        assert draft.state == DraftState.RETURNED
        assert [r.status for r in selectors.draft_reviews(tenant_id=a.pk, draft=draft)] == [
            ReviewStatus.RETURNED, ReviewStatus.SKIPPED]
        services.draft_revise(tenant_id=a.pk, actor=officer, draft_id=draft.pk, expected_version=1, data=_input())
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=route.pk)
        r1, r2 = selectors.draft_reviews(tenant_id=a.pk, draft=draft, round=2)
        services.review_initial(tenant_id=a.pk, actor=reviewer1, review_id=r1.pk, typed_name="เอ ทดสอบ")
        with pytest.raises(WrongState):  # initialled once
            services.review_initial(tenant_id=a.pk, actor=reviewer1, review_id=r1.pk, typed_name="เอ ทดสอบ")
        services.review_initial(tenant_id=a.pk, actor=reviewer2, review_id=r2.pk, typed_name="ปลัด ทดสอบ")
        draft.refresh_from_db()
        assert draft.state == DraftState.REVIEWED
        r2.refresh_from_db()
        assert r2.version == 2 and r2.printed_position.startswith("ปลัด") and r2.acted_at is not None
        people = selectors.file_copy_people(tenant_id=a.pk, draft=draft)
        assert [p.role_label for p in people] == ["ผู้ร่าง", "ผู้ทาน", "ผู้ตรวจ"]
        assert people[2].name == "ปลัด ทดสอบ"

        with pytest.raises(NotAllowed):  # the drafter may not take the number
            services.draft_ready(tenant_id=a.pk, actor=officer, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        with pytest.raises(DraftingError) as unchecked:
            services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=["recipients"])
        assert unchecked.value.code == "unchecked"
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        entry = draft.entry
        assert draft.state == DraftState.READY and entry.status == EntryStatus.RESERVED
        assert entry.book.kind == BookKind.CENTRAL_OUTGOING and entry.reference.startswith("ที่ นม 80101/")
        assert entry.letter.subject == draft.subject and entry.letter.kind == "external"
        assert len(draft.verify_token) >= 40
        assert DraftEvent.objects.filter(draft=draft, kind="ready", details__number=entry.number_label).exists()


def test_parallel_reviewers_both_initial_before_the_draft_moves_on(tenants, actor_of, user_named):
    a = tenants.a
    officer, admin = actor_of("a_officer", a), actor_of("a_agency_admin", a)
    with tenant_scope(a.pk):
        director = _director(a, user_named)
        route = _route(a, admin, (1, director, "check"), (1, palad(a), "check"))
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=route.pk)
        r1, r2 = selectors.draft_reviews(tenant_id=a.pk, draft=draft)
        assert r1.status == r2.status == ReviewStatus.OPEN
        services.review_initial(tenant_id=a.pk, actor=actor_of("a_head", a), review_id=r2.pk, typed_name="ปลัด")
        draft.refresh_from_db()
        assert draft.state == DraftState.IN_REVIEW
        services.review_initial(tenant_id=a.pk, actor=actor_of("a_unit_clerk", a), review_id=r1.pk, typed_name="ผอ.")
        draft.refresh_from_db()
        assert draft.state == DraftState.REVIEWED


def _ready(a, officer, clerk, **kw):  # type: ignore[no-untyped-def]
    draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(**kw))
    services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
    services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
    draft.refresh_from_db()
    return draft


def test_a_refusal_annuls_the_number_and_the_next_ready_takes_a_new_one(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = _ready(a, officer, clerk)
        first = draft.entry
        with pytest.raises(NotAllowed):
            services.draft_refuse(tenant_id=a.pk, actor=officer, draft_id=draft.pk, reason="ไม่เห็นด้วย")
        services.draft_refuse(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, reason="ผู้ลงนามให้แก้ไขข้อความ")
        first.refresh_from_db()
        draft.refresh_from_db()
        assert first.status == EntryStatus.ANNULLED and "ผู้ลงนามให้แก้ไขข้อความ" in first.annul_reason
        assert draft.state == DraftState.RETURNED and draft.entry_id is None and draft.verify_token is None
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        draft.refresh_from_db()
        assert draft.entry.number == first.number + 1  # the annulled number stays; never reused


def test_ready_checks_each_channel_has_what_it_needs(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(recipients=[
            services.RecipientInput(name="นายอำเภอทดสอบ", channel=DispatchChannel.POST)]))  # no address
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        with pytest.raises(DraftingError) as err:
            services.draft_ready(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, confirmed=services.READY_CHECKS)
        assert err.value.code == "recipient_address"
        assert not RegistryEntry.objects.filter(tenant_id=a.pk, letter__subject=draft.subject).exists()


def test_signed_then_dispatched_per_recipient_shows_in_the_outgoing_book(tenants, actor_of):
    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = _ready(a, officer, clerk, recipients=[
            services.RecipientInput(name="นายอำเภอทดสอบ", channel=DispatchChannel.REGISTERED_POST, address="อำเภอทดสอบ"),
            services.RecipientInput(name="กำนันตำบลเอ", channel=DispatchChannel.HAND),
        ])
        services.draft_mark_signed(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, signer_name="นายเอ ทดสอบ")
        draft.refresh_from_db()
        assert draft.state == DraftState.SIGNED and draft.entry.status == EntryStatus.AWAITING_DISPATCH
        post, hand = DraftRecipient.objects.filter(draft=draft).order_by("sort_order")
        with pytest.raises(DraftingError) as bad:
            dispatch.draft_dispatch(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, recipient_ids=[post.pk],
                                    tracking_numbers={post.pk: "RB123456789TH"})  # wrong check digit
        assert bad.value.code == "tracking_invalid"
        dispatch.draft_dispatch(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, recipient_ids=[post.pk],
                                tracking_numbers={post.pk: "rb 123456785 th"})
        draft.refresh_from_db()
        assert draft.state == DraftState.SIGNED and draft.entry.status == EntryStatus.AWAITING_DISPATCH
        dispatch.draft_dispatch(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, recipient_ids=[hand.pk])
        draft.refresh_from_db()
        assert draft.state == DraftState.DISPATCHED and draft.entry.status == EntryStatus.DISPATCHED
        post.refresh_from_db()
        assert post.tracking_number == "RB123456785TH"
        dispatch.delivery_record(tenant_id=a.pk, actor=clerk, recipient_id=hand.pk, received_by_name="นายกำนัน")
        with pytest.raises(WrongState):
            dispatch.delivery_record(tenant_id=a.pk, actor=clerk, recipient_id=hand.pk, received_by_name="อีกครั้ง")


def test_s10_check_digit():
    assert dispatch.s10_valid("RB123456785TH")
    assert dispatch.s10_valid("EE000000000TH") is False or dispatch.s10_valid("EE000000005TH")
    assert not dispatch.s10_valid("RB12345678TH") and not dispatch.s10_valid("")


def test_a_reply_carries_the_incoming_letter_and_needs_access_to_it(tenants, actor_of):
    a = tenants.a
    clerk, officer = actor_of("a_central_clerk", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        entry = registry_services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=new_key(),
            data=IncomingInput(subject="ขอข้อมูลผู้ประสบภัย", sender=PartyInput(name="อำเภอทดสอบ"),
                               letter_reference="ที่ นม 0117/123", letter_date=dt.date(2026, 11, 30)))
        draft = services.draft_create(tenant_id=a.pk, actor=clerk, data=_input(), reply_to_letter_id=entry.letter_id)
        assert draft.reply_to_id == entry.letter_id
        with pytest.raises(NotFoundInTenant):  # the officer neither reads the book nor holds the letter
            services.draft_create(tenant_id=a.pk, actor=officer, data=_input(), reply_to_letter_id=entry.letter_id)


def test_who_sees_a_draft(tenants, actor_of):
    a = tenants.a
    officer, clerk, unit_clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input())
        secret = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(secrecy="002"))
        for who in (officer, clerk, unit_clerk):  # the drafter, the desk, the owner unit's clerk
            assert selectors.draft_get(who, tenant_id=a.pk, draft_id=draft.pk).pk == draft.pk
        with pytest.raises(NotFoundInTenant):
            selectors.draft_get(actor_of("a_secret_registrar", a), tenant_id=a.pk, draft_id=draft.pk)
        with pytest.raises(NotFoundInTenant):  # a secret draft: drafter and reviewers only
            selectors.draft_get(clerk, tenant_id=a.pk, draft_id=secret.pk)
        assert selectors.draft_get(officer, tenant_id=a.pk, draft_id=secret.pk).pk == secret.pk


def test_another_tenant_finds_nothing(tenants, actor_of):
    a, b = tenants.a, tenants.b
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=actor_of("a_officer", a), data=_input())
    b_clerk = actor_of("b_central_clerk", b)
    with tenant_scope(b.pk):
        with pytest.raises(NotFoundInTenant):
            selectors.draft_get(b_clerk, tenant_id=b.pk, draft_id=draft.pk)
        with pytest.raises(NotFoundInTenant):
            services.draft_submit(tenant_id=b.pk, actor=b_clerk, draft_id=draft.pk, route_id=None)
        assert not Draft.objects.filter(pk=draft.pk).exists()  # RLS: not even the row


def test_reviewers_and_the_drafter_are_told(tenants, actor_of, user_named):
    from documents.models import Notification, NotificationKind

    a = tenants.a
    officer, admin = actor_of("a_officer", a), actor_of("a_agency_admin", a)
    with tenant_scope(a.pk):
        director = _director(a, user_named)
        route = _route(a, admin, (1, director, "proofread"), (2, palad(a), "check"))
    with tenant_scope(a.pk):
        draft = services.draft_create(tenant_id=a.pk, actor=officer, data=_input(secrecy="002"))
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=route.pk)
        unit_clerk = Membership.objects.get(tenant_id=a.pk, user__username="a_unit_clerk")
        head = Membership.objects.get(tenant_id=a.pk, user__username="a_head")
        told = Notification.objects.filter(tenant_id=a.pk, kind=NotificationKind.DRAFT_REVIEW)
        assert list(told.values_list("membership_id", flat=True)) == [unit_clerk.pk]  # only the open step's post
        assert "ขอเชิญประชุม" not in told.get().text  # a secret draft's subject is never in a notice
        r1, _r2 = selectors.draft_reviews(tenant_id=a.pk, draft=draft)
        services.review_initial(tenant_id=a.pk, actor=actor_of("a_unit_clerk", a), review_id=r1.pk, typed_name="ผอ.")
        assert told.filter(membership_id=head.pk).count() == 1  # the next step's post is told when it opens
        _r1, r2 = selectors.draft_reviews(tenant_id=a.pk, draft=draft)
        services.review_return(tenant_id=a.pk, actor=actor_of("a_head", a), review_id=r2.pk, comment="แก้ไข")
        drafter = Membership.objects.get(tenant_id=a.pk, user__username="a_officer")
        back = Notification.objects.get(tenant_id=a.pk, kind=NotificationKind.DRAFT_RETURN)
        assert back.membership_id == drafter.pk and back.link.endswith(f"/drafting/{draft.pk}/")
        services.draft_revise(tenant_id=a.pk, actor=officer, draft_id=draft.pk, expected_version=1,
                              data=_input(secrecy="002"))
        services.draft_submit(tenant_id=a.pk, actor=officer, draft_id=draft.pk, route_id=None)
        clerk = Membership.objects.get(tenant_id=a.pk, user__username="a_central_clerk")
        desk = Notification.objects.filter(tenant_id=a.pk, kind=NotificationKind.DRAFT_DESK)
        assert clerk.pk in set(desk.values_list("membership_id", flat=True))  # the desk: checks and the number


def test_the_registry_leaves_a_drafted_number_to_its_draft(tenants, actor_of, client, login):
    from documents.registry.errors import Conflict
    from documents.registry.inputs import OutgoingInput

    a = tenants.a
    officer, clerk = actor_of("a_officer", a), actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        draft = _ready(a, officer, clerk)
        entry_id = draft.entry_id
        for call in (
            lambda: registry_services.entry_annul(tenant_id=a.pk, actor=clerk, entry_id=entry_id, reason="ยกเลิกเอง"),
            lambda: registry_services.reservation_use(tenant_id=a.pk, actor=clerk, entry_id=entry_id, data=OutgoingInput(
                subject="หนังสืออื่น", recipients=(PartyInput(name="ผู้อื่น"),))),
        ):
            with pytest.raises(Conflict) as err:
                call()
            assert err.value.code == "drafted"
        services.draft_mark_signed(tenant_id=a.pk, actor=clerk, draft_id=draft.pk, signer_name="นายเอ")
        with pytest.raises(Conflict):
            registry_services.entry_mark_dispatched(tenant_id=a.pk, actor=clerk, entry_id=entry_id, channel="post")
    login("a_central_clerk")
    page = client.get(f"/a/{a.slug}/registry/entries/{entry_id}/").content.decode()
    assert f"/drafting/{draft.pk}/" in page and "ใช้เลขที่จองนี้" not in page
