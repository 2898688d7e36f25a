"""Handling rows for the 1 M-letter agency of ``bench/registry_data.big_book()`` (slug ``registry-1m``): every
non-annulled entry gets a handling, closed long ago with one closed holding (an officer's), except the
newest ones, which are in hand: ``AT_POST`` presented to a post the bench clerk holds (ปลัด), ``AT_DESK``
noted at the central desk and ``AT_MEMBER`` assigned to the clerk with due dates — what one busy
inbox holds while the agency's history is a million letters.

Built by the owner role with ``INSERT … SELECT`` in chunks of entry ids under the agency's scope
settings (RLS is FORCEd for the owner too), then ANALYZE. Idempotent: run again and only what is
missing is added; the open rows are set again each run."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import psycopg

from bench.registry_data import BigBook, _owner_dsn

AT_POST, AT_DESK, AT_MEMBER = 300, 50, 30
CHUNK = 200_000
POST_TITLE = "ปลัดเทศบาลนครทดสอบหนึ่งล้านรายการ"


@dataclass(frozen=True)
class BigInbox:
    big: BigBook
    position_id: int
    handlings: int
    open_holdings: int
    built_now: int
    build_seconds: float


def _post(big: BigBook) -> int:
    """The ปลัด post, held by the bench clerk from 2020 (created on first use, as the app role)."""
    from tenants.context import tenant_scope
    from tenants.models import Membership, Position
    from tenants.services import org

    with tenant_scope(big.agency_id):
        post = Position.objects.filter(tenant_id=big.agency_id, title_th=POST_TITLE).first()
        if post is None:
            post = org.position_create(tenant_id=big.agency_id, actor=None, title_th=POST_TITLE, is_executive=True)
            org.position_assign(tenant_id=big.agency_id, actor=None, position=post,
                                membership=Membership.objects.get(pk=big.membership_id), starts_on=dt.date(2020, 1, 1))
        return post.pk


def big_inbox(big: BigBook, *, log=print, newest: int | None = None) -> BigInbox:  # type: ignore[no-untyped-def]
    """``newest``: give handlings to at most that many of the newest entries (the smoke run: a few seconds
    even where the book already holds a million); default all."""
    post = _post(big)
    t, u, m = big.agency_id, big.user_id, big.membership_id
    started = time.perf_counter()
    built = 0
    with psycopg.connect(_owner_dsn(), autocommit=True) as owner:
        def scoped(cur: psycopg.Cursor) -> None:
            cur.execute("SELECT set_config('app.write_tenant', %s, true), set_config('app.read_tenants', %s, true),"
                        " set_config('synchronous_commit', 'off', true), set_config('work_mem', '64MB', true)",
                        [str(t), "{" + str(t) + "}"])

        with owner.transaction(), owner.cursor() as cur:
            scoped(cur)
            cur.execute("SELECT min(id), max(id) FROM documents_registryentry WHERE tenant_id = %s AND book_id = %s",
                        [t, big.book_id])
            lo_id, hi_id = cur.fetchone()
        if newest is not None and hi_id is not None:
            lo_id = max(lo_id or 1, hi_id - newest + 1)
        for lo in range(lo_id or 1, (hi_id or 0) + 1, CHUNK):
            hi = lo + CHUNK - 1
            with owner.transaction(), owner.cursor() as cur:
                scoped(cur)
                # one statement: each new handling gets its closed holding (no anti-join over a growing table)
                cur.execute(
                    """WITH h AS (
                           INSERT INTO documents_handling (tenant_id, entry_id, letter_id, state, chain_id, ordered_units,
                               ordered_positions, file_category_id, created_by_id, created_at, closed_at)
                           SELECT e.tenant_id, e.id, e.letter_id, 'closed', NULL, '[]', '[]', NULL, %(u)s, e.registered_at,
                               e.registered_at + interval '3 days'
                           FROM documents_registryentry e
                           WHERE e.tenant_id = %(t)s AND e.book_id = %(b)s AND e.id BETWEEN %(lo)s AND %(hi)s
                             AND e.status <> 'annulled'
                             AND NOT EXISTS (SELECT 1 FROM documents_handling x WHERE x.entry_id = e.id)
                           RETURNING id, tenant_id, created_at, closed_at)
                       INSERT INTO documents_holding (tenant_id, handling_id, holder_kind, position_id, unit_id,
                           membership_id, purpose, status, step, received_at, due_on, passed_by_id, passed_note,
                           parent_id, unit_entry_id, finished_at)
                       SELECT h.tenant_id, h.id, 'member', NULL, NULL, %(m)s, 'act', 'closed', NULL,
                           h.created_at + interval '1 day', NULL, %(u)s, 'มอบดำเนินการ', NULL, NULL, h.closed_at
                       FROM h""",
                    {"t": t, "u": u, "m": m, "b": big.book_id, "lo": lo, "hi": hi})
                n = cur.rowcount
                if n:
                    log(f"  handling rows for entries {lo:,}..{hi:,}: {n:,}")
                built += n
        with owner.transaction(), owner.cursor() as cur:  # the newest letters are in hand (set again each run)
            scoped(cur)
            cur.execute(  # what an earlier run left open (the newest then) is closed again
                """WITH was AS (UPDATE documents_holding SET status = 'closed', holder_kind = 'member', position_id = NULL,
                       membership_id = %(m)s, purpose = 'act', due_on = NULL, finished_at = received_at + interval '1 day'
                   WHERE tenant_id = %(t)s AND status = 'open' RETURNING handling_id)
                   UPDATE documents_handling SET state = 'closed', closed_at = created_at + interval '3 days'
                   WHERE tenant_id = %(t)s AND id IN (SELECT handling_id FROM was)""", {"t": t, "m": m})
            cur.execute(
                """WITH newest AS (
                       SELECT h.id, row_number() OVER (ORDER BY h.entry_id DESC) AS k FROM documents_handling h
                       WHERE h.tenant_id = %(t)s ORDER BY h.entry_id DESC LIMIT %(n)s)
                   UPDATE documents_holding ho SET
                       holder_kind = CASE WHEN k <= %(p)s THEN 'position' WHEN k <= %(pd)s THEN 'desk' ELSE 'member' END,
                       position_id = CASE WHEN k <= %(p)s THEN %(post)s END,
                       membership_id = CASE WHEN k > %(pd)s THEN %(m)s END,
                       purpose = CASE WHEN k <= %(pd)s THEN 'present' ELSE 'act' END,
                       status = 'open', finished_at = NULL,
                       due_on = CASE WHEN k > %(pd)s THEN current_date + (k %% 10)::int - 3 END,
                       received_at = now() - k * interval '37 minutes'
                   FROM newest WHERE ho.handling_id = newest.id""",
                {"t": t, "n": AT_POST + AT_DESK + AT_MEMBER, "p": AT_POST, "pd": AT_POST + AT_DESK, "post": post,
                 "m": m})
            cur.execute(
                """UPDATE documents_handling h SET closed_at = NULL, state = CASE ho.holder_kind
                       WHEN 'member' THEN 'distributed' WHEN 'desk' THEN 'noted' ELSE 'presenting' END
                   FROM documents_holding ho
                   WHERE h.tenant_id = %(t)s AND ho.tenant_id = %(t)s AND ho.handling_id = h.id AND ho.status = 'open'""",
                {"t": t})
            cur.execute("SELECT count(*) FROM documents_handling WHERE tenant_id = %s", [t])
            total = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM documents_holding WHERE tenant_id = %s AND status = 'open'", [t])
            open_ = cur.fetchone()[0]
        if built:
            owner.execute("ANALYZE documents_handling")
            owner.execute("ANALYZE documents_holding")
    return BigInbox(big, post, total, open_, built, time.perf_counter() - started)
