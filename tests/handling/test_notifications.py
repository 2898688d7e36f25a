"""Notifications (issue 4 §5) and the daily overdue reminder (§4): made where a letter reaches a holding
(presented, ordered back to the desk, distributed, assigned, memo, returned), routed to whoever holds or
acts for a post today and to the holders of delegated powers, never carrying a secret subject, one row per
recipient per event, read marks, preferences, e-mail through the outbox (sent once), and reminders once
per recipient per day however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from documents.handling import delegations, memos, notifications, services
from documents.models import Holding, Notification, NotificationKind, NotificationPreference
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import Job, Membership, User
from tenants.services import org
from tests.handling.conftest import finance, mayor, note, office, palad, register

pytestmark = pytest.mark.django_db


def _m(tenant, username: str) -> Membership:  # type: ignore[no-untyped-def]
    return Membership.objects.get(tenant_id=tenant.pk, user__username=username)


def _of(tenant, username: str, handling_id: int | None = None):  # type: ignore[no-untyped-def]
    qs = Notification.objects.filter(tenant_id=tenant.pk, membership=_m(tenant, username))
    return list(qs.filter(handling_id=handling_id) if handling_id else qs)


def _presented(a, clerk, chain, **kw):  # type: ignore[no-untyped-def]
    h = services.handling_start(tenant_id=a.pk, actor=clerk, entry_id=register(a, clerk, **kw).pk, note=note())
    return services.present(tenant_id=a.pk, actor=clerk, handling_id=h.pk, chain_id=chain.pk)


def test_each_holding_point_tells_its_holders_once(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain, urgency="003", subject="ขอให้รายงานผลด่วนมาก")
        hid = step.handling_id
        (n,) = _of(a, "a_head", hid)
        assert n.kind == NotificationKind.PRESENTED and n.urgency == "003" and n.count == 1
        assert "ขอให้รายงานผลด่วนมาก" in n.text and n.link == f"/a/{a.slug}/handling/letters/{hid}/"
        assert not _of(a, "a_central_clerk", hid)  # the actor is not told of their own action

        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ", order_units=[finance(a).pk])
        assert [x.kind for x in _of(a, "a_central_clerk", hid)] == [NotificationKind.ORDERED]
        assert [x.kind for x in _of(a, "multi", hid)] == [NotificationKind.ORDERED]  # every central clerk

        (unit_holding,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=hid)
        assert [x.kind for x in _of(a, "a_unit_clerk", hid)] == [NotificationKind.DISTRIBUTED]
        assert not _of(a, "a_officer", hid)  # an officer of the unit is not a holder until assigned
        services.unit_register(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk)
        services.assign(tenant_id=a.pk, actor=unit_clerk, holding_id=unit_holding.pk,
                        membership_ids=[_m(a, "a_officer").pk])
        assert [x.kind for x in _of(a, "a_officer", hid)] == [NotificationKind.ASSIGNED]
        assert notifications.unread_count(tenant_id=a.pk, actor=actor_of("a_officer", a)) >= 1


def test_a_return_tells_the_desk_and_a_forward_the_other_unit(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ", order_units=[finance(a).pk])
        (h1,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=step.handling_id)
        services.forward(tenant_id=a.pk, actor=unit_clerk, holding_id=h1.pk, unit_id=office(a).pk, reason="งานสำนักปลัด")
        # สำนักปลัด's holders: its head (a_head, unit office) — not the finance clerk who forwarded it
        assert NotificationKind.FORWARDED in [x.kind for x in _of(a, "a_head", step.handling_id)]
        (h2,) = list(Holding.objects.filter(handling_id=step.handling_id, status="open"))
        services.return_holding(tenant_id=a.pk, actor=head, holding_id=h2.pk, reason="ไม่ใช่งานของหน่วย")
        assert NotificationKind.RETURNED in [x.kind for x in _of(a, "a_central_clerk", step.handling_id)]


def test_a_post_reaches_whoever_acts_for_it_and_the_delegate(tenants, actor_of):
    """รักษาราชการแทน today reaches the acting officer; ปฏิบัติราชการแทน reaches the delegate's holder only for
    the letter kinds in scope; an assignment that ended reaches nobody."""
    a = tenants.a
    clerk, admin = actor_of("a_central_clerk", a), actor_of("a_agency_admin", a)
    with tenant_scope(a.pk):
        chain = services.chain_create(tenant_id=a.pk, actor=admin, name_th="เสนอนายก", position_ids=[mayor(a).pk])
        org.position_assign(tenant_id=a.pk, actor=None, position=mayor(a), membership=_m(a, "a_officer"),
                            starts_on=timezone.localdate(), kind="acting")
        org.position_assign(tenant_id=a.pk, actor=None, position=mayor(a), membership=_m(a, "a_unit_clerk"),
                            starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1))
        delegations.delegation_create(
            tenant_id=a.pk, actor=admin, from_position_id=mayor(a).pk, to_position_id=palad(a).pk,
            order_reference="คำสั่งที่ 9/2569", order_date=dt.date(2026, 1, 5), starts_on=dt.date(2026, 1, 5),
            letter_kinds=["external"])
        external = _presented(a, clerk, chain, kind="external")
        internal = _presented(a, clerk, chain, kind="internal")
        assert len(_of(a, "a_officer", external.handling_id)) == 1  # acting for the post
        assert len(_of(a, "a_officer", internal.handling_id)) == 1
        assert len(_of(a, "a_head", external.handling_id)) == 1  # the delegate (ปลัด), external in scope
        assert not _of(a, "a_head", internal.handling_id)  # internal letters are not delegated
        assert not _of(a, "a_unit_clerk", external.handling_id)  # the old holder


def test_a_secret_subject_never_goes_into_a_notification(tenants, actor_of, setup_a):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain, subject="เรื่องที่ไม่ลับ")
        step.handling.letter.secrecy = "002"  # (secret letters never enter handling; the rule holds regardless)
        step.handling.letter.subject = "แผนลับเฉพาะ"
        made = notifications.notify_holdings(tenant_id=a.pk, actor=clerk, holdings=[step], kind=NotificationKind.PRESENTED)
        assert made and all(n.text == notifications.SECRET_LETTER_TEXT for n in made)
        assert all("แผนลับ" not in n.text for n in made)
        subject, body = notifications.email_for(made[0], agency=a, user=made[0].membership.user)
        assert "แผนลับ" not in subject + body and notifications.SECRET_LETTER_TEXT in body


def test_one_row_per_recipient_per_event(tenants, actor_of):
    """A memo to two units both held by the same head is one notification counting two letters."""
    a = tenants.a
    head = actor_of("a_head", a)
    with tenant_scope(a.pk):
        clerk = actor_of("a_central_clerk", a)
        handling = memos.memo_send(tenant_id=a.pk, actor=clerk, idempotency_key=None, memo=memos.MemoInput(
            from_unit_id=finance(a).pk, subject="ขอเชิญประชุม", body="ขอเชิญประชุม", unit_ids=[office(a).pk],
            position_ids=[palad(a).pk]))
        (n,) = _of(a, "a_head", handling.pk)
        assert n.kind == NotificationKind.MEMO and n.count == 2
        assert notifications.unread_count(tenant_id=a.pk, actor=head) >= 1


def test_read_marks_are_the_readers_own(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, officer = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_officer", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain)
        (n,) = _of(a, "a_head", step.handling_id)
        with pytest.raises(NotFoundInTenant):
            notifications.mark_read(tenant_id=a.pk, actor=officer, notification_id=n.pk)
        before = notifications.unread_count(tenant_id=a.pk, actor=head)
        notifications.mark_read(tenant_id=a.pk, actor=head, notification_id=n.pk)
        again = notifications.mark_read(tenant_id=a.pk, actor=head, notification_id=n.pk)
        assert again.read_at is not None and notifications.unread_count(tenant_id=a.pk, actor=head) == before - 1
        _presented(a, clerk, chain)
        assert notifications.mark_all_read(tenant_id=a.pk, actor=head) >= 1
        assert notifications.unread_count(tenant_id=a.pk, actor=head) == 0


def test_email_is_queued_with_the_notification_and_sent_once(tenants, actor_of, setup_a, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a = tenants.a
    clerk, head = actor_of("a_central_clerk", a), actor_of("a_head", a)
    User.objects.filter(username="a_head").update(email="head@tenant-a.example")
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain, urgency="002")
        (n,) = _of(a, "a_head", step.handling_id)
        job = Job.objects.get(tenant_id=a.pk, kind=notifications.EMAIL_JOB_KIND, idempotency_key=f"notification:{n.pk}")
        assert job.args == {"notification_id": n.pk}
        mail.outbox.clear()
        assert notifications.email_job(tenant_id=a.pk, job_id=job.pk, notification_id=n.pk)["sent_to"]
        assert notifications.email_job(tenant_id=a.pk, job_id=job.pk, notification_id=n.pk) == {"skipped": "already sent"}
        (sent,) = mail.outbox
        assert sent.to == ["head@tenant-a.example"] and "[ด่วน]" in sent.subject and n.link in sent.body

        # urgent only: a normal letter is in the bell, not in the mail
        notifications.preference_update(tenant_id=a.pk, actor=head, email_enabled=True, email_urgent_only=True,
                                        email_overdue=False)
        normal = _presented(a, clerk, chain)
        (n2,) = _of(a, "a_head", normal.handling_id)
        assert not Job.objects.filter(tenant_id=a.pk, idempotency_key=f"notification:{n2.pk}").exists()
        NotificationPreference.objects.filter(tenant_id=a.pk, membership_id=head.membership_id).update(email_enabled=False)
        urgent = _presented(a, clerk, chain, urgency="004")
        (n3,) = _of(a, "a_head", urgent.handling_id)
        assert not Job.objects.filter(tenant_id=a.pk, idempotency_key=f"notification:{n3.pk}").exists()


def test_overdue_list_and_reminders_once_a_day(tenants, actor_of, setup_a):
    a = tenants.a
    clerk, head, unit_clerk = actor_of("a_central_clerk", a), actor_of("a_head", a), actor_of("a_unit_clerk", a)
    officer = actor_of("a_officer", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain)
        services.endorse(tenant_id=a.pk, actor=head, holding_id=step.pk, phrase="มอบ", order_units=[finance(a).pk])
        (uh,) = services.distribute(tenant_id=a.pk, actor=clerk, handling_id=step.handling_id)
        services.unit_register(tenant_id=a.pk, actor=unit_clerk, holding_id=uh.pk)
        (task,) = services.assign(tenant_id=a.pk, actor=unit_clerk, holding_id=uh.pk,
                                  membership_ids=[_m(a, "a_officer").pk], due_on=timezone.localdate())
        later = timezone.localdate() + dt.timedelta(days=3)
        assert task.pk not in {h.pk for h in notifications.overdue(officer, tenant_id=a.pk)}
        for who in (officer, unit_clerk, clerk, head):  # own; assigned by them; agency-wide readers
            assert task.pk in {h.pk for h in notifications.overdue(who, tenant_id=a.pk, today=later)}, who
        other_unit = actor_of("a_agency_admin", a)
        assert task.pk not in {h.pk for h in notifications.overdue(other_unit, tenant_id=a.pk, today=later)}

        made = notifications.overdue_remind(tenant_id=a.pk, today=later)
        assert made >= 1
        (r,) = [n for n in _of(a, "a_officer") if n.kind == NotificationKind.OVERDUE]
        assert r.count >= 1 and r.dedupe_key == f"overdue:{later.isoformat()}" and r.link == f"/a/{a.slug}/handling/overdue/"
        assert notifications.overdue_remind(tenant_id=a.pk, today=later) == 0  # the job ran again: nothing new
        assert len([n for n in _of(a, "a_officer") if n.kind == NotificationKind.OVERDUE]) == 1
        notifications.overdue_remind(tenant_id=a.pk, today=later + dt.timedelta(days=1))  # the next day: again
        assert len([n for n in _of(a, "a_officer") if n.kind == NotificationKind.OVERDUE]) == 2


def test_the_beat_queues_one_job_per_agency_per_day(tenants):
    queued = notifications.overdue_remind_all()
    again = notifications.overdue_remind_all()
    assert queued == again >= 2
    day = timezone.localdate().isoformat()
    with tenant_scope(tenants.a.pk):
        assert Job.objects.filter(tenant_id=tenants.a.pk, kind=notifications.OVERDUE_JOB_KIND,
                                  idempotency_key=f"overdue-remind:{day}").count() == 1


def test_notifying_costs_the_same_few_queries_whoever_is_told(tenants, actor_of, setup_a):
    """Recipients are resolved in a fixed handful of queries (posts, delegations, roles, units, members),
    however many holdings and people an event reaches; the bell is one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents.models import HolderKind

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        chain, _ = setup_a()
        step = _presented(a, clerk, chain)
        handling = Holding.objects.select_related("handling__letter", "handling__entry").get(pk=step.pk).handling

        def made(kind: str, **target):  # type: ignore[no-untyped-def]
            return services._holding(a.pk, clerk, handling, kind, "distribute", **target)

        small = [made(HolderKind.UNIT, unit=finance(a).pk), made(HolderKind.POSITION, position=palad(a).pk),
                 made(HolderKind.MEMBER, membership=_m(a, "a_officer").pk)]
        big = small + [made(HolderKind.UNIT, unit=office(a).pk), made(HolderKind.DESK),
                       made(HolderKind.POSITION, position=mayor(a).pk),
                       made(HolderKind.MEMBER, membership=_m(a, "a_unit_clerk").pk)]
        counts = []
        for holdings in (small, big):
            with CaptureQueriesContext(connection) as q:
                told = notifications.notify_holdings(tenant_id=a.pk, actor=None, holdings=holdings,
                                                     kind=NotificationKind.DISTRIBUTED)
            counts.append(len(q.captured_queries))
            assert len({n.membership_id for n in told}) == len(told)  # one row per recipient
        assert counts[0] == counts[1] <= 12, counts
        head = actor_of("a_head", a)
        with CaptureQueriesContext(connection) as q:
            notifications.unread_count(tenant_id=a.pk, actor=head)
        assert len(q.captured_queries) == 1
