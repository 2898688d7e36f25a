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
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connections, transaction
from django.utils import timezone

from tenants.context import TenantScope, _scope, require_own_scope, tenant_scope

GENESIS = "0" * 64
log = logging.getLogger(__name__)


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


def _clean(value: Any) -> Any:
    """Make ``changes`` exactly what jsonb gives back, so the hash computed now is the hash recomputed
    on verification: str keys, no NUL (jsonb refuses it), no lone surrogates, no NaN, no floats that
    jsonb would print in another notation, and anything else (dates, decimals, uuids) as text."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return int(value) if "e+" in repr(value) else value
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v) for v in value]
    return _clean(str(value))


def normalize_changes(changes: dict[str, Any] | None) -> dict[str, Any]:
    return _clean(dict(changes or {}))


# A transaction-local marker of the chain heads this transaction has locked. ``audit_record_now`` reads
# it: appending on the side connection to a head our own request transaction holds would wait forever.
_HELD_HEADS = "eoffice.audit_heads"


# The seq is put into the payload by ``eoffice_audit_append`` (migration tenants 0003) under the head's
# lock: the payload travels with this stand-in in its last key.
SEQ_SLOT = "\ue002"
# Stand-ins for values only a SQL caller knows when the event is built (a new row's id, its number): a
# string value that is exactly one of these is replaced by that caller, in the payload and in the row,
# before it calls ``eoffice_audit_append`` (documents/migrations/0006 does, for a registration).
VALUE_SLOTS = ("\ue003", "\ue004", "\ue005")


def _event(
    *, tenant_id: int, actor_id: int | None, action: str, object_type: str, object_id: str,
    changes: dict[str, Any], ip: str | None, acting_for: str,
) -> tuple[str, dict[str, Any]]:
    """The canonical payload with the seq left open, and the event's columns."""
    created_at = timezone.now()
    ip = _norm_ip(ip)
    changes = normalize_changes(changes)
    template = canonical_payload(
        chain=f"tenant:{tenant_id}", seq=SEQ_SLOT, actor_id=actor_id, action=action,  # type: ignore[arg-type]
        object_type=object_type, object_id=object_id, changes=changes, ip=ip, created_at=created_at,
        acting_for=acting_for,
    )
    row = {"actor_id": actor_id, "acting_for": acting_for, "action": action, "object_type": object_type,
           "object_id": object_id, "changes": changes, "ip": ip, "created_at": created_at.isoformat()}
    return template, row


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
    """One round trip: the database locks the chain head, puts the seq into the canonical payload,
    hashes it as ``chain_hash`` does, inserts the event and moves the head (and marks the head held)."""
    template, row = _event(tenant_id=tenant_id, actor_id=actor_id, action=action, object_type=object_type,
                           object_id=object_id, changes=changes, ip=ip, acting_for=acting_for)
    with connections[using].cursor() as cur:
        cur.execute("SELECT eoffice_audit_append(%s, %s, %s::jsonb)",
                    [tenant_id, template, json.dumps(row, ensure_ascii=False)])
        return cur.fetchone()[0]


def audit_event_for_sql(
    *,
    tenant_id: int,
    actor_id: int | None,
    action: str,
    object_type: str = "",
    object_id: str = "",
    changes: dict[str, Any] | None = None,
    acting_for: str = "",
) -> dict[str, Any]:
    """An event for a SQL function to append in the caller's transaction (``{"template", "row"}`` for
    ``eoffice_audit_append``), with ``VALUE_SLOTS`` standing for values only that function knows. The
    tenant's own scope must be open, as for ``audit_record``."""
    require_own_scope(tenant_id, "audit_event_for_sql")
    template, row = _event(tenant_id=tenant_id, actor_id=actor_id, action=action, object_type=object_type,
                           object_id=str(object_id), changes=changes or {}, ip=None, acting_for=acting_for)
    return {"template": template, "row": row}


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
    require_own_scope(tenant_id, "audit_record")
    # No savepoint: the scope's transaction is the unit; a failed append must fail the change it audits.
    with transaction.atomic(savepoint=False):
        return _append_tenant(
            using="default", tenant_id=tenant_id, actor_id=actor_id, action=action, object_type=object_type,
            object_id=str(object_id), changes=changes or {}, ip=ip, acting_for=acting_for,
        )


def _request_holds_head(tenant_id: int) -> bool | None:
    """Does the default connection's open transaction hold this tenant's chain head? None: unknown
    (the transaction is already aborted, so it can't be asked)."""
    conn = connections["default"]
    if conn.connection is None or not conn.in_atomic_block:
        return False
    try:
        # The raw connection: Django refuses queries once the block is marked for rollback
        # (set_rollback, as the middleware does before auditing a refusal); PostgreSQL doesn't.
        with conn.connection.cursor() as cur:
            cur.execute("SELECT current_setting(%s, true)", [_HELD_HEADS])
            held = cur.fetchone()[0] or ""
    except Exception:
        return None
    return f",{int(tenant_id)}," in held


SIDE_LOCK_TIMEOUT = "5s"
SIDE_LOCK_TIMEOUT_UNSURE = "1s"  # the request's transaction is aborted and may hold the head


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
    """Append in its own short transaction (second connection): survives the request's rollback.

    If the request's own (about to be rolled back) transaction already appended to this tenant's
    chain, it holds the head lock until it ends, so the side connection can't append there without
    waiting for itself. Then, or if the head stays locked longer than ``SIDE_LOCK_TIMEOUT``, the event
    goes to the system chain instead (``tenant_id`` and ``routed`` in its changes): never lost, never
    a hang. Returns the seq in whichever chain took it."""
    changes = normalize_changes(changes)
    held = _request_holds_head(tenant_id)
    if not held:
        try:
            with tenant_scope(tenant_id, using="audit_side"):
                with connections["audit_side"].cursor() as cur:
                    timeout = SIDE_LOCK_TIMEOUT if held is False else SIDE_LOCK_TIMEOUT_UNSURE
                    cur.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
                return _append_tenant(
                    using="audit_side", tenant_id=tenant_id, actor_id=actor_id, action=action,
                    object_type=object_type, object_id=str(object_id), changes=changes, ip=ip, acting_for="",
                )
        except OperationalError:  # lock_timeout: someone holds the head too long
            log.warning("audit: tenant %s chain head busy; %s recorded in the system chain", tenant_id, action)
    return audit_system_now(
        actor_id=actor_id, action=action, agency_hint=str(tenant_id), object_type=object_type,
        object_id=object_id, changes={**changes, "tenant_id": tenant_id, "routed": "tenant chain head busy"}, ip=ip,
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
    changes = normalize_changes(changes)
    ip = _norm_ip(ip)
    # An empty scope (no tenant readable) on the side connection: the system tables are global.
    with _scope(TenantScope(None, (), None), "audit_side"), connections["audit_side"].cursor() as cur:
        cur.execute("SELECT seq, hash FROM tenants_systemchainhead WHERE id = 1 FOR UPDATE")
        row = cur.fetchone()
        if row is None:
            cur.execute(
                "INSERT INTO tenants_systemchainhead (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT DO NOTHING", [GENESIS]
            )
            cur.execute("SELECT seq, hash FROM tenants_systemchainhead WHERE id = 1 FOR UPDATE")
            row = cur.fetchone()
        prev_seq, prev_hash = row
        seq = prev_seq + 1
        payload = canonical_payload(
            chain="system", seq=seq, actor_id=actor_id, action=action, object_type=object_type,
            object_id=str(object_id), changes=changes, ip=ip, created_at=created_at, agency_hint=agency_hint[:100],
        )
        h = chain_hash(prev_hash, payload)
        cur.execute(
            "WITH e AS (INSERT INTO tenants_systemauditevent (seq, prev_hash, hash, actor_id, action, agency_hint,"
            " object_type, object_id, changes, ip, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)"
            " RETURNING seq, hash) UPDATE tenants_systemchainhead h SET seq = e.seq, hash = e.hash FROM e WHERE h.id = 1",
            [seq, prev_hash, h, actor_id, action, agency_hint[:100], object_type, str(object_id),
             json.dumps(changes, ensure_ascii=False), ip, created_at],
        )
    return seq


# --- verification -----------------------------------------------------------------------------------
# What a problem is called (the ``kind`` of a ChainProblem).
ALTERED = "altered"
DELETED = "deleted"
REORDERED = "reordered"
TRUNCATED = "truncated tail"
FORGED = "forged"
BROKEN = "broken link"
NO_HEAD = "head missing"

_REORDER_WINDOW = 64  # how far from its place a moved event is looked for


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    problem: str
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.chain}: seq {self.seq}: {self.kind + ': ' if self.kind else ''}{self.problem}"


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    head_seq: int | None
    problems: list[ChainProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _row_hash(chain: str, r: dict[str, Any], seq: int) -> str:
    payload = canonical_payload(
        chain=chain, seq=seq, actor_id=r["actor_id"], action=r["action"], object_type=r["object_type"],
        object_id=r["object_id"], changes=r["changes"], ip=_norm_ip(r["ip"]), created_at=r["created_at"],
        acting_for=r.get("acting_for", ""), agency_hint=r.get("agency_hint", ""),
    )
    return chain_hash(r["prev_hash"], payload)


def _verify_rows(chain: str, rows: Any, head: tuple[int, str] | None) -> ChainReport:
    """Walk the events in seq order, comparing each with its own hash, with the previous event and
    finally with the head. One problem per event, the most specific one:

    - deleted    seq numbers missing (the next event's broken link is explained by it);
    - reordered  the event's hash matches it only at another seq (its seq was changed);
    - altered    the content does not match its hash at any nearby seq;
    - broken link the event is intact but does not follow the previous one (rewritten history);
    - forged     intact, linked events beyond the head (written around the append path);
    - truncated tail the head is ahead of the last event (events removed from the end).
    """
    problems: list[ChainProblem] = []
    head_seq = head[0] if head is not None else None
    expected_seq, prev = 1, GENESIS
    count = 0
    moved_hashes: set[str] = set()  # hashes of events found out of place: links to them are explained
    for r in rows:
        count += 1
        seq = r["seq"]
        gap = r["prev_hash"] in moved_hashes
        if seq > expected_seq:
            gap = True
            missing = f"seq {expected_seq}" if seq == expected_seq + 1 else f"seq {expected_seq}-{seq - 1}"
            problems.append(ChainProblem(chain, expected_seq, f"{missing} missing before seq {seq}", DELETED))
        if _row_hash(chain, r, seq) != r["hash"]:
            moved = next(
                (
                    s for d in range(1, _REORDER_WINDOW + 1) for s in (seq - d, seq + d)
                    if s > 0 and _row_hash(chain, r, s) == r["hash"]
                ),
                None,
            )
            if moved is not None:
                moved_hashes.add(r["hash"])
                problems.append(ChainProblem(chain, seq, f"event written as seq {moved} now sits at seq {seq}", REORDERED))
            else:
                problems.append(ChainProblem(chain, seq, "content does not match its hash", ALTERED))
        elif r["prev_hash"] != prev and not gap:
            problems.append(ChainProblem(chain, seq, "intact event that does not follow the previous one", BROKEN))
        elif head_seq is not None and seq > head_seq:
            problems.append(ChainProblem(chain, seq, f"event beyond the chain head (head at seq {head_seq})", FORGED))
        prev = r["hash"]
        expected_seq = seq + 1
    last_seq = expected_seq - 1
    if head is None:
        if count:
            problems.append(ChainProblem(chain, last_seq, "events exist but the chain head is missing", NO_HEAD))
    elif head[0] > last_seq:
        problems.append(ChainProblem(
            chain, last_seq + 1, f"head says seq {head[0]} but the last event is seq {last_seq}", TRUNCATED
        ))
    elif head[0] == last_seq and head[1] != prev:
        problems.append(ChainProblem(chain, last_seq, "the last event does not match the head's hash", ALTERED))
    elif head[0] < last_seq and head[0] > 0 and not any(p.kind == FORGED for p in problems):
        problems.append(ChainProblem(chain, head[0] + 1, f"events beyond the chain head (seq {head[0]})", FORGED))
    return ChainReport(chain, count, head_seq, problems)


_FIELDS = ["seq", "prev_hash", "hash", "actor_id", "action", "object_type", "object_id", "changes", "ip", "created_at"]


def _tenant_report(tenant_id: int) -> ChainReport:
    from tenants.models import AuditChainHead, AuditEvent

    # Head first, then events: call inside one REPEATABLE READ snapshot (audit_verify_all does) so
    # an append between the two reads can't look like a forged event.
    head_row = AuditChainHead.objects.filter(tenant_id=tenant_id).values_list("seq", "hash").first()
    rows = (
        AuditEvent.objects.filter(tenant_id=tenant_id).order_by("seq").values(*_FIELDS, "acting_for")
        .iterator(chunk_size=5000)
    )
    return _verify_rows(f"tenant:{tenant_id}", rows, head_row)


def _system_report() -> ChainReport:
    from tenants.models import SystemAuditEvent, SystemChainHead

    head_row = SystemChainHead.objects.filter(id=1).values_list("seq", "hash").first()
    rows = SystemAuditEvent.objects.order_by("seq").values(*_FIELDS, "agency_hint").iterator(chunk_size=5000)
    return _verify_rows("system", rows, head_row)


def audit_verify_tenant(*, tenant_id: int) -> list[ChainProblem]:
    """Walk one tenant's chain from genesis to head. Caller opens a scope that can read the tenant."""
    return _tenant_report(tenant_id).problems


def audit_verify_system() -> list[ChainProblem]:
    return _system_report().problems


def audit_verify_all(*, tenant_ids: list[int] | None = None, include_system: bool = True) -> list[ChainReport]:
    """Verify every tenant chain (or the given ones) and the system chain, reading all of them through
    the allow-listed read-all scope in one REPEATABLE READ snapshot. Read-only."""
    from django.db import connection

    from tenants.context import dangerously_read_all_tenants
    from tenants.models import Agency

    own_snapshot = not connection.in_atomic_block  # else: the caller's transaction, as it is
    with transaction.atomic():
        if own_snapshot:
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        ids = sorted(tenant_ids) if tenant_ids is not None else list(Agency.objects.order_by("id").values_list("id", flat=True))
        reports: list[ChainReport] = []
        with dangerously_read_all_tenants(ids):
            reports.extend(_tenant_report(t) for t in ids)
        if include_system:
            reports.append(_system_report())
    return reports
