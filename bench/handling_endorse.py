"""An endorsement (เกษียน/สั่งการ) at an offered load of 20 actions/s (open loop), beside the raw SQL floor at
the same offered load.

    python bench/run.py handling_endorse               # or: python bench/handling_endorse.py --help

Before the run, through the services, each bench agency gets a ปลัด post held by a head, a one-step chain
and enough letters registered, noted and presented to that post for its share of the requests. Each request
is then what the head's "มอบ" button does: ``documents.handling.services.endorse`` in the agency's scope (who
holds the post today, the holding locked and checked, the endorsement line with name and printed
position, the order to one unit, the holding back at the central desk, an audit event), committed. The
schedule is Poisson at 20/s (seeded); latency runs from a request's due time to its commit (no coordinated
omission). The floor, on the same schedule and clients: one transaction with the scope settings that
locks the same holding row, updates it and inserts an event row. Afterwards every letter must be
``ordered`` with exactly one endorsement and one desk holding.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registry_common import OPS, BenchFailed, RegistryResult  # noqa: E402
from bench.registry_latency import schedule  # noqa: E402

RATE = 20.0
TARGET_P95_MS = 100.0


@dataclass(frozen=True)
class Desk:
    agency_id: int
    head_user: int
    head_membership: int
    unit_id: int
    event_user: int


def _prepare(agencies: int, per_agency: int) -> tuple[list[Desk], list[int]]:
    """Agencies with a head and ``per_agency`` presented letters each; returns the desks and the holding
    ids ordered so that request k (agency k mod n) takes its own agency's next holding."""
    import datetime as dt

    from bench.registry_common import make_agencies
    from documents.handling import services
    from documents.registry import services as registry
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.context import tenant_scope
    from tenants.permissions import Actor
    from tenants.roles import Role
    from tenants.services import org

    desks: list[Desk] = []
    per: list[list[int]] = []
    for ag in make_agencies(agencies, tag=f"e{uuid.uuid4().hex[:7]}"):
        with tenant_scope(ag.id):
            clerk = Actor(user_id=ag.user_id, agency_id=ag.id, membership_id=ag.membership_id, unit_id=None,
                          roles=frozenset({Role.CENTRAL_CLERK}), display_name="สารบรรณ")
            admin = Actor(user_id=ag.user_id, agency_id=ag.id, membership_id=None, unit_id=None,
                          roles=frozenset({Role.AGENCY_ADMIN}))
            unit = org.org_unit_create(tenant_id=ag.id, actor=None, name_th="กองช่าง", unit_number="3")
            post = org.position_create(tenant_id=ag.id, actor=None, title_th="ปลัดองค์การบริหารส่วนตำบลทดสอบ",
                                       is_executive=True)
            user = org.user_create(username=f"bench_head_{uuid.uuid4().hex[:10]}", password=None, title_th="นาย",
                                   first_name_th="ผู้บริหาร", last_name_th="ทดสอบ")
            m = org.membership_create(tenant_id=ag.id, actor=None, user=user, roles=[Role.HEAD])
            org.position_assign(tenant_id=ag.id, actor=None, position=post, membership=m, starts_on=dt.date(2020, 1, 1))
            chain = services.chain_create(tenant_id=ag.id, actor=admin, name_th="เสนอปลัด", position_ids=[post.pk])
            ids = []
            for i in range(per_agency):
                entry = registry.register_incoming(
                    tenant_id=ag.id, actor=clerk, idempotency_key=uuid.uuid4().hex,
                    data=IncomingInput(subject=f"ขออนุมัติโครงการซ่อมถนน ครั้งที่ {i}", sender=PartyInput(name="อำเภอ")))
                h = services.handling_start(tenant_id=ag.id, actor=clerk, entry_id=entry.pk,
                                            note=services.NoteInput(summary="ขออนุมัติโครงการ"))
                ids.append(services.present(tenant_id=ag.id, actor=clerk, handling_id=h.pk, chain_id=chain.pk).pk)
        desks.append(Desk(ag.id, user.pk, m.pk, unit.pk, ag.user_id))
        per.append(ids)
    order = [per[k % agencies][k // agencies] for k in range(agencies * per_agency)]
    return desks, order


def _endorse(desk: Desk, holdings: list[int], k: int) -> int:
    from documents.handling import services
    from tenants.context import tenant_scope
    from tenants.permissions import Actor
    from tenants.roles import Role

    actor = Actor(user_id=desk.head_user, agency_id=desk.agency_id, membership_id=desk.head_membership, unit_id=None,
                  roles=frozenset({Role.HEAD}), display_name="นายผู้บริหาร ทดสอบ")
    with tenant_scope(desk.agency_id):
        services.endorse(tenant_id=desk.agency_id, actor=actor, holding_id=holdings[k], phrase="มอบ",
                         text="กองช่างดำเนินการ", order_units=[desk.unit_id])
    return k


FLOOR_SQL = (
    "SELECT id, handling_id FROM documents_holding WHERE tenant_id = %s AND id = %s FOR UPDATE",
    "UPDATE documents_holding SET finished_at = now() WHERE id = %s",
    "INSERT INTO documents_handlingevent (tenant_id, handling_id, holding_id, kind, at, actor_id, actor_name,"
    " actor_position, authority_line, phrase, text, details) VALUES (%s, %s, %s, 'acted', now(), %s, 'floor', '', '',"
    " '', 'floor', '{}')",
)


def _floor(desk: Desk, holdings: list[int], k: int) -> int:
    from django.db import connection

    from tenants.context import tenant_scope

    with tenant_scope(desk.agency_id), connection.cursor() as cur:
        cur.execute(FLOOR_SQL[0], [desk.agency_id, holdings[k]])
        hid, handling = cur.fetchone()
        cur.execute(FLOOR_SQL[1], [hid])
        cur.execute(FLOOR_SQL[2], [desk.agency_id, handling, hid, desk.event_user])
    return k


def _check(desks: list[Desk], holdings: list[int]) -> list[str]:
    from documents.models import EventKind, HandlingEvent, Holding
    from tenants.context import tenant_scope

    bad = []
    for d in desks:
        with tenant_scope(d.agency_id):
            mine = Holding.objects.filter(tenant_id=d.agency_id, pk__in=holdings)
            handlings = list(mine.values_list("handling_id", flat=True))
            states = set(mine.values_list("handling__state", "status"))
            if states != {("ordered", "done")}:
                bad.append(f"agency {d.agency_id}: states {states}")
            ends = HandlingEvent.objects.filter(tenant_id=d.agency_id, handling_id__in=handlings, kind=EventKind.ENDORSED)
            if ends.count() != len(handlings):
                bad.append(f"agency {d.agency_id}: {ends.count()} endorsements for {len(handlings)} letters")
            desk_open = Holding.objects.filter(tenant_id=d.agency_id, handling_id__in=handlings, holder_kind="desk",
                                               status="open").count()
            if desk_open != len(handlings):
                bad.append(f"agency {d.agency_id}: {desk_open} desk holdings for {len(handlings)} letters")
    return bad


def run(*, requests: int, processes: int, threads: int, agencies: int, rate: float = RATE) -> RegistryResult:
    from bench.registry_common import open_loop, pct

    per = -(-requests // agencies)
    desks, holdings = _prepare(agencies, per)
    n = min(requests, len(holdings))
    OPS["handling.endorse"] = _endorse  # the pool calls OPS[kind](agencies[k % n], data, k)
    OPS["handling.floor"] = _floor
    lat, served, span = {}, {}, {}
    for kind in ("handling.endorse", "handling.floor"):
        sched = schedule(n, rate, time.time() + 1.0)
        stats = open_loop(desks, processes, threads, sched, kind, holdings)
        errors = [e for s in stats for e in s.errors]
        if errors:
            raise BenchFailed(f"{len(errors)} {kind} failed; first:\n{errors[0]}")
        lat[kind] = [ms for s in stats for ms in s.latencies[kind]]
        span[kind] = sched[-1] - sched[0]
        served[kind] = len(lat[kind]) / (max(s.last_end.get(kind, 0.0) for s in stats) - sched[0])
    bad = _check(desks, holdings[:n])
    if bad:
        raise BenchFailed("side effects do not match: " + "; ".join(bad[:5]))
    e, f = lat["handling.endorse"], lat["handling.floor"]
    p = {q: pct(e, q) for q in (50, 95, 99)}
    fp = {q: pct(f, q) for q in (50, 95, 99)}
    verdict = "meets" if p[95] < TARGET_P95_MS else "MISSES"
    note = (f"{verdict} the target p95 < {TARGET_P95_MS:.0f} ms; offered {rate:.0f}/s Poisson ({n} requests over"
            f" {span['handling.endorse']:.1f} s), served {served['handling.endorse']:.1f}/s, max {max(e):.0f} ms;"
            f" {processes * threads} clients ({processes} x {threads}), {agencies} agencies; checked: every letter"
            f" ordered with one endorsement and one desk holding")
    return RegistryResult(
        "handling_endorse",
        f"p50 {p[50]:.1f} ms, p95 {p[95]:.1f} ms, p99 {p[99]:.1f} ms (n={len(e)})",
        f"p50 {fp[50]:.1f} ms, p95 {fp[95]:.1f} ms, p99 {fp[99]:.1f} ms (lock + update + event insert, same schedule)",
        p[95] / fp[95], f"p50 {p[50] / fp[50]:.1f}x, p95 {p[95] / fp[95]:.1f}x the floor", note,
    )


def bench(n: int, *, smoke: bool) -> RegistryResult:
    """bench/run.py entry: ``n`` = requests per phase (600 = 30 s at 20/s)."""
    if smoke:
        return run(requests=n, processes=1, threads=2, agencies=2)
    return run(requests=n, processes=2, threads=4, agencies=4)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")
    import django

    django.setup()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=600)
    ap.add_argument("--rate", type=float, default=RATE)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--agencies", type=int, default=4)
    a = ap.parse_args()
    res = run(requests=a.requests, processes=a.processes, threads=a.threads, agencies=a.agencies, rate=a.rate)
    print("\n".join(res.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
