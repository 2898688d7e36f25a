"""Notifications (issue 4 §5) and the daily overdue reminder (§4).

- ``notify_holdings`` is called by the handling services (services.py, memos.py) right where a letter
  reaches someone's holding: presented to a post, back at the desk to distribute, distributed or sent
  for information to a unit or post, assigned to an officer, a memo received, returned, forwarded. It
  resolves who holds each new holding *today* — the same rules as the inbox (documents.handling.access):
  a post reaches whoever holds it or acts for it (รักษาราชการแทน) and the holders of posts its powers are
  delegated to (ปฏิบัติราชการแทน, within the delegation's letter kinds); a unit its clerks and heads; the
  desk the central clerks; an officer themself — and writes **one row per recipient per event** (the
  actor is not told of their own action). A few queries per event, whatever the number of people.
- Texts carry the urgency, a count and a link, and **never a secret letter's subject**: for a secret
  letter the text is ``SECRET_LETTER_TEXT`` ("มีหนังสือลับรอดำเนินการ") (secret letters are kept out of handling anyway).
- E-mail goes through the job outbox: a ``notifications.email`` job per notification, enqueued in the
  same transaction (a rollback leaves neither), keyed by the notification id, sent once (``emailed_at``).
- ``overdue_remind`` (job ``notifications.overdue``, one per agency per day, queued by the beat task
  ``documents.overdue_remind_all``): one reminder per recipient per day with the number of overdue
  letters they hold (``dedupe_key = overdue:<date>``), never twice however often it runs.

Reads: ``unread_count``, ``notifications_list``, ``preference_get``, ``overdue``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from documents.handling import tasks  # noqa: F401  (registers the beat task with Celery)
from documents.handling.access import holder_of
from documents.handling.selectors import _held_q, _may_read_all
from documents.models import (
    Delegation,
    HolderKind,
    Holding,
    HoldingStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    Urgency,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.jobs_registry import job_handler
from tenants.models import Agency, Membership, PositionAssignment, RoleGrant, User
from tenants.permissions import Actor
from tenants.roles import Role
from tenants.services.jobs import job_enqueue

log = logging.getLogger(__name__)

EMAIL_JOB_KIND = "notifications.email"
OVERDUE_JOB_KIND = "notifications.overdue"
SECRET_LETTER_TEXT = "มีหนังสือลับรอดำเนินการ"  # noqa: S105 (a message, not a password)
LIST_LIMIT = 100
OVERDUE_LIMIT = 200
URGENT = (Urgency.URGENT, Urgency.VERY_URGENT, Urgency.MOST_URGENT)

# What each kind says (Thai, as stored; the pages show the kind's label beside it in the reader's language).
LEADS = {
    NotificationKind.PRESENTED: "เสนอหนังสือถึงท่าน",
    NotificationKind.ORDERED: "ผู้บริหารสั่งการแล้ว รอแจกจ่าย",
    NotificationKind.DISTRIBUTED: "หนังสือแจกจ่ายถึงท่าน",
    NotificationKind.INFORMED: "หนังสือส่งถึงท่านเพื่อทราบ",
    NotificationKind.ASSIGNED: "มอบหมายให้ท่านปฏิบัติ",
    NotificationKind.MEMO: "บันทึกข้อความถึงท่าน",
    NotificationKind.RETURNED: "หนังสือถูกส่งคืน",
    NotificationKind.FORWARDED: "หนังสือส่งต่อถึงท่าน",
    NotificationKind.CIRCULATED: "หนังสือเวียนแจ้งถึงท่าน โปรดกดรับทราบ",
    NotificationKind.DRAFT_REVIEW: "ร่างหนังสือรอท่านตรวจและลงชื่อกำกับ",
    NotificationKind.DRAFT_RETURN: "ร่างหนังสือของท่านถูกส่งคืนแก้ไข",
    NotificationKind.DRAFT_DESK: "ร่างหนังสือตรวจครบแล้ว รอสารบรรณกลางตรวจและออกเลข",
}


# --- who holds a holding today --------------------------------------------------------------------------------
def _today_q(day: dt.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def _holders_of_posts(tenant_id: int, position_ids: Iterable[int], day: dt.date) -> dict[int, set[int]]:
    """post -> active memberships holding or acting for it today (one query)."""
    out: dict[int, set[int]] = defaultdict(set)
    ids = sorted(set(position_ids))
    if ids:
        for pos, m in (PositionAssignment.objects.filter(tenant_id=tenant_id, position_id__in=ids, membership__is_active=True)
                       .filter(_today_q(day)).values_list("position_id", "membership_id")):
            out[pos].add(m)
    return out


def _roles_of_members(tenant_id: int, roles: Sequence[str], day: dt.date) -> dict[int, set[str]]:
    """membership -> which of ``roles`` it has today (granted directly or to a post it holds): two queries."""
    out: dict[int, set[str]] = defaultdict(set)
    by_post: dict[int, set[str]] = defaultdict(set)
    for m, pos, role in RoleGrant.objects.filter(tenant_id=tenant_id, role__in=list(roles)).values_list(
            "membership_id", "position_id", "role"):
        if m is not None:
            out[m].add(role)
        else:
            by_post[pos].add(role)
    for pos, members in _holders_of_posts(tenant_id, by_post, day).items():
        for m in members:
            out[m] |= by_post[pos]
    return out


def recipients(*, tenant_id: int, holdings: Sequence[Holding], today: dt.date | None = None) -> dict[int, set[int]]:
    """holding id -> the active memberships who hold it today (the inbox's rules, in a few queries)."""
    day = today or timezone.localdate()
    posts = {h.position_id for h in holdings if h.holder_kind == HolderKind.POSITION}
    units = {h.unit_id for h in holdings if h.holder_kind == HolderKind.UNIT}
    desk = any(h.holder_kind == HolderKind.DESK for h in holdings)
    delegated: dict[int, list[tuple[int, frozenset[str]]]] = defaultdict(list)  # from post -> (to post, kinds)
    if posts:
        for frm, to, kinds in (Delegation.objects.filter(tenant_id=tenant_id, from_position_id__in=sorted(posts),
                                                        revoked_at__isnull=True).filter(_today_q(day))
                               .values_list("from_position_id", "to_position_id", "letter_kinds")):
            delegated[frm].append((to, frozenset(kinds or ())))
    holders = _holders_of_posts(tenant_id, posts | {to for grants in delegated.values() for to, _ in grants}, day)
    roles: dict[int, set[str]] = {}
    unit_of: dict[int, int | None] = {}
    if units or desk:
        roles = _roles_of_members(tenant_id, [Role.CENTRAL_CLERK, Role.UNIT_CLERK, Role.HEAD], day)
        unit_of = dict(Membership.objects.filter(tenant_id=tenant_id, pk__in=sorted(roles), is_active=True)
                       .values_list("pk", "unit_id"))
    members = {h.membership_id for h in holdings if h.holder_kind == HolderKind.MEMBER}
    active = set(Membership.objects.filter(tenant_id=tenant_id, pk__in=sorted(members), is_active=True)
                 .values_list("pk", flat=True)) if members else set()
    out: dict[int, set[int]] = {}
    for h in holdings:
        got: set[int] = set()
        if h.holder_kind == HolderKind.POSITION:
            got |= holders.get(h.position_id, set())
            kind = h.handling.letter.kind
            for to, kinds in delegated.get(h.position_id, ()):
                if not kinds or kind in kinds:
                    got |= holders.get(to, set())
        elif h.holder_kind == HolderKind.UNIT:  # its clerks (a unit-scoped clerk) and its heads
            got = {m for m, rs in roles.items() if m in unit_of and unit_of[m] == h.unit_id
                   and (Role.HEAD in rs or (Role.UNIT_CLERK in rs and Role.CENTRAL_CLERK not in rs))}
        elif h.holder_kind == HolderKind.DESK:
            got = {m for m, rs in roles.items() if m in unit_of and Role.CENTRAL_CLERK in rs}
        elif h.membership_id in active:
            got = {h.membership_id}
        out[h.pk] = got
    return out


# --- writing ------------------------------------------------------------------------------------------------
def _letter_text(kind: str, holding: Holding) -> str:
    """"<what happened> เลขที่ <number> เรื่อง <subject>" — a secret letter says only that one is waiting."""
    letter = holding.handling.letter
    if letter.is_secret or letter.is_sealed:
        return SECRET_LETTER_TEXT
    number = holding.handling.entry.number_label
    return f"{LEADS.get(kind, '')} เลขที่ {number} เรื่อง {letter.subject}"[:300]


def _link(tenant_id: int, handling_id: int, slugs: dict[int, str]) -> str:
    if tenant_id not in slugs:
        slugs[tenant_id] = Agency.objects.filter(pk=tenant_id).values_list("slug", flat=True).get()
    return reverse("handling-letter", kwargs={"agency": slugs[tenant_id], "handling_id": handling_id})


def _wants_email(pref: NotificationPreference | None, kind: str, urgency: str) -> bool:
    if pref is None:
        return True
    if not pref.email_enabled:
        return False
    if kind == NotificationKind.OVERDUE:
        return pref.email_overdue
    return not pref.email_urgent_only or urgency in URGENT


def _store(tenant_id: int, rows: list[Notification]) -> list[Notification]:
    """Insert the rows and queue an e-mail for each recipient who wants one and has an address (all in
    the caller's transaction)."""
    if not rows:
        return []
    made = Notification.objects.bulk_create(rows)
    ids = sorted({n.membership_id for n in made})
    prefs = {p.membership_id: p for p in NotificationPreference.objects.filter(tenant_id=tenant_id, membership_id__in=ids)}
    with_email = set(Membership.objects.filter(tenant_id=tenant_id, pk__in=ids).exclude(user__email="")
                     .values_list("pk", flat=True))
    for n in made:
        if n.membership_id in with_email and _wants_email(prefs.get(n.membership_id), n.kind, n.urgency):
            job_enqueue(tenant_id=tenant_id, kind=EMAIL_JOB_KIND, args={"notification_id": n.pk},
                        idempotency_key=f"notification:{n.pk}")
    return made


def notify_holdings(*, tenant_id: int, actor: Actor | None, holdings: Sequence[Holding], kind: str) -> list[Notification]:
    """Tell whoever holds each new holding that the letter reached them: one row per recipient for this
    event (a person who holds two of the new holdings gets one row counting both); the actor is left out."""
    if not holdings:
        return []
    who = recipients(tenant_id=tenant_id, holdings=holdings)
    per_member: dict[int, list[Holding]] = defaultdict(list)
    for h in holdings:
        for m in sorted(who.get(h.pk, ())):
            if actor is None or m != actor.membership_id:
                per_member[m].append(h)
    slugs: dict[int, str] = {}
    rows = []
    for m, hs in sorted(per_member.items()):
        first = hs[0]
        letter = first.handling.letter
        rows.append(Notification(
            tenant_id=tenant_id, membership_id=m, kind=kind, urgency=letter.urgency, count=len(hs),
            text=_letter_text(kind, first), link=_link(tenant_id, first.handling_id, slugs), handling_id=first.handling_id,
        ))
    return _store(tenant_id, rows)


def notify_circulation(*, tenant_id: int, actor: Actor, circulation: Any, membership_ids: Sequence[int]) -> list[Notification]:
    """Tell each person a circulation reached (เวียนแจ้ง) that it waits for their รับทราบ: one row each,
    linked to the circulation's page (opening it there is not acknowledging)."""
    handling = circulation.handling
    letter = handling.letter
    text = (SECRET_LETTER_TEXT if letter.is_secret or letter.is_sealed else
            f"{LEADS[NotificationKind.CIRCULATED]} เลขที่ {handling.entry.number_label} เรื่อง {letter.subject}"[:300])
    slug = Agency.objects.filter(pk=tenant_id).values_list("slug", flat=True).get()
    link = reverse("handling-circulation", kwargs={"agency": slug, "circulation_id": circulation.pk})
    return _store(tenant_id, [
        Notification(tenant_id=tenant_id, membership_id=m, kind=NotificationKind.CIRCULATED, urgency=letter.urgency,
                     text=text, link=link, handling_id=handling.pk)
        for m in sorted(set(membership_ids)) if m != actor.membership_id
    ])


def members_at_posts(*, tenant_id: int, position_ids: Iterable[int], today: dt.date | None = None) -> set[int]:
    """The active memberships holding or acting for any of these posts today."""
    out: set[int] = set()
    for members in _holders_of_posts(tenant_id, position_ids, today or timezone.localdate()).values():
        out |= members
    return out


def members_with_role(*, tenant_id: int, role: str, today: dt.date | None = None) -> set[int]:
    """The memberships that have ``role`` today (granted directly or to a post they hold)."""
    return {m for m, roles in _roles_of_members(tenant_id, [role], today or timezone.localdate()).items() if role in roles}


def notify_members(*, tenant_id: int, actor: Actor | None, membership_ids: Iterable[int], kind: str, text: str,
                   link: str, urgency: str = Urgency.NORMAL) -> list[Notification]:
    """One notification (and its e-mail, by preference) per member, the actor left out: for work that is
    not a letter in hand (a draft waiting for review, a draft sent back)."""
    return _store(tenant_id, [
        Notification(tenant_id=tenant_id, membership_id=m, kind=kind, urgency=urgency, text=text[:300], link=link)
        for m in sorted(set(membership_ids)) if actor is None or m != actor.membership_id
    ])


def _owned(tenant_id: int, actor: Actor) -> QuerySet[Notification]:
    return Notification.objects.filter(tenant_id=tenant_id, membership_id=actor.membership_id or 0)


def mark_read(*, tenant_id: int, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (again: no change). Another's is answered like a
    missing one."""
    n = _owned(tenant_id, actor).filter(pk=notification_id).first()
    if n is None:
        raise NotFoundInTenant()
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n


def mark_all_read(*, tenant_id: int, actor: Actor) -> int:
    return _owned(tenant_id, actor).filter(read_at__isnull=True).update(read_at=timezone.now())


def preference_update(*, tenant_id: int, actor: Actor, email_enabled: bool, email_urgent_only: bool,
                      email_overdue: bool) -> NotificationPreference:
    if actor.membership_id is None:
        raise NotFoundInTenant()
    pref, _ = NotificationPreference.objects.update_or_create(
        tenant_id=tenant_id, membership_id=actor.membership_id,
        defaults={"email_enabled": bool(email_enabled), "email_urgent_only": bool(email_urgent_only),
                  "email_overdue": bool(email_overdue)})
    return pref


# --- reading ------------------------------------------------------------------------------------------------
def unread_count(*, tenant_id: int, actor: Actor) -> int:
    """The bell: one query on the partial index of unread rows."""
    if actor.membership_id is None:
        return 0
    return _owned(tenant_id, actor).filter(read_at__isnull=True).count()


def notifications_list(*, tenant_id: int, actor: Actor, unread_only: bool = False) -> list[Notification]:
    qs = _owned(tenant_id, actor)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return list(qs.order_by("-created_at", "-id")[:LIST_LIMIT])


def preference_get(*, tenant_id: int, actor: Actor) -> NotificationPreference:
    """The actor's preferences (the defaults, unsaved, when they never chose)."""
    found = NotificationPreference.objects.filter(tenant_id=tenant_id, membership_id=actor.membership_id or 0).first()
    return found or NotificationPreference(tenant_id=tenant_id, membership_id=actor.membership_id)


def overdue(actor: Actor, *, tenant_id: int, today: dt.date | None = None) -> list[Holding]:
    """หนังสือเกินกำหนด: open holdings past their due date, most overdue first. Agency-wide readers (central
    clerks, heads, the registrar, auditors) see the agency's; anyone else those they hold or passed on
    (a unit clerk: the officers it assigned; an officer: their own)."""
    day = today or timezone.localdate()
    qs = (Holding.objects.filter(tenant_id=tenant_id, status=HoldingStatus.OPEN, due_on__lt=day)
          .select_related("handling", "handling__entry", "handling__letter", "position", "unit", "membership__user",
                          "passed_by"))
    if not _may_read_all(actor, tenant_id):
        q = _held_q(holder_of(actor, tenant_id=tenant_id))
        if q is None:
            return []
        mine = Holding.objects.filter(tenant_id=tenant_id).filter(q).values("pk")
        qs = qs.filter(Q(pk__in=mine) | Q(parent_id__in=mine))
    rows = list(qs.order_by("due_on", "received_at", "id")[:OVERDUE_LIMIT])
    for h in rows:
        h.days_over = (day - h.due_on).days
    return rows


# --- the daily reminder ---------------------------------------------------------------------------------------
def overdue_remind(*, tenant_id: int, today: dt.date | None = None) -> int:
    """One reminder per recipient per day for the overdue letters they hold (count, most urgent, a link to
    the overdue list); whoever already has today's gets none. Returns the reminders made."""
    day = today or timezone.localdate()
    key = f"overdue:{day.isoformat()}"
    holdings = list(Holding.objects.filter(tenant_id=tenant_id, status=HoldingStatus.OPEN, due_on__lt=day)
                    .select_related("handling", "handling__letter"))
    if not holdings:
        return 0
    who = recipients(tenant_id=tenant_id, holdings=holdings, today=day)
    counts: dict[int, int] = defaultdict(int)
    urgency: dict[int, str] = {}
    for h in holdings:
        for m in who.get(h.pk, ()):
            counts[m] += 1
            urgency[m] = max(urgency.get(m, Urgency.NORMAL), h.handling.letter.urgency)
    done = set(Notification.objects.filter(tenant_id=tenant_id, dedupe_key=key, membership_id__in=sorted(counts))
               .values_list("membership_id", flat=True))
    slug = Agency.objects.filter(pk=tenant_id).values_list("slug", flat=True).get()
    link = reverse("overdue", kwargs={"agency": slug})
    rows = [Notification(tenant_id=tenant_id, membership_id=m, kind=NotificationKind.OVERDUE, urgency=urgency[m],
                         count=n, text=f"มีหนังสือเกินกำหนดที่ท่านถืออยู่ {n} เรื่อง", link=link, dedupe_key=key)
            for m, n in sorted(counts.items()) if m not in done]
    return len(_store(tenant_id, rows))


def overdue_remind_all() -> int:
    """Queue one ``notifications.overdue`` job per active agency, keyed by the day (Celery beat calls this;
    a second beat the same day queues nothing). Each agency is visited in its own scope."""
    day = timezone.localdate().isoformat()
    queued = 0
    for agency_id in Agency.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        with tenant_scope(agency_id):
            job_enqueue(tenant_id=agency_id, kind=OVERDUE_JOB_KIND, args={"day": day},
                        idempotency_key=f"overdue-remind:{day}")
        queued += 1
    return queued


@job_handler(OVERDUE_JOB_KIND)
def overdue_job(*, tenant_id: int, job_id: int, day: str | None = None, **_: Any) -> dict[str, Any]:
    made = overdue_remind(tenant_id=tenant_id, today=dt.date.fromisoformat(day) if day else None)
    return {"reminders": made}


# --- e-mail ---------------------------------------------------------------------------------------------------
def email_for(n: Notification, *, agency: Agency, user: User) -> tuple[str, str]:
    """(subject, body): the urgency, the count, the link; the stored text, which never holds a secret subject."""
    label = str(NotificationKind(n.kind).label)
    urgency = "" if n.urgency == Urgency.NORMAL else f"[{Urgency(n.urgency).label}] "
    subject = f"{urgency}{label} ({n.count} เรื่อง) – {agency.name_th}"
    base = getattr(settings, "EOFFICE_SITE_URL", "").rstrip("/")
    body = "\n".join([
        f"เรียน {user.display_name_th}",
        "",
        n.text,
        f"จำนวน {n.count} เรื่อง" + (f" ชั้นความเร็ว {Urgency(n.urgency).label}" if n.urgency != Urgency.NORMAL else ""),
        "",
        f"เปิดดู: {base}{n.link}",
        "",
        "ข้อความนี้ส่งโดยอัตโนมัติจากระบบสารบรรณอิเล็กทรอนิกส์ ตั้งค่าการแจ้งเตือนได้ที่หน้าการแจ้งเตือน",
        agency.name_th,
    ])
    return subject[:250], body


@job_handler(EMAIL_JOB_KIND)
def email_job(*, tenant_id: int, job_id: int, notification_id: int, **_: Any) -> dict[str, Any]:
    """Send one notification by e-mail, once (``emailed_at``, locked): a re-run after success sends nothing;
    an SMTP failure raises, rolls ``emailed_at`` back and the job retries."""
    n = (Notification.objects.select_for_update(of=("self",)).select_related("membership__user")
         .filter(tenant_id=tenant_id, pk=notification_id).first())
    if n is None:
        return {"skipped": "notification not found"}
    if n.emailed_at is not None:
        return {"skipped": "already sent"}
    user = n.membership.user
    pref = NotificationPreference.objects.filter(tenant_id=tenant_id, membership_id=n.membership_id).first()
    if not user.email or not n.membership.is_active or not _wants_email(pref, n.kind, n.urgency):
        return {"skipped": "no address or e-mail off"}
    agency = Agency.objects.get(pk=tenant_id)
    subject, body = email_for(n, agency=agency, user=user)
    n.emailed_at = timezone.now()
    n.save(update_fields=["emailed_at"])
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)  # last
    return {"sent_to": user.email, "notification": n.pk}
