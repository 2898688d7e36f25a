"""Who may see and do what with a draft.

- Seeing: the drafter; the owner unit's clerks (unit scope of ``draft.write``); the central desk and
  heads (agency scope); a reviewer whose post (held or acted for today) has a review step of the draft
  that has been opened to it. A secret draft (ลับ and above) is seen only by its drafter and its
  reviewers: it does not exist for anyone else.
- Editing: whoever sees it through ``draft.write`` (not a reviewer as such), while it is editable.
- Reviewing: the holder of the open step's post.
- Ready to sign, refusal, signed, dispatch: whoever may take numbers from the draft's book (the
  registry's ``can_issue``: the central desk for central books, the unit's clerk for its memo book).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from documents.drafting.errors import NotAllowed
from documents.handling.access import Holder
from documents.models import Draft, DraftReview, ReviewStatus, Secrecy
from tenants.permissions import Actor
from tenants.roles import Action, Scope

SEEN_REVIEW_STATUSES = (ReviewStatus.OPEN, ReviewStatus.INITIALLED, ReviewStatus.RETURNED)


def write_scope(actor: Actor) -> Scope | None:
    return actor.widest_scope(Action.DRAFT_WRITE)


def reviewer_q(holder: Holder) -> Q | None:
    if not holder.position_ids:
        return None
    reviews = DraftReview.objects.filter(draft=OuterRef("pk"), position_id__in=sorted(holder.position_ids),
                                         status__in=SEEN_REVIEW_STATUSES)
    return Q(Exists(reviews))


def draft_visible_q(actor: Actor, holder: Holder) -> Q:
    """The drafts ``actor`` sees, as a filter on Draft (the caller adds the tenant)."""
    own = Q(created_by_id=actor.user_id)
    scope = write_scope(actor)
    wide: Q | None = None
    if scope in (Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM):
        wide = Q()
    elif scope == Scope.UNIT and actor.unit_id is not None:
        wide = Q(owner_unit_id=actor.unit_id)
    out = own
    if wide is not None:
        out |= wide & Q(secrecy=Secrecy.NORMAL)
    review = reviewer_q(holder)
    if review is not None:
        out |= review
    return out


def may_edit(actor: Actor, holder: Holder, draft: Draft) -> bool:
    if holder.read_only:
        return False
    if draft.created_by_id == actor.user_id:
        return True
    scope = write_scope(actor)
    if draft.secrecy != Secrecy.NORMAL:
        return False
    if scope in (Scope.AGENCY, Scope.JURISDICTION, Scope.SYSTEM):
        return True
    return scope == Scope.UNIT and actor.unit_id is not None and actor.unit_id == draft.owner_unit_id


def require_edit(actor: Actor, holder: Holder, draft: Draft) -> None:
    if not may_edit(actor, holder, draft):
        raise NotAllowed("ท่านไม่ได้เป็นผู้ร่างหรือเจ้าหน้าที่ของหน่วยงานเจ้าของเรื่อง",
                         "Only the drafter or the owner unit's staff may do this.")


def may_review(holder: Holder, review: DraftReview) -> bool:
    return not holder.read_only and review.status == ReviewStatus.OPEN and review.position_id in holder.position_ids
