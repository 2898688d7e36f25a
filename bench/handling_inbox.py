"""The inbox (หนังสือถึงฉัน) with 1 M letters handled in the agency, one client: p50/p95 of
``documents.handling.selectors.inbox`` for a clerk who holds the ปลัด's post, the central desk and their own
tasks (380 letters in hand, 100 shown), by urgency and by received time, and of the web page
``/a/<agency>/handling/``; beside the floor (the bare SELECT of the same 100 open holdings with their letters),
and the query count, which must not depend on how many rows the page shows.

    python bench/run.py handling_inbox             # or: python bench/handling_inbox.py --help

The rows: ``bench/registry_data.big_book()`` (1 M entries, built on first use) plus
``bench/handling_data.big_inbox()`` (a handling and a holding per entry, built on first use).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registry_book_page import _timed  # noqa: E402
from bench.registry_common import BenchFailed, RegistryResult, pct  # noqa: E402

TARGET_P95_MS = 100.0

FLOOR_SQL = (
    "SELECT ho.id, ho.received_at, ho.due_on, ho.passed_note, h.entry_id, e.year, e.number, l.subject, l.sender_display,"
    " l.urgency, l.purpose FROM documents_holding ho JOIN documents_handling h ON h.id = ho.handling_id"
    " JOIN documents_registryentry e ON e.id = h.entry_id JOIN documents_letter l ON l.id = h.letter_id"
    " WHERE ho.tenant_id = %s AND ho.status = 'open' AND (ho.holder_kind = 'desk' OR (ho.holder_kind = 'position'"
    " AND ho.position_id = %s) OR (ho.holder_kind = 'member' AND ho.membership_id = %s))"
    " ORDER BY l.urgency DESC, ho.received_at, ho.id LIMIT 100"
)


def run(*, samples: int, rows: int | None = None, newest: int | None = None) -> RegistryResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.handling_data import big_inbox
    from bench.registry_data import big_book
    from documents.handling.selectors import INBOX_LIMIT, InboxFilters, inbox
    from tenants.context import tenant_scope
    from tenants.models import Agency, Membership, User
    from tenants.selectors import actor_build

    big = big_book(rows, log=lambda m: print(m, flush=True))
    box = big_inbox(big, log=lambda m: print(m, flush=True), newest=newest)
    agency = Agency.objects.get(pk=big.agency_id)
    user = User.objects.get(pk=big.user_id)
    with tenant_scope(big.agency_id):
        actor = actor_build(agency=agency, membership=Membership.objects.get(pk=big.membership_id), user=user)

    def view(filters: InboxFilters):  # type: ignore[no-untyped-def]
        def go() -> int:
            with tenant_scope(big.agency_id):
                return len(inbox(actor, tenant_id=big.agency_id, filters=filters))
        return go

    def floor() -> None:
        with tenant_scope(big.agency_id), connection.cursor() as cur:
            cur.execute(FLOOR_SQL, [big.agency_id, box.position_id, big.membership_id])
            cur.fetchall()

    counts, shown = {}, {}
    for label, f in (("by urgency", InboxFilters()), ("overdue only", InboxFilters(overdue=True, sort="due"))):
        with CaptureQueriesContext(connection) as q:
            shown[label] = view(f)()
        counts[label] = len(q.captured_queries)
    if len(set(counts.values())) != 1:
        raise BenchFailed(f"query count depends on the rows shown: {counts} for {shown} rows")
    if shown["by urgency"] != min(INBOX_LIMIT, box.open_holdings):
        raise BenchFailed(f"the inbox showed {shown['by urgency']} rows, expected {min(INBOX_LIMIT, box.open_holdings)}")
    ms = {"urgency": _timed(view(InboxFilters()), samples), "received": _timed(view(InboxFilters(sort="received")), samples),
          "floor": _timed(floor, samples)}
    try:
        web = _web(agency.slug, user, samples)
    except Exception as exc:  # a secondary figure
        web = f"; web page: not measured ({type(exc).__name__}: {str(exc)[:120]})"
    p95 = {k: pct(v, 95) for k, v in ms.items()}
    p50 = {k: statistics.median(v) for k, v in ms.items()}
    worst = max(p95["urgency"], p95["received"])
    verdict = "meets" if worst < TARGET_P95_MS else "MISSES"
    note = (f"{verdict} the target p95 < {TARGET_P95_MS:.0f} ms; {box.handlings:,} handlings in the agency,"
            f" {box.open_holdings} open holdings of this clerk; queries per inbox: {counts} for {shown} rows (constant)"
            f"{web}")
    return RegistryResult(
        "handling_inbox",
        f"inbox p50/p95: by urgency {p50['urgency']:.1f}/{p95['urgency']:.1f} ms, by received"
        f" {p50['received']:.1f}/{p95['received']:.1f} ms",
        f"bare SELECT of the same 100 rows p50/p95 {p50['floor']:.1f}/{p95['floor']:.1f} ms",
        worst / p95["floor"], f"p95 {worst / p95['floor']:.1f}x the floor", note,
    )


def _web(slug: str, user, samples: int) -> str:  # type: ignore[no-untyped-def]
    from django.test import Client
    from django.urls import reverse

    url = reverse("handling-inbox", kwargs={"agency": slug})
    client = Client()
    client.force_login(user)
    if client.get(url).status_code != 200:
        return "; web page: not 200 (not measured)"
    t = _timed(lambda: client.get(url), max(20, samples // 4))
    return f"; web page GET {url} p50/p95 {statistics.median(t):.0f}/{pct(t, 95):.0f} ms"


def bench(n: int, *, smoke: bool) -> RegistryResult:
    """bench/run.py entry: ``n`` = samples. Smoke: reuses the big book if it exists, else 2,000 rows, and
    gives handlings to its newest 2,000 entries only."""
    return run(samples=n, rows=2000 if smoke else None, newest=2000 if smoke else None)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")
    import django

    django.setup()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--rows", type=int, default=None)
    a = ap.parse_args()
    print("\n".join(run(samples=a.samples, rows=a.rows).lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
