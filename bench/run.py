"""Kernel benchmarks: each prints its figure, a floor measured in the same run, and the ratio.

    python bench/run.py [--smoke] [name ...]        names: audit_append scoped_request job_enqueue
                                                    registry_throughput registry_latency registry_book_page
                                                    handling_inbox handling_endorse drafting_render

Runs as the app role (``DATABASE_URL``) on committed data it creates itself (a fresh agency, a user
and a membership). ``--smoke`` uses tiny sizes (a few seconds in all) and only checks that nothing
errors. Results and how to read them: docs/benchmarks.md.

Floors:
- audit_append / job_enqueue: a raw INSERT of an equivalent row (same columns and indexes, no RLS, no
  chain, no trigger, no on-commit hook) in its own transaction, on the same connection, into a scratch
  table: a TEMP table if the app role may create one, else a table the owner creates for this run in
  schema ``bench_scratch`` (needs ``MIGRATION_DATABASE_URL``) and drops at the end.
- scoped_request: GET /healthz (no database, no tenant) through the same test client.
- registry_*: see bench/registry_common.py and each bench/registry_*.py (the raw numbered insert, or the
  bare keyset SELECT, on the same clients in the same run).
Figure and floor are measured in alternating rounds so drift on a busy machine hits both alike.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from tenants.context import tenant_scope  # noqa: E402

ROUNDS = 4
HASH = "a" * 64


@dataclass
class Skipped(Exception):
    """The benchmark can't run in this checkout (e.g. the page it measures isn't there yet)."""


@dataclass
class Result:
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


# --- fixture: a fresh agency, a member, scratch tables ----------------------------------------------
@dataclass
class Fixture:
    agency: object
    user: object
    audit_table: str
    job_table: str
    floor_kind: str


def _make_agency_and_user():  # type: ignore[no-untyped-def]
    from tenants.roles import Role
    from tenants.services.org import agency_create, membership_create, user_create

    tag = uuid.uuid4().hex[:10]
    agency = agency_create(
        actor=None, slug=f"bench-{tag}", name_th="องค์การบริหารส่วนตำบลทดสอบสมรรถนะ", kind="sao",
        province="นครราชสีมา", letter_code="นม", letter_number="52390",
    )
    user = user_create(
        username=f"bench_{tag}", password=None, title_th="นาย", first_name_th="ทดสอบ", last_name_th="สมรรถนะ",
    )
    with tenant_scope(agency.pk):
        membership_create(tenant_id=agency.pk, actor=None, user=user, roles=[Role.OFFICER, Role.CENTRAL_CLERK])
    return agency, user


def _try_temp_tables() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE bench_audit (LIKE public.tenants_auditevent INCLUDING INDEXES)")
            cur.execute("CREATE TEMP TABLE bench_job (LIKE public.tenants_job INCLUDING INDEXES)")
        return True
    except django.db.DatabaseError:
        return False  # the app role has no TEMP privilege (the deployment default)


@contextmanager
def scratch_tables() -> Iterator[tuple[str, str, str]]:
    """(audit table, job table, kind) for the raw-INSERT floors, on the app role's connection."""
    if _try_temp_tables():
        try:
            yield "pg_temp.bench_audit", "pg_temp.bench_job", "TEMP table"
        finally:
            with connection.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS pg_temp.bench_audit, pg_temp.bench_job")
        return
    owner_url = os.environ.get("MIGRATION_DATABASE_URL")
    if not owner_url:
        raise RuntimeError("the app role may not create TEMP tables and MIGRATION_DATABASE_URL is not set")
    import psycopg

    app_role = settings.DATABASES["default"]["USER"]
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    audit_t, job_t = f"bench_scratch.audit_{suffix}", f"bench_scratch.job_{suffix}"
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute("CREATE SCHEMA IF NOT EXISTS bench_scratch")
        owner.execute(f'GRANT USAGE ON SCHEMA bench_scratch TO "{app_role}"')
        owner.execute(f"CREATE UNLOGGED TABLE {audit_t} (LIKE public.tenants_auditevent INCLUDING INDEXES)")
        owner.execute(f"CREATE UNLOGGED TABLE {job_t} (LIKE public.tenants_job INCLUDING INDEXES)")
        for t in (audit_t, job_t):
            owner.execute(f'GRANT INSERT ON {t} TO "{app_role}"')
        try:
            yield audit_t, job_t, "UNLOGGED scratch table (owner-made: the app role has no TEMP privilege)"
        finally:
            connection.close()  # no open transaction may hold a lock on the tables being dropped
            owner.execute(f"DROP TABLE IF EXISTS {audit_t}, {job_t}")
            if not _schema_used(owner):
                owner.execute("DROP SCHEMA IF EXISTS bench_scratch RESTRICT")


def _schema_used(owner) -> bool:  # type: ignore[no-untyped-def]
    row = owner.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bench_scratch'"
    ).fetchone()
    return bool(row and row[0])


# --- timing helpers -----------------------------------------------------------------------------------
def alternate(n: int, figure: Callable[[int], None], floor: Callable[[int], None]) -> tuple[float, float]:
    """Run figure(i) and floor(i) n times each, in ROUNDS alternating blocks; total seconds of each."""
    t_fig = t_floor = 0.0
    block = max(1, n // ROUNDS)
    done = 0
    while done < n:
        k = min(block, n - done)
        t0 = time.perf_counter()
        for i in range(done, done + k):
            figure(i)
        t1 = time.perf_counter()
        for i in range(done, done + k):
            floor(i)
        t2 = time.perf_counter()
        t_fig += t1 - t0
        t_floor += t2 - t1
        done += k
    return t_fig, t_floor


def throughput_result(name: str, unit: str, n: int, t_fig: float, t_floor: float, note: str = "") -> Result:
    fig, flo = n / t_fig, n / t_floor
    ratio = flo / fig
    return Result(
        name, f"{fig:,.0f} {unit}/s ({t_fig / n * 1000:.2f} ms each)", f"{flo:,.0f} inserts/s ({t_floor / n * 1000:.2f} ms each)",
        ratio, f"{ratio:.1f}x the floor's cost per operation", note,
    )


# --- benchmarks ----------------------------------------------------------------------------------------
def bench_audit_append(fx: Fixture, n: int) -> Result:
    from tenants.services.audit import audit_record

    ag = fx.agency

    def figure(i: int) -> None:
        with tenant_scope(ag.pk):
            audit_record(
                tenant_id=ag.pk, actor_id=fx.user.pk, action="document.update", object_type="document", object_id=i,
                changes={"subject": "ขอเชิญประชุมคณะกรรมการ", "n": i}, ip="10.0.0.1",
            )

    sql = (
        f"INSERT INTO {fx.audit_table} (id, tenant_id, seq, prev_hash, hash, actor_id, acting_for, action,"
        " object_type, object_id, changes, ip, created_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, '', 'document.update', 'document', %s, %s::jsonb, '10.0.0.1', now())"
    )

    def floor(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [i + 1, ag.pk, i + 1, HASH, HASH, fx.user.pk, str(i),
                              '{"subject": "ขอเชิญประชุมคณะกรรมการ", "n": ' + str(i) + "}"])

    for i in range(3):  # warm up connection, caches, head row
        figure(-1 - i)
    t_fig, t_floor = alternate(n, figure, floor)
    return throughput_result("audit_append", "events", n, t_fig, t_floor, f"floor: {fx.floor_kind}")


def bench_job_enqueue(fx: Fixture, n: int) -> Result:
    from tenants.models import Job, JobStatus
    from tenants.services.jobs import job_enqueue

    logging.getLogger("tenants.services.jobs").setLevel(logging.ERROR)  # broker down: one line per job
    ag = fx.agency

    def figure(i: int) -> None:
        with tenant_scope(ag.pk):
            job_enqueue(tenant_id=ag.pk, kind="diagnostics.noop", args={"n": i})

    sql = (
        f"INSERT INTO {fx.job_table} (id, tenant_id, kind, args, idempotency_key, status, attempts, max_attempts,"
        " last_error, created_at, updated_at) VALUES (%s, %s, 'diagnostics.noop', %s::jsonb, NULL, 'pending', 0, 5, '',"
        " now(), now())"
    )

    def floor(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [i + 1, ag.pk, '{"n": ' + str(i) + "}"])

    figure(-1)
    t_fig, t_floor = alternate(n, figure, floor)
    with tenant_scope(ag.pk):
        pending = Job.objects.filter(status=JobStatus.PENDING).count()
    note = (
        "each enqueue includes the after-commit dispatch to the broker"
        if pending == 0 else f"{pending} job(s) left pending: broker unreachable, dispatch failed fast (fine here)"
    )
    return throughput_result("job_enqueue", "jobs", n, t_fig, t_floor, note)


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def bench_scoped_request(fx: Fixture, n: int) -> Result:
    from django.test import Client
    from django.urls import Resolver404, get_resolver, resolve

    ag = fx.agency
    try:
        get_resolver().url_patterns  # noqa: B018 (load the URLconf)
    except Exception as exc:
        raise Skipped(f"the URLconf does not load: {type(exc).__name__}: {exc}") from exc
    for path in (f"/a/{ag.slug}/", "/healthz"):
        try:
            resolve(path)
        except Resolver404:
            print(f"  ({path} has no route yet: measuring the middleware path and the 404 page)")
    member, anon = Client(), Client()
    member.force_login(fx.user)
    url, floor_url = f"/a/{ag.slug}/", "/healthz"
    statuses: dict[str, set[int]] = {url: set(), floor_url: set()}
    fig_ms: list[float] = []
    floor_ms: list[float] = []

    def timed(client: Client, path: str, into: list[float]) -> None:
        t0 = time.perf_counter()
        resp = client.get(path)
        into.append((time.perf_counter() - t0) * 1000)
        statuses[path].add(resp.status_code)

    for _ in range(3):
        timed(member, url, [])
        timed(anon, floor_url, [])
    alternate(n, lambda i: timed(member, url, fig_ms), lambda i: timed(anon, floor_url, floor_ms))
    p50, p95 = statistics.median(fig_ms), _pct(fig_ms, 95)
    f50, f95 = statistics.median(floor_ms), _pct(floor_ms, 95)
    note = f"status {sorted(statuses[url])} for {url}, {sorted(statuses[floor_url])} for {floor_url}"
    if statuses[url] != {200}:
        note += " (home page not 200: the figure measures the middleware path and the error page)"
    return Result(
        "scoped_request", f"GET /a/<agency>/ p50 {p50:.2f} ms, p95 {p95:.2f} ms (signed-in member)",
        f"GET /healthz p50 {f50:.2f} ms, p95 {f95:.2f} ms", p50 / f50,
        f"p50 {p50 / f50:.1f}x, p95 {p95 / f95:.1f}x the floor", note,
    )


SMOKE = False


def _registry(module: str) -> Callable[[Fixture, int], Result]:
    """The registry benchmarks live in bench/registry_*.py (own agencies, client pools, side-effect checks)."""

    def run(fx: Fixture, n: int) -> Result:
        import importlib

        return importlib.import_module(f"bench.{module}").bench(n, smoke=SMOKE)

    return run


BENCHES: dict[str, tuple[Callable[[Fixture, int], Result], int, int]] = {
    # name: (function, full N, smoke N)
    "audit_append": (bench_audit_append, 2000, 15),
    "scoped_request": (bench_scoped_request, 500, 8),
    "job_enqueue": (bench_job_enqueue, 1000, 15),
    # N: seconds per registration phase / requests per phase at 50/s / samples per page measurement
    "registry_throughput": (_registry("registry_throughput"), 20, 1),
    "registry_latency": (_registry("registry_latency"), 1500, 20),
    "registry_book_page": (_registry("registry_book_page"), 200, 5),
    # handling (issue 4): samples per inbox measurement / endorsements per phase at 20/s
    "handling_inbox": (_registry("handling_inbox"), 200, 5),
    "handling_endorse": (_registry("handling_endorse"), 600, 10),
    # drafting (issue 5): rounds of render_letter and of the bare WeasyPrint floor (no database)
    "drafting_render": (_registry("drafting_render"), 40, 3),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; exit 0 unless something errors")
    parser.add_argument("-n", type=int, default=None, help="override N for every benchmark")
    parser.add_argument("names", nargs="*", metavar="name", help="any of: " + " ".join(BENCHES))
    args = parser.parse_args(argv)
    global SMOKE
    SMOKE = args.smoke
    names = args.names or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s): {' '.join(unknown)}; choose from {' '.join(BENCHES)}")

    db = settings.DATABASES["default"]
    print(f"# eoffice kernel benchmarks {'(smoke) ' if args.smoke else ''}"
          f"{time.strftime('%Y-%m-%d %H:%M:%S %z')}")
    print(f"# {platform.node()} {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()},"
          f" Django {django.get_version()}, db {db['NAME']} as {db['USER']}")
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        print(f"# PostgreSQL {cur.fetchone()[0]}")
    started = time.perf_counter()
    agency, user = _make_agency_and_user()
    failures = 0
    with scratch_tables() as (audit_t, job_t, kind):
        fx = Fixture(agency, user, audit_t, job_t, kind)
        for name in names:
            fn, full_n, smoke_n = BENCHES[name]
            n = args.n or (smoke_n if args.smoke else full_n)
            try:
                result = fn(fx, n)
            except Skipped as exc:
                print(f"{name}\n  SKIPPED: {exc}")
                continue
            except Exception:
                failures += 1
                print(f"{name}\n  ERROR")
                traceback.print_exc()
                continue
            print("\n".join(result.lines()) + f"\n  n:      {n}")
    print(f"# total {time.perf_counter() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
