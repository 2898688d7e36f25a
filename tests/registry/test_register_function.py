"""The numbered insert in one database call (``eoffice_registry_register``, migration 0006): what the
database writes is what the services hand back, references get the agency's digits, a taken
reference is a clear conflict that leaves the transaction usable, and the function runs as the
caller (RLS applies inside it)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from documents.files.services import file_prepare
from documents.models import Book, BookKind, Letter, LetterParty, RegistryEntry, StoredFile
from documents.registry import services
from documents.registry.books import book_create
from documents.registry.errors import Conflict
from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput
from documents.registry.numbering import registry_year
from documents.registry.references import format_reference, normalise
from tenants.context import tenant_scope
from tenants.models import Agency, AuditEvent, Job, JobStatus
from tenants.services.audit import audit_verify_tenant
from tests.registry.conftest import make_pdf, new_key

pytestmark = pytest.mark.django_db

FIELDS = ("book_id", "year", "number", "reference", "reference_norm", "status", "registered_at", "received_at",
          "channel", "digest", "idempotency_key", "note", "created_by_id", "letter_id", "parent_id")


def test_what_the_services_return_is_what_the_database_holds(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    pdf = make_pdf("ฟังก์ชันลงทะเบียน")
    prepared = file_prepare(pdf, "หนังสือ.pdf")
    with tenant_scope(a.pk):
        entry = services.register_incoming(
            tenant_id=a.pk, actor=clerk, files=[prepared], idempotency_key=new_key(),
            data=IncomingInput(subject="ขอเชิญประชุม", sender=PartyInput(name="อำเภอทดสอบ"),
                               recipients=(PartyInput(name="นายกเทศมนตรี"),), letter_date=dt.date(2026, 11, 20),
                               deliver_by=dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), urgency="002"),
        )
        row = RegistryEntry.objects.get(pk=entry.pk)
        assert {f: getattr(entry, f) for f in FIELDS} == {f: getattr(row, f) for f in FIELDS}
        assert row.received_at == row.registered_at and row.digest == prepared.sha256
        assert row.year == registry_year("calendar", row.registered_at)
        letter = Letter.objects.get(pk=entry.letter_id)
        for f in ("subject", "letter_date", "deliver_by", "urgency", "sender_display", "recipient_display",
                  "created_at", "created_by_id", "extra"):
            assert getattr(entry.letter, f) == getattr(letter, f), f
        assert list(LetterParty.objects.filter(letter=letter).order_by("sort_order").values_list("role", "name")) == [
            ("from", "อำเภอทดสอบ"), ("to", "นายกเทศมนตรี")]
        stored = StoredFile.objects.get(letter=letter)
        assert (stored.role, stored.sha256, stored.key.master_key_id) == ("original", prepared.sha256,
                                                                          prepared.master_key_id)
        event = AuditEvent.objects.get(tenant_id=a.pk, action="registry.incoming", object_id=str(entry.pk))
        assert event.object_type == "registry_entry" and event.actor_id == clerk.user_id
        assert event.changes == {"book": entry.book.code, "year": entry.year, "number": entry.number,
                                 "status": "registered", "files": 1, "sealed": False}
        assert audit_verify_tenant(tenant_id=a.pk) == []  # the hash the database made is the one Python checks
        job = Job.objects.get(tenant_id=a.pk, kind="registry.stamp", idempotency_key=f"stamp:{entry.pk}")
        assert job.args == {"entry_id": entry.pk}
        # written "dispatched": the message goes when the transaction commits (tests/jobs cover the send)
        assert job.status == JobStatus.DISPATCHED and job.dispatched_at is not None


def test_thai_digits_and_the_year_are_put_in_by_the_database(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        Agency.objects.filter(pk=a.pk).update(use_thai_digits=True)
        book = book_create(tenant_id=a.pk, actor=actor_of("a_agency_admin", a), kind=BookKind.ORDERS,
                           code="ord-" + new_key()[:6], name_th="ทะเบียนคำสั่งนายก", authority_name="นายกทดสอบ",
                           reference_format="คำสั่ง{authority} ที่ {number}/{year} ({code} {owner})")
        entry = services.issue_outgoing(
            tenant_id=a.pk, actor=clerk, idempotency_key=new_key(),
            data=OutgoingInput(kind="directive", sub_kind="order", subject="แต่งตั้งคณะทำงาน", book_id=book.pk,
                               recipients=(PartyInput(name="ผู้เกี่ยวข้อง"),)),
        )
        expected = format_reference(book.reference_format, code=a.letter_code, owner=a.letter_number,
                                    number=entry.number, year=entry.year, authority="นายกทดสอบ", thai_digits=True)
        row = RegistryEntry.objects.get(pk=entry.pk)
        assert row.reference == entry.reference == expected
        assert row.reference_norm == normalise(expected)
        assert any("๐" <= ch <= "๙" for ch in row.reference) and not any(ch.isascii() and ch.isdigit()
                                                                          for ch in row.reference)


def test_a_taken_reference_is_a_conflict_and_the_transaction_goes_on(tenants, actor_of):
    """Two books printing the same reference (a misconfiguration): the second gets a clear conflict;
    nothing of it remains (letter, counter) and the request can still use its transaction."""
    a = tenants.a
    clerk, admin = actor_of("a_central_clerk", a), actor_of("a_agency_admin", a)
    fmt = "ที่ ทดสอบซ้ำ " + new_key()[:6] + "/{number}"
    with tenant_scope(a.pk):
        one, two = (book_create(tenant_id=a.pk, actor=admin, kind=BookKind.CERTIFICATES, code=f"dup{i}-" + new_key()[:6],
                                name_th=f"ทะเบียนซ้ำ {i}", reference_format=fmt) for i in (1, 2))
        def data(book: Book) -> OutgoingInput:
            return OutgoingInput(kind="evidence", sub_kind="certificate", subject="หนังสือรับรอง", book_id=book.pk,
                                 recipients=(PartyInput(name="ผู้ขอ"),))

        first = services.issue_outgoing(tenant_id=a.pk, actor=clerk, idempotency_key=new_key(), data=data(one))
        letters = Letter.objects.filter(tenant_id=a.pk).count()
        with pytest.raises(Conflict) as exc:
            services.issue_outgoing(tenant_id=a.pk, actor=clerk, idempotency_key=new_key(), data=data(two))
        assert exc.value.code == "reference_taken" and first.reference in exc.value.message_th
        assert Letter.objects.filter(tenant_id=a.pk).count() == letters  # the transaction is still usable
        assert not RegistryEntry.objects.filter(book=two).exists()
        assert not two.counters.exists()  # the counter's bump went with the rest


def test_the_function_runs_as_the_caller_under_rls(tenants, actor_of):
    """Called in agency A's scope with agency B's book: RLS hides the book, so nothing is numbered."""
    a, b = tenants.a, tenants.b
    with tenant_scope(b.pk):
        b_book = Book.objects.get(tenant_id=b.pk, kind=BookKind.CENTRAL_INCOMING)
    payload = {"tenant": b.pk, "book": b_book.pk, "user": actor_of("a_central_clerk", a).user_id, "key": None,
               "fiscal": False, "ref_tmpl": "", "ref_norm_tmpl": "", "thai_digits": False, "letter": None,
               "parties": [], "letter_id": None, "files": [], "attach": [], "job": None,
               "entry": {"status": "reserved", "channel": "", "note": "x", "digest": "", "parent_id": None,
                         "received_at": None, "received_now": False}}
    from django.db import DatabaseError, transaction

    with tenant_scope(a.pk), pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT eoffice_registry_register(%s::jsonb)", [json.dumps(payload)])
    with tenant_scope(b.pk):
        assert not RegistryEntry.objects.filter(book=b_book, note="x").exists()


def test_reference_search_finds_the_senders_ti_in_incoming_and_ours_in_outgoing(tenants, actor_of):
    """An incoming book is searched by the sender's ที่ (Thai or Arabic digits alike), a book that
    prints its numbers by its own ที่ (selectors.book_entries)."""
    from documents.registry import selectors

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    mark = new_key()[:5]
    with tenant_scope(a.pk):
        got = services.register_incoming(
            tenant_id=a.pk, actor=clerk, idempotency_key=new_key(),
            data=IncomingInput(subject="ค้นด้วยเลขที่", sender=PartyInput(name="อำเภอทดสอบ"),
                               letter_reference=f"ที่ นม ๐๐๒๓.{mark}/ว ๔๕"),
        )
        sent = services.issue_outgoing(tenant_id=a.pk, actor=clerk, idempotency_key=new_key(),
                                       data=OutgoingInput(subject="ส่งออก", recipients=(PartyInput(name="อำเภอ"),)))

        def found(book: Book, text: str) -> set[int]:
            rows, _ = selectors.book_page(clerk, tenant_id=a.pk, book=book, filters=selectors.BookFilters(reference=text))
            return {r.entry.pk for r in rows}

        assert found(got.book, f"0023.{mark}/ว 45") == {got.pk}
        assert found(got.book, f"๐๐๒๓.{mark} / ว ๔๕") == {got.pk}
        assert found(got.book, "ไม่มีเลขนี้ 999") == set()
        ours = sent.reference.split(" ", 2)[-1]  # "<owner>/<number>"
        assert sent.pk in found(sent.book, ours)
        assert got.pk not in found(sent.book, ours)
