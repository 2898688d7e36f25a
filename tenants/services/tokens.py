"""API tokens: bound to one membership, stored as SHA-256, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from eoffice.common.exceptions import ApplicationError
from tenants.models import ApiToken, Membership
from tenants.services.audit import audit_record

TOKEN_PREFIX = "eo"  # noqa: S105 (a label, not a secret)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, tenant_id: int, actor_id: int, membership: Membership, name: str, days: int | None = None) -> IssuedToken:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApplicationError("กรุณาตั้งชื่อโทเค็น (ไม่เกิน 100 ตัวอักษร)", "Give the token a name (up to 100 characters).", field="name")
    days = days or settings.EOFFICE_API_TOKEN_DAYS
    if not 1 <= days <= 365:
        raise ApplicationError("อายุโทเค็นต้องอยู่ระหว่าง 1 ถึง 365 วัน", "Token lifetime must be 1 to 365 days.", field="days")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            tenant_id=tenant_id,
            membership=membership,
            name=name,
            key_id=key_id,
            key_hash=_hash(secret),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(tenant_id=tenant_id, actor_id=actor_id, action="api_token.create", object_type="api_token", object_id=token.pk)
    return IssuedToken(token=token, secret=f"{TOKEN_PREFIX}_{key_id}_{secret}")


def api_token_revoke(*, tenant_id: int, actor_id: int, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(tenant_id=tenant_id, actor_id=actor_id, action="api_token.revoke", object_type="api_token", object_id=token.pk)
    return token


def api_token_authenticate(*, tenant_id: int, raw: str) -> ApiToken | None:
    """Inside the URL agency's scope: a token of another agency is simply not found."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    _, key_id, secret = parts
    token = (
        ApiToken.objects.filter(tenant_id=tenant_id, key_id=key_id)
        .select_related("membership__user")
        .first()
    )
    if token is None or not secrets.compare_digest(token.key_hash, _hash(secret)):
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.membership.is_active or not token.membership.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
