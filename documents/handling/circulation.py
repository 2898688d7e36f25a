"""Internal circulation (เวียนแจ้ง, issue 4 §3): a registered letter or circular made known to all staff of
the agency, to units (their members, and the members of the units below them) or to positions (whoever
holds or acts for them — รักษาราชการแทน — on the day).

    circulate (the audience expanded to memberships now: a snapshot) -> each person opens it (opened_at)
    -> presses รับทราบ (acknowledged_at, their name and post as printed, a timeline line) -> closed when
    the last person acknowledged, or by its sender.

Who may circulate follows the handling flow's own rules (``documents.handling.access``): the central
desk, to anyone; a unit's clerk or head, to their unit and the units below it (or posts in them). Either
must be able to see the letter (``selectors.handling_get``). Secret letters never enter the handling flow,
and a letter that is (or was made) secret is refused here too, so no circulation carries a secret
subject. The sender is not one of the audience, and nobody already reached by an earlier circulation of
the same letter is reached again.

Writes run in the caller's tenant scope; the recipient row is locked (``FOR UPDATE``) before it is checked,
so a double click gets "already acknowledged" (409), never a second line. The reads (the outstanding list,
the sender's status page, the sign-off sheet) are at the end of this module."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from documents.handling import notifications, selectors
from documents.handling.access import Holder, holder_of
from documents.handling.errors import HandlingError, NotAllowed, WrongState
from documents.handling.services import NOTE_MAX, _clean, _event, _ids_in_tenant, _names, _not_read_only
from documents.models import (
    AudienceKind,
    BookKind,
    Circulation,
    CirculationRecipient,
    EntryStatus,
    EventKind,
    Handling,
    HandlingState,
    RegistryEntry,
    Secrecy,
)
from eoffice.common.exceptions import NotFoundInTenant
from tenants import selectors as tenant_selectors
from tenants.models import AssignmentKind, Membership, OrgUnit, Position, PositionAssignment
from tenants.permissions import Actor
from tenants.roles import Action, Scope
from tenants.services.audit import audit_record

OUTSTANDING_LIMIT = 100
SENT_LIMIT = 50


def _reach(tenant_id: int, holder: Holder) -> list[int] | None:
    """The units whose people this holder may circulate to: None = the whole agency (the central desk)."""
    if holder.read_only:
        return []
    if holder.desk:
        return None
    if holder.unit_id:
        return tenant_selectors.org_unit_and_below_ids(tenant_id=tenant_id, unit_id=holder.unit_id)
    return []


# the agency's own letters its staff are told of: its circulars (ว), orders, announcements, outgoing letters
OWN_BOOKS = (BookKind.CIRCULAR, BookKind.ORDERS, BookKind.ANNOUNCEMENTS, BookKind.CENTRAL_OUTGOING)


def may_circulate_own(actor: Actor, *, entry: RegistryEntry) -> bool:
    """Whether the entry page offers "เวียนแจ้งภายใน" on one of the agency's own letters."""
    return (entry.book.kind in OWN_BOOKS and entry.letter is not None and entry.letter.secrecy == Secrecy.NORMAL
            and entry.status != EntryStatus.ANNULLED and entry.status != EntryStatus.RESERVED
            and holder_of(actor, tenant_id=entry.tenant_id).desk)


def own_letter_handling(*, tenant_id: int, actor: Actor, entry_id: int) -> Handling:
    """The handling record a circulation of the agency's own circular, order or announcement hangs on: made
    once per entry by the central desk, closed from the start (nobody holds it; only its circulations
    run). An entry that already has one (a memo, say) keeps it."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    if not holder.desk:
        raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณกลางเวียนแจ้งหนังสือของหน่วยงาน",
                         "Only the central desk circulates the agency's own letters.")
    entry = (RegistryEntry.objects.select_for_update(of=("self",)).select_related("letter", "book")
             .filter(tenant_id=tenant_id, pk=entry_id).first())
    if entry is None or entry.letter is None:
        raise NotFoundInTenant()
    existing = Handling.objects.filter(tenant_id=tenant_id, entry=entry).first()
    if existing is not None:
        return existing
    if entry.book.kind not in OWN_BOOKS:
        raise WrongState("เวียนแจ้งภายในได้เฉพาะหนังสือเวียน คำสั่ง ประกาศ หรือหนังสือส่งของหน่วยงาน (หนังสือรับให้เกษียนก่อน)",
                         "Only the agency's own circulars, orders, announcements or outgoing letters are circulated "
                         "this way (note a received letter first).", code="not_own_letter")
    if entry.letter.secrecy != Secrecy.NORMAL:
        raise WrongState("หนังสือลับไม่เวียนแจ้ง", "Secret letters are not circulated.", code="secret_not_circulated")
    if entry.status in (EntryStatus.ANNULLED, EntryStatus.RESERVED):
        raise WrongState("เลขนี้ถูกยกเลิกหรือยังเป็นเลขจอง", "This number was annulled or is only reserved.",
                         code="not_issued")
    return Handling.objects.create(tenant_id=tenant_id, entry=entry, letter=entry.letter, created_by_id=actor.user_id,
                                   state=HandlingState.CLOSED, closed_at=timezone.now())


def may_circulate(actor: Actor, *, tenant_id: int, handling: Handling) -> bool:
    """Whether the page offers "เวียนแจ้ง" on this letter (the service checks again, with the audience)."""
    letter = handling.letter
    if letter.secrecy != Secrecy.NORMAL:
        return False
    return _reach(tenant_id, holder_of(actor, tenant_id=tenant_id)) != []


def audience_choices(*, tenant_id: int, actor: Actor) -> tuple[bool, list[OrgUnit], list[Position]]:
    """(may circulate to everyone, the units, the posts) this actor may name."""
    reach = _reach(tenant_id, holder_of(actor, tenant_id=tenant_id))
    units = [u for u in tenant_selectors.org_units_list(tenant_id=tenant_id) if u.is_active]
    posts = [p for p in tenant_selectors.positions_list(tenant_id=tenant_id) if p.is_active]
    if reach is None:
        return True, units, posts
    inside = set(reach or ())
    return False, [u for u in units if u.pk in inside], [p for p in posts if p.unit_id in inside]


def _expand(tenant_id: int, kind: str, units: list[int], positions: list[int]) -> dict[int, str]:
    """The audience as it stands now: membership id -> the post printed beside the name (the post named,
    for a positions audience; else the person's own first post today, if any)."""
    today = timezone.localdate()
    held = (PositionAssignment.objects.filter(tenant_id=tenant_id, starts_on__lte=today,
                                              membership__is_active=True)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("position")
            .order_by("kind", "position__title_th", "id"))
    if kind == AudienceKind.POSITIONS:
        out: dict[int, str] = {}
        for a in held.filter(position_id__in=positions):
            title = a.position.title_th
            out.setdefault(a.membership_id, f"รักษาราชการแทน {title}" if a.kind == AssignmentKind.ACTING else title)
        return out
    members = Membership.objects.filter(tenant_id=tenant_id, is_active=True)
    if kind == AudienceKind.UNITS:
        below: set[int] = set()
        for u in units:
            below.update(tenant_selectors.org_unit_and_below_ids(tenant_id=tenant_id, unit_id=u))
        members = members.filter(unit_id__in=sorted(below))
    ids = list(members.values_list("pk", flat=True))
    posts: dict[int, str] = {}
    for a in held.filter(membership_id__in=ids):
        posts.setdefault(a.membership_id, a.position.title_th)
    return {m: posts.get(m, "") for m in ids}


def circulate(*, tenant_id: int, actor: Actor, handling_id: int, audience: str, unit_ids: Sequence[int] = (),
              position_ids: Sequence[int] = (), note: str = "") -> Circulation:
    """Circulate a letter (เวียนแจ้ง) to everyone, units or posts: one recipient row per person reached now."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    handling = selectors.handling_get(actor, tenant_id=tenant_id, handling_id=handling_id)  # 404 when not visible
    if handling.letter.secrecy != Secrecy.NORMAL:
        raise HandlingError("หนังสือลับเวียนแจ้งในระบบไม่ได้ ให้นายทะเบียนข้อมูลข่าวสารลับแจ้งผู้มีสิทธิ์โดยตรง",
                            "Secret letters can't be circulated; the secret-information registrar informs those "
                            "entitled directly.", code="secret_not_circulated")
    if handling.entry.status == EntryStatus.ANNULLED:
        raise WrongState("เลขรับนี้ถูกยกเลิกแล้ว", "This entry was annulled.", code="annulled")
    reach = _reach(tenant_id, holder)
    if reach == []:
        raise NotAllowed("เฉพาะเจ้าหน้าที่สารบรรณกลาง สารบรรณหน่วยงาน หรือหัวหน้าหน่วยงาน เวียนแจ้งหนังสือได้",
                         "Only the central desk, a unit's clerk or its head may circulate letters.")
    if audience not in AudienceKind.values:
        raise HandlingError("กรุณาเลือกผู้รับการเวียนแจ้ง", "Choose who the letter is circulated to.", field="audience")
    units = _ids_in_tenant(OrgUnit, tenant_id, unit_ids, field="unit_ids") if audience == AudienceKind.UNITS else []
    posts = (_ids_in_tenant(Position, tenant_id, position_ids, field="position_ids")
             if audience == AudienceKind.POSITIONS else [])
    if audience == AudienceKind.UNITS and not units:
        raise HandlingError("กรุณาเลือกหน่วยงานอย่างน้อยหนึ่งหน่วย", "Choose at least one unit.", field="unit_ids")
    if audience == AudienceKind.POSITIONS and not posts:
        raise HandlingError("กรุณาเลือกตำแหน่งอย่างน้อยหนึ่งตำแหน่ง", "Choose at least one position.", field="position_ids")
    if reach is not None:
        inside = set(reach)
        outside_posts = Position.objects.filter(tenant_id=tenant_id, pk__in=posts).exclude(unit_id__in=sorted(inside))
        if audience == AudienceKind.ALL or set(units) - inside or outside_posts.exists():
            raise NotAllowed("หน่วยงานเวียนแจ้งได้เฉพาะบุคลากรในหน่วยงานของตน (ทั้งหน่วยงานให้งานสารบรรณกลางเวียน)",
                             "A unit circulates to its own people only (the central desk circulates agency-wide).",
                             code="outside_unit")
    note = _clean(note, NOTE_MAX, field="note")
    people = _expand(tenant_id, audience, units, posts)
    people.pop(actor.membership_id, None)  # the sender knows
    if not people:
        raise HandlingError("ไม่มีบุคลากรในกลุ่มที่เลือก", "Nobody is in the chosen audience.", code="empty_audience",
                            field="audience")
    reached = set(CirculationRecipient.objects.filter(tenant_id=tenant_id, circulation__handling=handling,
                                                      membership_id__in=sorted(people))
                  .values_list("membership_id", flat=True))
    for m in reached:
        del people[m]
    if not people:
        raise WrongState("ทุกคนในกลุ่มที่เลือกได้รับการเวียนแจ้งหนังสือนี้แล้ว",
                         "Everyone in the chosen audience has already been circulated this letter.",
                         code="already_circulated")
    names = (str(AudienceKind.ALL.label) if audience == AudienceKind.ALL
             else ", ".join(_names(OrgUnit, tenant_id, units) + _names(Position, tenant_id, posts)))
    circ = Circulation.objects.create(tenant_id=tenant_id, handling=handling, audience_kind=audience,
                                      audience=names[:1000], unit_ids=units, position_ids=posts, note=note,
                                      created_by_id=actor.user_id)
    circ.n_recipients = len(people)
    CirculationRecipient.objects.bulk_create([
        CirculationRecipient(tenant_id=tenant_id, circulation=circ, membership_id=m, position_th=title[:255])
        for m, title in sorted(people.items())
    ])
    _event(tenant_id, actor, holder, handling, EventKind.CIRCULATED, text=note,
           details={"circulation": circ.pk, "audience": audience, "to": [names], "recipients": len(people),
                    "skipped": len(reached)})
    notifications.notify_circulation(tenant_id=tenant_id, actor=actor, circulation=circ, membership_ids=list(people))
    return circ


def _locked_own(tenant_id: int, actor: Actor, circulation_id: int) -> CirculationRecipient:
    row = (CirculationRecipient.objects.select_for_update(of=("self",)).select_related("circulation")
           .filter(tenant_id=tenant_id, circulation_id=circulation_id, membership_id=actor.membership_id).first()
           if actor.membership_id and actor.agency_id == tenant_id else None)
    if row is None:
        raise NotFoundInTenant()
    return row


def mark_opened(*, tenant_id: int, actor: Actor, circulation_id: int) -> bool:
    """The reader opened the circulation (its page or the API detail): ``opened_at`` once, nothing else —
    opening is not acknowledging. True when this was the first opening."""
    if not actor.membership_id or actor.agency_id != tenant_id:
        return False
    return bool(CirculationRecipient.objects.filter(
        tenant_id=tenant_id, circulation_id=circulation_id, membership_id=actor.membership_id,
        opened_at__isnull=True).update(opened_at=timezone.now()))


def acknowledge(*, tenant_id: int, actor: Actor, circulation_id: int) -> CirculationRecipient:
    """รับทราบ: the person's own acknowledgement, with their typed name and post as printed; the last one
    closes the circulation. A second press is refused (409, ``already_acknowledged``)."""
    holder = holder_of(actor, tenant_id=tenant_id)
    row = _locked_own(tenant_id, actor, circulation_id)
    if row.acknowledged_at is not None:
        raise WrongState("ท่านรับทราบหนังสือเวียนนี้แล้ว", "You have already acknowledged this circulation.",
                         code="already_acknowledged")
    circ = (Circulation.objects.select_for_update(of=("self",)).select_related("handling", "handling__letter")
            .get(tenant_id=tenant_id, pk=row.circulation_id))
    if circ.handling.letter.secrecy != Secrecy.NORMAL:
        raise NotFoundInTenant()
    if circ.closed_at is not None:
        raise WrongState("การเวียนแจ้งนี้ปิดแล้ว", "This circulation has been closed.", code="circulation_closed")
    now = timezone.now()
    printed, line = holder.printed_position(None)
    row.opened_at = row.opened_at or now
    row.acknowledged_at = now
    row.signed_name = (actor.display_name or "")[:255]
    row.signed_position = (printed or row.position_th)[:255]
    row.authority_line = line[:300]
    row.save(update_fields=["opened_at", "acknowledged_at", "signed_name", "signed_position", "authority_line"])
    _event(tenant_id, actor, holder, circ.handling, EventKind.ACKNOWLEDGED, phrase="รับทราบ",
           details={"circulation": circ.pk})
    if not CirculationRecipient.objects.filter(tenant_id=tenant_id, circulation=circ, acknowledged_at__isnull=True).exists():
        circ.closed_at = now
        circ.save(update_fields=["closed_at"])
    return row


def close(*, tenant_id: int, actor: Actor, circulation_id: int) -> Circulation:
    """The sender (or the central desk) closes a circulation: those outstanding can no longer acknowledge
    and it leaves their lists; the sign-off sheet keeps their blank lines."""
    holder = holder_of(actor, tenant_id=tenant_id)
    _not_read_only(holder)
    circ = (Circulation.objects.select_for_update(of=("self",)).select_related("handling")
            .filter(tenant_id=tenant_id, pk=circulation_id).first())
    if circ is None or not may_see_status(actor, tenant_id=tenant_id, circulation=circ):
        raise NotFoundInTenant()
    if circ.created_by_id != actor.user_id and not holder.desk:
        raise NotAllowed("เฉพาะผู้เวียนแจ้งหรืองานสารบรรณกลางปิดการเวียนแจ้งได้",
                         "Only its sender or the central desk may close a circulation.")
    if circ.closed_at is not None:
        raise WrongState("การเวียนแจ้งนี้ปิดแล้ว", "This circulation has already been closed.", code="already_done")
    circ.closed_at = timezone.now()
    circ.save(update_fields=["closed_at"])
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="handling.circulation_closed",
                 object_type="circulation", object_id=circ.pk, acting_for=actor.acting_for,
                 changes={"handling": circ.handling_id})
    return circ


# --- reads ------------------------------------------------------------------------------------------------------
def may_see_status(actor: Actor, *, tenant_id: int, circulation: Circulation) -> bool:
    """Who opened and who acknowledged: the sender, the central desk, agency-wide registry readers (heads,
    the registrar, auditors)."""
    if circulation.created_by_id == actor.user_id:
        return True
    if actor.agency_id == tenant_id and actor.can(Action.REGISTRY_CENTRAL_WRITE):
        return True
    return actor.agency_id == tenant_id and actor.widest_scope(Action.REGISTRY_READ) in (
        Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM)


def _with_letter(qs: QuerySet[Circulation]) -> QuerySet[Circulation]:
    """With the letter, and only while it is not secret (a letter classified after it was circulated
    drops out of every list and page)."""
    return (qs.filter(handling__letter__secrecy=Secrecy.NORMAL)
            .select_related("handling", "handling__entry", "handling__letter", "created_by"))


def outstanding(actor: Actor, *, tenant_id: int) -> list[CirculationRecipient]:
    """หนังสือเวียนรอรับทราบ: the reader's own rows not yet acknowledged, in circulations still open."""
    if not actor.membership_id or actor.agency_id != tenant_id:
        return []
    return list(CirculationRecipient.objects.filter(
        tenant_id=tenant_id, membership_id=actor.membership_id, acknowledged_at__isnull=True,
        circulation__closed_at__isnull=True, circulation__handling__letter__secrecy=Secrecy.NORMAL)
        .select_related("circulation", "circulation__handling", "circulation__handling__entry",
                        "circulation__handling__letter", "circulation__created_by")
        .order_by("-circulation__created_at", "-id")[:OUTSTANDING_LIMIT])


def sent_by(actor: Actor, *, tenant_id: int) -> list[Circulation]:
    """The circulations the reader sent (newest first), with their counts."""
    qs = _with_letter(Circulation.objects.filter(tenant_id=tenant_id, created_by_id=actor.user_id))
    return list(_counted(qs)[:SENT_LIMIT])


def _counted(qs: QuerySet[Circulation]) -> QuerySet[Circulation]:
    return qs.annotate(n_recipients=Count("recipients"),
                       n_opened=Count("recipients", filter=Q(recipients__opened_at__isnull=False)),
                       n_acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)))


def of_letter(actor: Actor, *, tenant_id: int, handling: Handling) -> list[Circulation]:
    """A letter's circulations whose status the reader may see (its handling page)."""
    rows = _counted(_with_letter(Circulation.objects.filter(tenant_id=tenant_id, handling=handling)))
    return [c for c in rows if may_see_status(actor, tenant_id=tenant_id, circulation=c)]


def circulation_get(actor: Actor, *, tenant_id: int, circulation_id: int) -> tuple[Circulation, CirculationRecipient | None, bool]:
    """(the circulation, the reader's own recipient row or None, whether they may see its status). Anyone
    else gets 404, exactly like a missing one."""
    circ = _counted(_with_letter(Circulation.objects.filter(tenant_id=tenant_id, pk=circulation_id))).first()
    if circ is None:
        raise NotFoundInTenant()
    mine = (CirculationRecipient.objects.filter(tenant_id=tenant_id, circulation=circ,
                                                membership_id=actor.membership_id).first()
            if actor.membership_id and actor.agency_id == tenant_id else None)
    status = may_see_status(actor, tenant_id=tenant_id, circulation=circ)
    if mine is None and not status:
        raise NotFoundInTenant()
    return circ, mine, status


def recipients(*, tenant_id: int, circulation: Circulation) -> list[CirculationRecipient]:
    """Everyone it reached, by name (the status page and the sign-off sheet)."""
    return list(CirculationRecipient.objects.filter(tenant_id=tenant_id, circulation=circulation)
                .select_related("membership__user", "membership__unit")
                .order_by("membership__user__first_name_th", "membership__user__last_name_th", "id"))
