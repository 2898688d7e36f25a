"""The audit kernel: append to a tenant's hash chain (or the system chain) and verify chains.

``audit_record`` appends inside the caller's transaction (it commits or rolls back with the change
it describes). ``audit_record_now`` / ``audit_system_now`` write in their own short transaction on a
second connection, so a later rollback of the request can't erase a refusal or a failed login.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from tenants.context import TenantScope, _scope, current_scope, tenant_scope

GENESIS = "0" * 64


def digest(value: Any) -> str:
    """SHA-256 of a value's text, for recording *that* a content field changed without its content."""
    if isinstance(value, bytes):
        data = value
    else:
        data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_payload(
    *,
    chain: str,
    seq: int,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any],
    ip: str | None,
    created_at: dt.datetime,
    acting_for: str = "",
    agency_hint: str = "",
) -> str:
    return json.dumps(
        {
            "chain": chain,
            "seq": seq,
            "actor_id": actor_id,
            "acting_for": acting_for,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "changes": changes,
            "ip": ip,
            "agency_hint": agency_hint,
            "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_hash(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + "\n" + payload).encode()).hexdigest()


def _norm_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return ipaddress.ip_address(ip).compressed
    except ValueError:
        return None


def _append_tenant(
    *,
    using: str,
    tenant_id: int,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any],
    ip: str | None,
    acting_for: str,
) -> int:
    created_at = timezone.now()
    ip = _norm_ip(ip)
    with connections[using].cursor() as cur:
        cur.execute(
            "INSERT INTO tenants_auditchainhead (tenant_id, seq, hash) VALUES (%s, 0, %s) "
            "ON CONFLICT (tenant_id) DO NOTHING",
            [tenant_id, GENESIS],
        )
        cur.execute(
            "SELECT seq, hash FROM tenants_auditchainhead WHERE tenant_id = %s FOR UPDATE", [tenant_id]
        )
        prev_seq, prev_hash = cur.fetchone()
        seq = prev_seq + 1
        payload = canonical_payload(
            chain=f"tenant:{tenant_id}",
            seq=seq,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
            ip=ip,
            created_at=created_at,
            acting_for=acting_for,
        )
        h = chain_hash(prev_hash, payload)
        cur.execute(
            "INSERT INTO tenants_auditevent (tenant_id, seq, prev_hash, hash, actor_id, acting_for, action,"
            " object_type, object_id, changes, ip, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)",
            [
                tenant_id, seq, prev_hash, h, actor_id, acting_for, action, object_type, object_id,
                json.dumps(changes, ensure_ascii=False), ip, created_at,
            ],
        )
        cur.execute("UPDATE tenants_auditchainhead SET seq = %s, hash = %s WHERE tenant_id = %s", [seq, h, tenant_id])
    return seq


def audit_record(
    *,
    tenant_id: int,
    actor_id: int | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
    acting_for: str = "",
) -> int:
    """Append to the tenant's chain in the current transaction. Returns the event's seq."""
    scope = current_scope()
    if scope is None or scope.write_tenant_id != tenant_id:
        raise RuntimeError("audit_record needs the tenant's own scope open")
    with transaction.atomic():
        return _append_tenant(
            using="default", tenant_id=tenant_id, actor_id=actor_id, action=action, object_type=object_type,
            object_id=str(object_id), changes=changes or {}, ip=ip, acting_for=acting_for,
        )


def audit_record_now(
    *,
    tenant_id: int,
    actor_id: int | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
) -> int:
    """Append in its own short transaction (second connection): survives the request's rollback."""
    with tenant_scope(tenant_id, using="audit_side"):
        return _append_tenant(
            using="audit_side", tenant_id=tenant_id, actor_id=actor_id, action=action, object_type=object_type,
            object_id=str(object_id), changes=changes or {}, ip=ip, acting_for="",
        )


def audit_system_now(
    *,
    actor_id: int | None,
    action: str,
    agency_hint: str = "",
    object_type: str = "",
    object_id: str | int = "",
    changes: dict[str, Any] | None = None,
    ip: str | None = None,
) -> int:
    """Append to the system chain in its own short transaction (failed logins, unknown agencies)."""
    created_at = timezone.now()
    changes = changes or {}
    ip = _norm_ip(ip)
    # An empty scope (no tenant readable) on the side connection: the system tables are global.
    with _scope(TenantScope(None, (), None), "audit_side"), connections["audit_side"].cursor() as cur:
        cur.execute("INSERT INTO tenants_systemchainhead (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT DO NOTHING", [GENESIS])
        cur.execute("SELECT seq, hash FROM tenants_systemchainhead WHERE id = 1 FOR UPDATE")
        prev_seq, prev_hash = cur.fetchone()
        seq = prev_seq + 1
        payload = canonical_payload(
            chain="system", seq=seq, actor_id=actor_id, action=action, object_type=object_type,
            object_id=str(object_id), changes=changes, ip=ip, created_at=created_at, agency_hint=agency_hint[:100],
        )
        h = chain_hash(prev_hash, payload)
        cur.execute(
            "INSERT INTO tenants_systemauditevent (seq, prev_hash, hash, actor_id, action, agency_hint, object_type,"
            " object_id, changes, ip, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)",
            [seq, prev_hash, h, actor_id, action, agency_hint[:100], object_type, str(object_id),
             json.dumps(changes, ensure_ascii=False), ip, created_at],
        )
        cur.execute("UPDATE tenants_systemchainhead SET seq = %s, hash = %s WHERE id = 1", [seq, h])
    return seq


# --- verification -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.chain}: seq {self.seq}: {self.problem}"


def _verify_rows(chain: str, rows: Any, head: tuple[int, str] | None) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    expected_seq, prev = 1, GENESIS
    for r in rows:
        seq = r["seq"]
        if seq != expected_seq:
            problems.append(ChainProblem(chain, expected_seq, f"missing event(s) before seq {seq} (deleted or reordered)"))
            expected_seq = seq
        if r["prev_hash"] != prev:
            problems.append(ChainProblem(chain, seq, "prev_hash does not match the previous event (chain broken)"))
        payload = canonical_payload(
            chain=chain, seq=seq, actor_id=r["actor_id"], action=r["action"], object_type=r["object_type"],
            object_id=r["object_id"], changes=r["changes"], ip=r["ip"], created_at=r["created_at"],
            acting_for=r.get("acting_for", ""), agency_hint=r.get("agency_hint", ""),
        )
        if chain_hash(r["prev_hash"], payload) != r["hash"]:
            problems.append(ChainProblem(chain, seq, "content does not match its hash (event altered)"))
        prev = r["hash"]
        expected_seq = seq + 1
    last_seq = expected_seq - 1
    if head is not None:
        if head[0] != last_seq:
            problems.append(ChainProblem(chain, head[0], f"head says seq {head[0]} but the chain ends at {last_seq} (truncated or forged tail)"))
        elif head[1] != prev:
            problems.append(ChainProblem(chain, head[0], "head hash does not match the last event"))
    elif last_seq:
        problems.append(ChainProblem(chain, last_seq, "events exist but the chain head is missing"))
    return problems


_FIELDS = ["seq", "prev_hash", "hash", "actor_id", "action", "object_type", "object_id", "changes", "ip", "created_at"]


def audit_verify_tenant(*, tenant_id: int) -> list[ChainProblem]:
    """Walk one tenant's chain from genesis to head. Caller opens a scope that can read the tenant."""
    from tenants.models import AuditChainHead, AuditEvent

    rows = (
        AuditEvent.objects.filter(tenant_id=tenant_id).order_by("seq").values(*_FIELDS, "acting_for").iterator(chunk_size=5000)
    )
    head_row = AuditChainHead.objects.filter(tenant_id=tenant_id).values_list("seq", "hash").first()
    return _verify_rows(f"tenant:{tenant_id}", rows, head_row)


def audit_verify_system() -> list[ChainProblem]:
    from tenants.models import SystemAuditEvent, SystemChainHead

    rows = SystemAuditEvent.objects.order_by("seq").values(*_FIELDS, "agency_hint").iterator(chunk_size=5000)
    head_row = SystemChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    return _verify_rows("system", rows, head_row)
