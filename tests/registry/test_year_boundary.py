"""The year boundary, with the injectable database clock (not a Python time freezer).

``eoffice_now()`` is the only clock the registry reads; the owner role moves it by writing
``documents_clockoverride`` (the app role may only read it). ``numbering.allocate`` reads it once,
after taking the book lock, and derives the book's year from that same reading, so an entry can't be
numbered in one year and dated in the next. Proven here on committed data in fresh agencies:

- calendar books: a letter registered at 23:59:59.5 on 31 December 2569 (Bangkok) is number 1 of
  2569; the next one, after midnight, is number 1 of 2570 and is dated 1 January 2570;
- a burst of registrations from four connections straddling midnight: every entry's year is the
  year of its own registration time, each year numbers 1..N in time order, and all of 2569 precede
  all of 2570;
- fiscal books (only unprinted books may be fiscal: a check constraint): crossing 1 October starts the
  next fiscal year while a calendar book in the same agency keeps counting.

The override is always removed afterwards (``clock_override``).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import IntegrityError, connection, connections, transaction

from documents.models import Book, RegistryEntry, YearBasis
from documents.registry import services
from documents.registry.numbering import registry_year
from tenants.context import tenant_scope
from tests.registry.conftest import new_key
from tests.registry.proof_support import (
    app_connect,
    clock_override,
    clock_set,
    incoming,
    outgoing,
    proof_agency,
)

# Committed data only (no test transaction), but the session's migrate + seed must have run.
pytestmark = pytest.mark.usefixtures("django_db_setup")

BANGKOK = ZoneInfo("Asia/Bangkok")
NEW_YEAR_2570 = dt.datetime(2027, 1, 1, tzinfo=BANGKOK)  # 1 มกราคม 2570, 00:00 Bangkok
FISCAL_2570 = dt.datetime(2026, 10, 1, tzinfo=BANGKOK)  # ปีงบประมาณ 2570 starts 1 ตุลาคม 2569


def db_now() -> dt.datetime:
    with connection.cursor() as cur:
        cur.execute("SELECT eoffice_now()")
        return cur.fetchone()[0]


def wait_until_db_past(moment: dt.datetime, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while db_now() <= moment:
        assert time.monotonic() < deadline, "the database clock did not pass the boundary"
        time.sleep(0.02)


def register_in(ag, book_code: str, subject: str = "หนังสือข้ามปี") -> RegistryEntry:  # type: ignore[no-untyped-def]
    with tenant_scope(ag.id):
        if book_code == "rcv":
            return services.register_incoming(
                tenant_id=ag.id, actor=ag.actor, data=incoming(subject), idempotency_key=new_key()
            )
        return services.issue_outgoing(
            tenant_id=ag.id, actor=ag.actor, data=outgoing(subject, book_id=ag.books[book_code]),
            idempotency_key=new_key(),
        )


def be_year_of(at: dt.datetime) -> int:
    return at.astimezone(BANGKOK).year + 543


def first_before(owner: psycopg.Connection, prefix: str, boundary: dt.datetime, book_code: str):  # type: ignore[no-untyped-def]
    """A fresh agency whose first entry is registered just before ``boundary`` (0.5 s before; more on
    a machine too busy to register within half a second)."""
    for margin in (0.5, 2.0, 5.0):
        ag = proof_agency(prefix)
        clock_set(owner, boundary - dt.timedelta(seconds=margin))
        entry = register_in(ag, book_code)
        if entry.registered_at < boundary:
            return ag, entry
    pytest.fail("could not register before the boundary even with a 5 s margin")


def test_only_the_owner_moves_the_clock(committed):  # type: ignore[no-untyped-def]
    with app_connect() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO documents_clockoverride (id, fixed_at, set_at) VALUES (1, now(), now())")
    with clock_override() as owner:
        clock_set(owner, dt.datetime(2026, 12, 31, 23, 0, tzinfo=BANGKOK))
        now = db_now()
        assert dt.timedelta(0) <= now - dt.datetime(2026, 12, 31, 23, 0, tzinfo=BANGKOK) < dt.timedelta(seconds=5)
        time.sleep(0.05)
        assert db_now() > now  # time still moves under an override
    assert abs(db_now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)  # removed: the real clock


def test_calendar_book_restarts_at_1_on_1_january(committed):  # type: ignore[no-untyped-def]
    with clock_override() as owner:
        ag, last_2569 = first_before(owner, "yb", NEW_YEAR_2570, "rcv")
        assert (last_2569.year, last_2569.number) == (2569, 1)
        assert last_2569.registered_at.astimezone(BANGKOK).date() == dt.date(2026, 12, 31)
        wait_until_db_past(NEW_YEAR_2570)
        first_2570 = register_in(ag, "rcv")
        outgoing_2570 = register_in(ag, "snd")
    assert (first_2570.year, first_2570.number) == (2570, 1)
    assert first_2570.registered_at >= NEW_YEAR_2570
    assert be_year_of(first_2570.registered_at) == 2570
    assert first_2570.registered_at.astimezone(BANGKOK).date() == dt.date(2027, 1, 1)
    assert first_2570.received_at == first_2570.registered_at  # received now: the same reading
    assert (outgoing_2570.year, outgoing_2570.number) == (2570, 1)
    assert outgoing_2570.reference == "ที่ นม 52301/1"
    with tenant_scope(ag.id):
        counters = dict(
            Book.objects.get(pk=ag.books["rcv"]).counters.values_list("year", "last_number")
        )
    assert counters == {2569: 1, 2570: 1}


def test_a_burst_across_midnight_is_dated_and_numbered_from_one_reading(committed):  # type: ignore[no-untyped-def]
    """Four connections register as fast as they can from 1.5 s before midnight to 0.6 s after."""
    ag = proof_agency("yb-burst")
    stop_after = NEW_YEAR_2570 + dt.timedelta(seconds=0.6)
    errors: list[BaseException] = []

    def clerk() -> None:
        try:
            while True:
                entry = register_in(ag, "rcv", "หนังสือช่วงข้ามปี")
                if entry.registered_at > stop_after:
                    return
        except BaseException as exc:  # surfaced by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    with clock_override() as owner:
        clock_set(owner, NEW_YEAR_2570 - dt.timedelta(seconds=1.5))
        threads = [threading.Thread(target=clerk) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not errors, errors[0]
    with tenant_scope(ag.id):
        rows = list(RegistryEntry.objects.filter(tenant_id=ag.id).order_by("registered_at").values_list(
            "year", "number", "registered_at"
        ))
    by_year: dict[int, list[int]] = {}
    for year, number, at in rows:
        # The year is the year of the entry's own registration time, on the book's basis.
        assert year == registry_year(YearBasis.CALENDAR, at) == be_year_of(at), (year, at)
        by_year.setdefault(year, []).append(number)
    assert set(by_year) == {2569, 2570}, by_year
    for numbers in by_year.values():  # in time order the numbers are exactly 1, 2, 3, ...
        assert numbers == list(range(1, len(numbers) + 1))
    last_2569 = max(at for y, _, at in rows if y == 2569)
    first_2570 = min(at for y, _, at in rows if y == 2570)
    assert last_2569 < NEW_YEAR_2570 <= first_2570
    print(f"\nburst across midnight: {len(by_year[2569])} entries in 2569, {len(by_year[2570])} in 2570")


def test_only_unprinted_books_may_run_on_the_fiscal_year(committed):  # type: ignore[no-untyped-def]
    ag = proof_agency("fy-check")
    with tenant_scope(ag.id):
        for code in ("snd", "circular", "orders", "announcements", "certificates"):
            with pytest.raises(IntegrityError, match="book_fiscal_only_unprinted"), transaction.atomic():
                Book.objects.filter(tenant_id=ag.id, pk=ag.books[code]).update(year_basis=YearBasis.FISCAL)
        for code in ("rcv", "secret"):
            with transaction.atomic():
                Book.objects.filter(tenant_id=ag.id, pk=ag.books[code]).update(year_basis=YearBasis.FISCAL)
        transaction.set_rollback(True)


def test_fiscal_book_starts_a_new_year_on_1_october(committed):  # type: ignore[no-untyped-def]
    with clock_override() as owner:
        # A fresh agency whose central incoming book runs on the fiscal year.
        for margin in (0.5, 2.0, 5.0):
            ag = proof_agency("fy")
            with tenant_scope(ag.id):
                Book.objects.filter(tenant_id=ag.id, pk=ag.books["rcv"]).update(year_basis=YearBasis.FISCAL)
            clock_set(owner, FISCAL_2570 - dt.timedelta(seconds=margin))
            before = register_in(ag, "rcv")
            calendar_before = register_in(ag, "snd")
            if calendar_before.registered_at < FISCAL_2570:
                break
        else:
            pytest.fail("could not register before 1 October even with a 5 s margin")
        wait_until_db_past(FISCAL_2570)
        after = register_in(ag, "rcv")
        calendar_after = register_in(ag, "snd")
    # 30 September 2569 is in fiscal 2569; 1 October 2569 starts fiscal 2570.
    assert (before.year, before.number) == (2569, 1)
    assert (after.year, after.number) == (2570, 1)
    assert after.registered_at.astimezone(BANGKOK).date() == dt.date(2026, 10, 1)
    assert be_year_of(after.registered_at) == 2569  # calendar 2569, fiscal 2570
    assert registry_year(YearBasis.FISCAL, after.registered_at) == 2570
    # The calendar book of the same agency goes on counting in 2569.
    assert [(e.year, e.number) for e in (calendar_before, calendar_after)] == [(2569, 1), (2569, 2)]
