"""Who is told about a draft: the holders (or acting holders) of the posts whose review step just opened,
and the drafter when a reviewer sends it back. Through the handling notifications (bell, page, e-mail by
preference). A secret draft's notice never carries its subject."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from documents.handling.notifications import LEADS, members_at_posts, members_with_role, notify_members
from documents.models import Draft, NotificationKind
from tenants.models import Agency, Membership
from tenants.permissions import Actor
from tenants.roles import Role

CLASSIFIED_DRAFT_NOTICE = "มีร่างหนังสือลับรอท่าน (เปิดดูในระบบ)"


def _text(kind: str, draft: Draft) -> str:
    if draft.secrecy != "001":
        return CLASSIFIED_DRAFT_NOTICE
    return f"{LEADS[kind]} เรื่อง {draft.subject}"


def _link(tenant_id: int, draft: Draft) -> str:
    slug = Agency.objects.filter(pk=tenant_id).values_list("slug", flat=True).get()
    return reverse("drafting-detail", kwargs={"agency": slug, "draft_id": draft.pk})


def notify_reviewers(*, tenant_id: int, actor: Actor, draft: Draft, position_ids: Iterable[int]) -> None:
    members = members_at_posts(tenant_id=tenant_id, position_ids=position_ids)
    if members:
        notify_members(tenant_id=tenant_id, actor=actor, membership_ids=members, kind=NotificationKind.DRAFT_REVIEW,
                       text=_text(NotificationKind.DRAFT_REVIEW, draft), link=_link(tenant_id, draft),
                       urgency=draft.urgency)


def notify_drafter(*, tenant_id: int, actor: Actor, draft: Draft) -> None:
    members = Membership.objects.filter(tenant_id=tenant_id, user_id=draft.created_by_id, is_active=True
                                        ).values_list("pk", flat=True)
    notify_members(tenant_id=tenant_id, actor=actor, membership_ids=list(members), kind=NotificationKind.DRAFT_RETURN,
                   text=_text(NotificationKind.DRAFT_RETURN, draft), link=_link(tenant_id, draft), urgency=draft.urgency)


def notify_desk(*, tenant_id: int, actor: Actor, draft: Draft) -> None:
    """Every review step initialled: the central clerks are told the draft waits for its checks and number."""
    members = members_with_role(tenant_id=tenant_id, role=Role.CENTRAL_CLERK)
    if members:
        notify_members(tenant_id=tenant_id, actor=actor, membership_ids=members, kind=NotificationKind.DRAFT_DESK,
                       text=_text(NotificationKind.DRAFT_DESK, draft), link=_link(tenant_id, draft), urgency=draft.urgency)
