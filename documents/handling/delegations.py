"""ปฏิบัติราชการแทน: delegation orders (documents.models.Delegation), written by the agency admin from the
order as issued: who delegates, to which post, which matters (letter kinds), the order's number and date,
the period; revoked with a reason, never deleted. Reads: ``selectors.delegations_list``. The effect on
who may act is in documents.handling.access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from documents.handling.access import require_manage
from documents.handling.errors import HandlingError, WrongState
from documents.models import Delegation, LetterKind
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import Position
from tenants.permissions import Actor
from tenants.services.audit import audit_record


def delegation_create(*, tenant_id: int, actor: Actor, from_position_id: int, to_position_id: int,
                      order_reference: str, order_date: dt.date, starts_on: dt.date, ends_on: dt.date | None = None,
                      letter_kinds: Sequence[str] = (), matters: str = "") -> Delegation:
    require_manage(actor)
    posts = {p.pk: p for p in Position.objects.filter(tenant_id=tenant_id, pk__in=[from_position_id, to_position_id],
                                                      is_active=True)}
    if from_position_id not in posts or to_position_id not in posts:
        raise HandlingError("ไม่พบตำแหน่งที่เลือก", "A chosen position was not found.", field="from_position_id")
    if from_position_id == to_position_id:
        raise HandlingError("มอบอำนาจให้ตำแหน่งเดียวกันไม่ได้", "A post can't delegate to itself.", field="to_position_id")
    reference = (order_reference or "").strip()[:255]
    if not reference:
        raise HandlingError("กรุณาระบุคำสั่งมอบอำนาจ (เลขที่)", "Enter the delegation order's number.",
                            field="order_reference")
    if ends_on is not None and ends_on < starts_on:
        raise HandlingError("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม", "The end date can't be before the start.", field="ends_on")
    kinds = list(dict.fromkeys(letter_kinds))
    if any(k not in LetterKind.values for k in kinds):
        raise HandlingError("ชนิดหนังสือไม่ถูกต้อง", "Unknown letter kind.", field="letter_kinds")
    d = Delegation.objects.create(
        tenant_id=tenant_id, from_position_id=from_position_id, to_position_id=to_position_id, letter_kinds=kinds,
        matters=(matters or "").strip()[:500], order_reference=reference, order_date=order_date, starts_on=starts_on,
        ends_on=ends_on, created_by_id=actor.user_id,
    )
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="handling.delegation_create",
                 object_type="delegation", object_id=d.pk,
                 changes={"from": from_position_id, "to": to_position_id, "order": reference,
                          "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None,
                          "letter_kinds": kinds})
    return d


def delegation_revoke(*, tenant_id: int, actor: Actor, delegation_id: int, reason: str) -> Delegation:
    require_manage(actor)
    d = Delegation.objects.select_for_update().filter(tenant_id=tenant_id, pk=delegation_id).first()
    if d is None:
        raise NotFoundInTenant()
    if d.revoked_at is not None:
        raise WrongState("การมอบอำนาจนี้ถูกยกเลิกไปแล้ว", "This delegation was already revoked.", code="revoked")
    reason = (reason or "").strip()[:500]
    if not reason:
        raise HandlingError("กรุณาระบุเหตุผลการยกเลิก", "Please give a reason for revoking.", field="reason")
    d.revoked_at, d.revoked_reason = timezone.now(), reason
    d.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(tenant_id=tenant_id, actor_id=actor.user_id, action="handling.delegation_revoke",
                 object_type="delegation", object_id=d.pk, changes={"reason": reason[:200]})
    return d
