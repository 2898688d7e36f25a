"""A book page with 1 M entries in the agency, one client: p50/p95 of ``selectors.book_page`` (and of
the web page ``/a/<agency>/registry/books/<code>/`` when it answers 200), page 1 and page 1000, beside
the raw SQL floor (the bare keyset SELECT of the same 51 rows), and the query count of each page.

    python bench/run.py registry_book_page             # or: python bench/registry_book_page.py --help

The rows are ``bench/registry_data.big_book()`` (built by the owner on first use, ~2-3 minutes for
1 M on this machine; reused afterwards; ``EOFFICE_EXPLAIN_ROWS`` sets the size). Page 1000 is reached
with the page's own keyset cursor ((year, number) of the 50,000th newest row), exactly as the
"older" link would after 999 clicks. The query count of page 1 and page 1000 must be equal (constant
queries); the benchmark fails otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registry_common import BenchFailed, RegistryResult, pct  # noqa: E402

TARGET_P95_MS = 100.0
DEPTH_PAGES = 1000


def _timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()
    fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run(*, samples: int, rows: int | None = None) -> RegistryResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.registry_data import big_book
    from documents.models import Book, BookCounter
    from documents.registry.selectors import PAGE_SIZE, BookFilters, book_page
    from tenants.context import tenant_scope
    from tenants.permissions import Actor
    from tenants.roles import Role

    big = big_book(rows, log=lambda m: print(m, flush=True))
    actor = Actor(user_id=big.user_id, agency_id=big.agency_id, membership_id=big.membership_id, unit_id=None,
                  roles=frozenset({Role.CENTRAL_CLERK, Role.OFFICER}))
    with tenant_scope(big.agency_id):
        book = Book.objects.get(tenant_id=big.agency_id, pk=big.book_id)
        total = sum(BookCounter.objects.filter(tenant_id=big.agency_id, book=book).values_list("last_number", flat=True))
        latest = max(BookCounter.objects.filter(tenant_id=big.agency_id, book=book).values_list("year", flat=True))
        depth = min(DEPTH_PAGES, max(1, total // PAGE_SIZE))
        with connection.cursor() as cur:  # the cursor the "older" link carries after depth-1 pages
            cur.execute(
                "SELECT year, number FROM documents_registryentry WHERE tenant_id = %s AND book_id = %s"
                " ORDER BY year DESC, number DESC OFFSET %s LIMIT 1", [big.agency_id, book.pk, (depth - 1) * PAGE_SIZE - 1],
            )
            deep_cursor = tuple(cur.fetchone()) if depth > 1 else None

    def page(before):  # type: ignore[no-untyped-def]
        def go() -> None:
            with tenant_scope(big.agency_id):
                rows_, _ = book_page(actor, tenant_id=big.agency_id, book=book, filters=BookFilters(before=before))
                assert len(rows_) == PAGE_SIZE or total < PAGE_SIZE * depth
        return go

    floor_sql = (
        "SELECT id, year, number, registered_at, letter_id FROM documents_registryentry WHERE tenant_id = %s"
        " AND book_id = %s AND (year, number) < (%s, %s) ORDER BY year DESC, number DESC LIMIT %s"
    )

    def floor(before):  # type: ignore[no-untyped-def]
        y, n = before or (99999, 0)

        def go() -> None:
            with tenant_scope(big.agency_id), connection.cursor() as cur:
                cur.execute(floor_sql, [big.agency_id, book.pk, y, n, PAGE_SIZE + 1])
                cur.fetchall()
        return go

    counts = {}
    for label, before in (("page 1", None), (f"page {depth}", deep_cursor)):
        with CaptureQueriesContext(connection) as q:
            page(before)()
        counts[label] = len(q.captured_queries)
    if len(set(counts.values())) != 1:
        raise BenchFailed(f"query count differs by depth: {counts}")

    ms = {"p1": _timed(page(None), samples), "deep": _timed(page(deep_cursor), samples),
          "f1": _timed(floor(None), samples), "fdeep": _timed(floor(deep_cursor), samples)}
    try:
        web = _web(big, book.code, latest, deep_cursor, samples)
    except Exception as exc:  # a secondary figure: report why it is missing, keep the selector figures
        web = f"; web page: not measured ({type(exc).__name__}: {str(exc)[:120]})"
    p95 = {k: pct(v, 95) for k, v in ms.items()}
    p50 = {k: statistics.median(v) for k, v in ms.items()}
    worst = max(p95["p1"], p95["deep"])
    verdict = "meets" if worst < TARGET_P95_MS else "MISSES"
    note = (f"{verdict} the target p95 < {TARGET_P95_MS:.0f} ms; {total:,} entries in the book; queries per page:"
            f" {counts} (constant); page {depth} cursor {deep_cursor}{web}")
    return RegistryResult(
        "registry_book_page",
        f"book_page p50/p95: page 1 {p50['p1']:.1f}/{p95['p1']:.1f} ms, page {depth} {p50['deep']:.1f}/{p95['deep']:.1f} ms",
        f"bare keyset SELECT p50/p95: page 1 {p50['f1']:.1f}/{p95['f1']:.1f} ms, page {depth}"
        f" {p50['fdeep']:.1f}/{p95['fdeep']:.1f} ms",
        worst / max(p95["f1"], p95["fdeep"]),
        f"p95 page 1 {p95['p1'] / p95['f1']:.1f}x, page {depth} {p95['deep'] / p95['fdeep']:.1f}x the floor", note,
    )


def _web(big, code: str, year: int, deep_cursor, samples: int) -> str:  # type: ignore[no-untyped-def]
    """The web page, if it exists here: '' when it doesn't answer 200."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from tenants.models import User

    try:
        url = reverse("registry-book", kwargs={"agency": big.slug, "book": code})
    except NoReverseMatch:
        return "; web page: no route"
    client = Client()
    client.force_login(User.objects.get(pk=big.user_id))
    deep = f"{url}?year={deep_cursor[0]}&before={deep_cursor[0]}-{deep_cursor[1]}" if deep_cursor else url
    statuses = {client.get(url).status_code, client.get(deep).status_code}
    if statuses != {200}:
        return f"; web page: status {sorted(statuses)} (not measured)"
    first = _timed(lambda: client.get(url), samples)
    deeper = _timed(lambda: client.get(deep), samples)
    return (f"; web page GET {url} p50/p95 {statistics.median(first):.0f}/{pct(first, 95):.0f} ms,"
            f" page 1000 {statistics.median(deeper):.0f}/{pct(deeper, 95):.0f} ms (year {year} first)")


def bench(n: int, *, smoke: bool) -> RegistryResult:
    """bench/run.py entry: ``n`` = samples per measurement. Smoke: reuses the big book if it exists,
    else builds 2,000 rows."""
    return run(samples=n, rows=2000 if smoke else None)


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
