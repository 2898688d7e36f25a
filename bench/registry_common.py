"""Shared parts of the registry benchmarks (bench/registry_*.py): bench agencies with a central clerk,
one full registration, its raw-SQL floor, a fork-based client pool, side-effect checks.

A *registration* is what the register form does after the upload: ``file_prepare`` (content check,
AES-256-GCM encryption with a fresh key, write to storage; no database) of a real 1-page PDF, then in
the agency's ``tenant_scope``: ``register_incoming`` (letter + sender party, the book lock, one clock
reading, counter, entry, FileKey + StoredFile rows, digest, audit event on the agency's chain, the
``registry.stamp`` job row), commit, and after commit the job's dispatch (publish to Redis, then a
short transaction marking it dispatched). No Celery worker runs: the messages wait in Redis; the job
rows are what is counted.

The *floor* is the least a numbered insert can cost on the same connection: one transaction with the
scope settings, ``INSERT … ON CONFLICT DO UPDATE`` of the counter and ``INSERT`` of a reserved entry
(no letter, so no other table) into a separate ``bench-floor`` book of the same agency.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, connections

ROOT_PREFIX = "bench-reg"


@dataclass
class RegistryResult:
    name: str
    figure: str
    floor: str
    ratio: float
    ratio_text: str
    note: str = ""

    def lines(self) -> list[str]:
        out = [f"{self.name}", f"  figure: {self.figure}", f"  floor:  {self.floor}", f"  ratio:  {self.ratio_text}"]
        if self.note:
            out.append(f"  note:   {self.note}")
        return out


class BenchFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class BenchAgency:
    id: int
    slug: str
    user_id: int
    membership_id: int
    book_id: int  # central incoming
    floor_book_id: int


def one_page_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = "หนังสือทดสอบสมรรถนะ"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_agencies(n: int, *, tag: str | None = None) -> list[BenchAgency]:
    """``n`` fresh agencies (standard books) each with a central clerk and a ``bench-floor`` book."""
    from documents.models import Book, BookKind
    from tenants.context import tenant_scope
    from tenants.roles import Role
    from tenants.services.org import agency_create, membership_create, user_create

    tag = tag or uuid.uuid4().hex[:8]
    out = []
    for i in range(n):
        slug = f"{ROOT_PREFIX}-{tag}-{i:02d}"
        agency = agency_create(
            actor=None, slug=slug, name_th=f"เทศบาลตำบลทดสอบสมรรถนะ {i + 1}", kind="sao", province="นครราชสีมา",
            letter_code="นม", letter_number=f"{52300 + i}",
        )
        user = user_create(username=f"bench_reg_{tag}_{i:02d}", password=None, title_th="นาย",
                           first_name_th="ทดสอบ", last_name_th="สมรรถนะ")
        with tenant_scope(agency.pk):
            m = membership_create(tenant_id=agency.pk, actor=None, user=user, roles=[Role.CENTRAL_CLERK])
            book = Book.objects.get(tenant_id=agency.pk, kind=BookKind.CENTRAL_INCOMING)
            floor = Book.objects.create(
                tenant_id=agency.pk, kind=BookKind.CIRCULAR, code="bench-floor", name_th="ทะเบียนพื้น (benchmark)",
                issuer_role=Role.CENTRAL_CLERK, reference_format="", letter_kinds=[], sort_order=999,
            )
        out.append(BenchAgency(agency.pk, slug, user.pk, m.pk, book.pk, floor.pk))
    return out


# --- one operation of each kind ----------------------------------------------------------------------------
def registration(ag: BenchAgency, pdf: bytes, i: int) -> int:
    """One full registration; returns its number."""
    from documents.files.services import file_prepare
    from documents.registry import services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.context import tenant_scope
    from tenants.permissions import Actor
    from tenants.roles import Role

    actor = Actor(user_id=ag.user_id, agency_id=ag.id, membership_id=ag.membership_id, unit_id=None,
                  roles=frozenset({Role.CENTRAL_CLERK}))
    prepared = file_prepare(pdf, "หนังสือเข้า.pdf")
    with tenant_scope(ag.id):
        entry = services.register_incoming(
            tenant_id=ag.id, actor=actor, idempotency_key=uuid.uuid4().hex, files=[prepared],
            data=IncomingInput(
                subject=f"ขอเชิญประชุมคณะกรรมการพัฒนาท้องถิ่น ครั้งที่ {i}",
                sender=PartyInput(name="องค์การบริหารส่วนจังหวัดนครราชสีมา"),
                letter_reference=f"ที่ นม 51000/{i}", channel="scan",
            ),
        )
    return entry.number


FLOOR_SQL = (
    "INSERT INTO documents_bookcounter (tenant_id, book_id, year, last_number) VALUES (%s, %s, 2569, 1)"
    " ON CONFLICT (book_id, year) DO UPDATE SET last_number = documents_bookcounter.last_number + 1"
    " RETURNING last_number"
)
FLOOR_ENTRY_SQL = (
    "INSERT INTO documents_registryentry (tenant_id, book_id, year, number, reference, reference_norm, status,"
    " registered_at, channel, digest, note, created_by_id, annul_reason) VALUES (%s, %s, 2569, %s, '', '',"
    " 'reserved', clock_timestamp(), '', '', 'floor', %s, '')"
)


def floor_op(ag: BenchAgency, i: int) -> int:
    """The raw SQL floor: counter upsert + entry insert in one transaction (the agency's scope)."""
    from tenants.context import tenant_scope

    with tenant_scope(ag.id), connection.cursor() as cur:  # the transaction + the scope's one set_config
        cur.execute(FLOOR_SQL, [ag.id, ag.floor_book_id])
        number = cur.fetchone()[0]
        cur.execute(FLOOR_ENTRY_SQL, [ag.id, ag.floor_book_id, number, ag.user_id])
    return number


OPS: dict[str, Callable[[BenchAgency, bytes, int], int]] = {
    "registration": registration,
    "floor": lambda ag, pdf, i: floor_op(ag, i),
}


# --- a pool of client processes x threads (fork: Django is already set up) ------------------------------------
@dataclass
class ClientStats:
    ops: dict[str, int] = field(default_factory=dict)
    last_end: dict[str, float] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)  # ms, open loop only
    errors: list[str] = field(default_factory=list)


def _quiet_logs() -> None:
    import logging

    logging.getLogger("tenants.services.jobs").setLevel(logging.ERROR)


def _closed_loop_client(agencies, client, phases, pdf, out):  # type: ignore[no-untyped-def]
    """Run each phase (kind, start, end) in turn: as many operations as start before ``end``. Records, per
    phase index, the operations done and when the last one finished."""
    _quiet_logs()
    ag = agencies[client % len(agencies)]
    stats = ClientStats()
    i = 0
    try:
        for idx, (kind, start, end) in enumerate(phases):
            while time.time() < start:
                time.sleep(0.002)
            op = OPS[kind]
            n = 0
            while time.time() < end:
                try:
                    op(ag, pdf, client * 1_000_000 + i)
                    n += 1
                except Exception:
                    stats.errors.append(traceback.format_exc()[-1500:])
                i += 1
            stats.ops[f"{kind}#{idx}"] = n  # operations started in phase idx (and completed)
            stats.last_end[f"{kind}#{idx}"] = time.time()
    finally:
        connections.close_all()
    out.append(stats)


def _open_loop_client(agencies, items, kind, pdf, out):  # type: ignore[no-untyped-def]
    """Take scheduled items (index, due time) from the shared list; latency counts from the due time."""
    _quiet_logs()
    stats = ClientStats(latencies={kind: []})
    try:
        while True:
            try:
                k, due = items.pop()
            except IndexError:
                break
            while (wait := due - time.time()) > 0:
                time.sleep(min(wait, 0.01))
            try:
                OPS[kind](agencies[k % len(agencies)], pdf, k)
                end = time.time()
                stats.latencies[kind].append((end - due) * 1000)
                stats.last_end[kind] = max(stats.last_end.get(kind, 0.0), end)
            except Exception:
                stats.errors.append(traceback.format_exc()[-1500:])
    finally:
        connections.close_all()
    out.append(stats)


def _process_main(target, threads, conn, args_for_thread):  # type: ignore[no-untyped-def]
    connections.close_all()  # never share the parent's sockets
    results: list[ClientStats] = []
    workers = [threading.Thread(target=target, args=(*args_for_thread(t), results)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    conn.send(results)
    conn.close()


def run_pool(processes: int, threads: int, target, args_for_client) -> list[ClientStats]:  # type: ignore[no-untyped-def]
    """Fork ``processes`` children, each running ``threads`` client threads; ``args_for_client(c)`` gives
    client number c its arguments (c = process * threads + thread)."""
    connections.close_all()
    ctx = mp.get_context("fork")
    procs, pipes = [], []
    for p in range(processes):
        parent_end, child_end = ctx.Pipe(duplex=False)

        def args_for_thread(t: int, p: int = p):  # type: ignore[no-untyped-def]
            return args_for_client(p * threads + t)

        proc = ctx.Process(target=_process_main, args=(target, threads, child_end, args_for_thread))
        proc.start()
        child_end.close()
        procs.append(proc)
        pipes.append(parent_end)
    out: list[ClientStats] = []
    for proc, pipe in zip(procs, pipes, strict=True):
        out.extend(pipe.recv())
        proc.join()
    return out


def closed_loop(agencies, processes: int, threads: int, phases, pdf) -> list[ClientStats]:  # type: ignore[no-untyped-def]
    return run_pool(processes, threads, _closed_loop_client, lambda c: (agencies, c, phases, pdf))


def open_loop(agencies, processes: int, threads: int, schedule: list[float], kind: str, pdf):  # type: ignore[no-untyped-def]
    """``schedule``: due times (absolute). Items are dealt to processes round-robin; within a process its
    threads take the next due item."""
    def args_for_client(c: int):  # type: ignore[no-untyped-def]
        p = c // threads
        return (agencies, shared[p], kind, pdf)

    shared = []
    for p in range(processes):
        mine = [(k, t) for k, t in enumerate(schedule) if k % processes == p]
        shared.append(list(reversed(mine)))  # pop() from the end takes the earliest
    return run_pool(processes, threads, _open_loop_client, args_for_client)


# --- checks --------------------------------------------------------------------------------------------------
@dataclass
class SideEffects:
    entries: int
    letters: int
    parties: int
    files: int
    file_keys: int
    audit_events: int
    stamp_jobs: int
    jobs_by_status: dict[str, int]
    floor_entries: int
    gapless: bool
    problems: list[str]


def side_effects(agencies: list[BenchAgency]) -> SideEffects:
    """Count what the registrations left, agency by agency, and check each book is 1..N."""
    from documents.models import FileKey, Letter, LetterParty, RegistryEntry, StoredFile
    from tenants.context import tenant_scope
    from tenants.models import AuditEvent, Job

    tot = dict.fromkeys(("entries", "letters", "parties", "files", "file_keys", "audit", "jobs", "floor"), 0)
    by_status: dict[str, int] = {}
    problems: list[str] = []
    for ag in agencies:
        with tenant_scope(ag.id):
            numbers = list(RegistryEntry.objects.filter(tenant_id=ag.id, book_id=ag.book_id).order_by("year", "number")
                           .values_list("number", flat=True))
            floor = list(RegistryEntry.objects.filter(tenant_id=ag.id, book_id=ag.floor_book_id)
                         .order_by("number").values_list("number", flat=True))
            for name, nums in (("book", numbers), ("floor book", floor)):
                if nums != list(range(1, len(nums) + 1)):
                    problems.append(f"{ag.slug}: {name} numbers are not 1..N")
            tot["entries"] += len(numbers)
            tot["floor"] += len(floor)
            tot["letters"] += Letter.objects.filter(tenant_id=ag.id).count()
            tot["parties"] += LetterParty.objects.filter(tenant_id=ag.id).count()
            tot["files"] += StoredFile.objects.filter(tenant_id=ag.id, role="original").count()
            tot["file_keys"] += FileKey.objects.filter(tenant_id=ag.id).count()
            tot["audit"] += AuditEvent.objects.filter(tenant_id=ag.id, action="registry.incoming").count()
            jobs = Job.objects.filter(tenant_id=ag.id, kind="registry.stamp")
            tot["jobs"] += jobs.count()
            for status in jobs.values_list("status", flat=True):
                by_status[status] = by_status.get(status, 0) + 1
    return SideEffects(
        tot["entries"], tot["letters"], tot["parties"], tot["files"], tot["file_keys"], tot["audit"], tot["jobs"],
        by_status, tot["floor"], not problems, problems,
    )


def check_side_effects(se: SideEffects, registrations: int, floor_ops: int) -> list[str]:
    """Every registration left exactly one of each; returns the discrepancies."""
    bad = list(se.problems)
    for name, value in (("entries", se.entries), ("letters", se.letters), ("sender parties", se.parties),
                        ("stored files", se.files), ("file keys", se.file_keys), ("audit events", se.audit_events),
                        ("stamp jobs", se.stamp_jobs)):
        if value != registrations:
            bad.append(f"{name}: {value} for {registrations} registrations")
    if se.floor_entries != floor_ops:
        bad.append(f"floor entries: {se.floor_entries} for {floor_ops} floor operations")
    return bad


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def cpu_count() -> int:
    return os.cpu_count() or 1
