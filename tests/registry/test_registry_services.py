"""Registry services: each rule of issue 3 §1-§2, §4, §6 through the services, as the app role."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from documents.models import Book, BookKind, EntryAmendment, EntryStatus, RegistryEntry, Secrecy
from documents.registry import selectors, services
from documents.registry.errors import Conflict, NotAllowed, RegistryError
from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput
from documents.registry.references import FormatProblem, check_format, format_reference, normalise
from eoffice.common.exceptions import NotFoundInTenant
from tenants.context import tenant_scope
from tenants.models import AuditEvent
from tests.registry.conftest import new_key

pytestmark = pytest.mark.django_db

SENDER = PartyInput(name="สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา", email="saraban@dla.go.th")


def incoming(**kw) -> IncomingInput:  # type: ignore[no-untyped-def]
    base = {"subject": "ขอเชิญประชุมเรื่องน้ำท่วม", "sender": SENDER, "letter_reference": "ที่ นม ๐๐๒๓.๓/ว ๑๒๓",
            "letter_date": dt.date(2026, 11, 20)}
    return IncomingInput(**{**base, **kw})


def outgoing(**kw) -> OutgoingInput:  # type: ignore[no-untyped-def]
    base = {"subject": "ขอส่งรายงาน", "recipients": (PartyInput(name="นายอำเภอทดสอบ"),)}
    return OutgoingInput(**{**base, **kw})


def test_incoming_numbers_follow_each_other_and_audit(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        before = AuditEvent.objects.filter(tenant_id=a.pk, action="registry.incoming").count()
        e1 = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key=new_key())
        e2 = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key=new_key())
        assert e2.number == e1.number + 1 and e1.year == e2.year
        assert e1.year == e1.registered_at.astimezone(dt.timezone(dt.timedelta(hours=7))).year + 543
        assert e1.book.kind == BookKind.CENTRAL_INCOMING and e1.reference == ""
        assert e1.received_at == e1.registered_at
        assert e1.letter.letter_reference_norm == "ที่ นม 0023.3/ว 123"
        assert AuditEvent.objects.filter(tenant_id=a.pk, action="registry.incoming").count() == before + 2


def test_same_key_gives_the_same_entry(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    k = new_key()
    with tenant_scope(a.pk):
        e1 = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key=k)
        e2 = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(subject="อื่น"), idempotency_key=k)
        assert e1.pk == e2.pk
        # the same key for another book's operation is a conflict, not a second number
        with pytest.raises(Conflict):
            services.issue_outgoing(tenant_id=a.pk, actor=clerk, data=outgoing(), idempotency_key=k)


def test_outgoing_reference_is_formatted_from_agency_data(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        e = services.issue_outgoing(tenant_id=a.pk, actor=clerk, data=outgoing(), idempotency_key=new_key())
        assert e.reference == f"ที่ {a.letter_code} {a.letter_number}/{e.number}"
        memo = services.issue_outgoing(tenant_id=a.pk, actor=clerk, data=outgoing(kind="internal"),
                                       idempotency_key=new_key())
        assert memo.book_id == e.book_id and memo.number == e.number + 1  # memos take the outgoing sequence
        circ_book = Book.objects.get(tenant_id=a.pk, kind=BookKind.CIRCULAR)
        c = services.issue_outgoing(tenant_id=a.pk, actor=clerk, data=outgoing(book_id=circ_book.pk),
                                    idempotency_key=new_key())
        assert c.reference == f"ที่ {a.letter_code} {a.letter_number}/ว {c.number}"
        order = services.issue_outgoing(
            tenant_id=a.pk, actor=clerk, idempotency_key=new_key(),
            data=outgoing(kind="directive", sub_kind="order", subject="แต่งตั้งคณะกรรมการ"),
        )
        assert order.reference == f"คำสั่ง{a.name_th} ที่ {order.number}/{order.year}"


def test_reference_formats_and_digits():
    assert format_reference("ที่ {code} {owner}/{number}", code="นม", owner="52301", number=45, year=2569,
                            thai_digits=True) == "ที่ นม ๕๒๓๐๑/๔๕"
    assert normalise("ที่ นม ๕๒๓๐๑ / ๔๕") == normalise("ที่  นม 52301/45") == "ที่ นม 52301/45"
    check_format("คำสั่ง{authority} ที่ {number}/{year}")
    for bad in ("ที่ {code}/{nope}", "ที่ {code} {owner}", "{number"):
        with pytest.raises((FormatProblem, ValueError)):
            check_format(bad)


def test_who_may_issue(tenants, actor_of):
    a = tenants.a
    with tenant_scope(a.pk):
        for username in ("a_officer", "a_head", "a_agency_admin"):
            with pytest.raises(NotAllowed):
                services.register_incoming(tenant_id=a.pk, actor=actor_of(username, a), data=incoming(),
                                           idempotency_key=new_key())
        secret_book = Book.objects.get(tenant_id=a.pk, kind=BookKind.SECRET_REGISTER)
        with pytest.raises(NotAllowed):
            services.reserve_number(tenant_id=a.pk, actor=actor_of("a_central_clerk", a), book_id=secret_book.pk,
                                    note="x", idempotency_key=new_key())


def test_another_agencys_book_is_not_found(tenants, actor_of):
    a, b = tenants.a, tenants.b
    with tenant_scope(b.pk):
        b_book = Book.objects.get(tenant_id=b.pk, kind=BookKind.CENTRAL_OUTGOING)
    with tenant_scope(a.pk), pytest.raises(NotFoundInTenant):
        services.reserve_number(tenant_id=a.pk, actor=actor_of("a_central_clerk", a), book_id=b_book.pk, note="x",
                                idempotency_key=new_key())


def test_reservation_is_used_or_annulled_never_dropped(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        book = Book.objects.get(tenant_id=a.pk, kind=BookKind.CENTRAL_OUTGOING)
        r1 = services.reserve_number(tenant_id=a.pk, actor=clerk, book_id=book.pk, note="หนังสือถึงจังหวัด",
                                     idempotency_key=new_key())
        r2 = services.reserve_number(tenant_id=a.pk, actor=clerk, book_id=book.pk, note="หนังสือถึงอำเภอ",
                                     idempotency_key=new_key())
        assert r1.status == EntryStatus.RESERVED and r1.letter is None and r2.number == r1.number + 1
        used = services.reservation_use(tenant_id=a.pk, actor=clerk, entry_id=r1.pk, data=outgoing())
        assert used.status == EntryStatus.REGISTERED and used.number == r1.number and used.letter is not None
        with pytest.raises(Conflict):
            services.reservation_use(tenant_id=a.pk, actor=clerk, entry_id=r1.pk, data=outgoing())
        with pytest.raises(RegistryError):
            services.entry_annul(tenant_id=a.pk, actor=clerk, entry_id=r2.pk, reason="  ")
        annulled = services.entry_annul(tenant_id=a.pk, actor=clerk, entry_id=r2.pk, reason="ผู้ลงนามไม่ลงนาม")
        assert annulled.status == EntryStatus.ANNULLED and annulled.number == r2.number
        assert RegistryEntry.objects.filter(pk=r2.pk).exists()


def test_amend_keeps_the_original_and_never_touches_number_or_date(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        e = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(subject="เรื่องเดิม"),
                                       idempotency_key=new_key())
        with pytest.raises(RegistryError):
            services.entry_amend(tenant_id=a.pk, actor=clerk, entry_id=e.pk, changes={"number": 9}, reason="x")
        with pytest.raises(RegistryError):
            services.entry_amend(tenant_id=a.pk, actor=clerk, entry_id=e.pk, changes={"subject": "ใหม่"}, reason="")
        services.entry_amend(tenant_id=a.pk, actor=clerk, entry_id=e.pk, changes={"subject": "เรื่องใหม่"},
                             reason="พิมพ์ผิด")
        e2 = RegistryEntry.objects.select_related("letter").get(pk=e.pk)
        assert (e2.number, e2.registered_at, e2.digest) == (e.number, e.registered_at, e.digest)
        assert e2.letter.subject == "เรื่องใหม่"
        am = EntryAmendment.objects.get(entry=e)
        assert am.changes == {"subject": {"before": "เรื่องเดิม", "after": "เรื่องใหม่"}} and am.reason == "พิมพ์ผิด"


def test_unit_book_points_to_the_central_number(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    unit_clerk = actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        central = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key=new_key())
        unit_book = Book.objects.get(tenant_id=a.pk, kind=BookKind.UNIT_INCOMING, unit_id=unit_clerk.unit_id)
        other_book = Book.objects.filter(tenant_id=a.pk, kind=BookKind.UNIT_INCOMING).exclude(pk=unit_book.pk).first()
        u = services.register_in_unit(tenant_id=a.pk, actor=unit_clerk, central_entry_id=central.pk,
                                      book_id=unit_book.pk, idempotency_key=new_key())
        assert u.parent_id == central.pk and u.letter_id == central.letter_id and u.book_id == unit_book.pk
        with pytest.raises(Conflict):
            services.register_in_unit(tenant_id=a.pk, actor=unit_clerk, central_entry_id=central.pk,
                                      book_id=unit_book.pk, idempotency_key=new_key())
        with pytest.raises(NotAllowed):  # a unit clerk registers only in their own unit's book
            services.register_in_unit(tenant_id=a.pk, actor=unit_clerk, central_entry_id=central.pk,
                                      book_id=other_book.pk, idempotency_key=new_key())
        with pytest.raises(Conflict):  # the central entry can't be annulled under a live unit entry
            services.entry_annul(tenant_id=a.pk, actor=clerk, entry_id=central.pk, reason="ผิด")


def test_secret_item_is_sealed_at_the_central_desk_and_invisible_without_grant(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    registrar = actor_of("a_secret_registrar", a)
    head = actor_of("a_head", a)
    with tenant_scope(a.pk):
        with pytest.raises(RegistryError):  # a subject can't be recorded at the central desk
            services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(secrecy=Secrecy.SECRET),
                                       idempotency_key=new_key())
        sealed = services.register_incoming(
            tenant_id=a.pk, actor=clerk, data=incoming(subject="", secrecy=Secrecy.SECRET), idempotency_key=new_key()
        )
        assert sealed.letter.is_sealed and sealed.letter.subject == ""
        opened = services.secret_open(
            tenant_id=a.pk, actor=registrar, central_entry_id=sealed.pk, idempotency_key=new_key(),
            data=incoming(subject="แผนรักษาความปลอดภัยพิเศษ", secrecy=Secrecy.SECRET),
        )
        assert opened.book.kind == BookKind.SECRET_REGISTER and opened.parent_id == sealed.pk
        # the head holds no grant: the letter does not exist for them (detail and search)
        with pytest.raises(NotFoundInTenant):
            selectors.entry_detail(head, tenant_id=a.pk, entry_id=sealed.pk)
        central_book = Book.objects.get(tenant_id=a.pk, kind=BookKind.CENTRAL_INCOMING)
        found = selectors.book_entries(head, tenant_id=a.pk, book=central_book,
                                       filters=selectors.BookFilters(subject="แผนรักษาความปลอดภัย"))
        assert not found.exists()
        # the book row stays (no gap) but sealed
        rows, _ = selectors.book_page(head, tenant_id=a.pk, book=central_book, filters=selectors.BookFilters())
        row = next(r for r in rows if r.entry.pk == sealed.pk)
        assert row.visible is False
        # the registrar reads it, and the read is audited
        n = AuditEvent.objects.filter(tenant_id=a.pk, action="secret.read").count()
        assert selectors.entry_detail(registrar, tenant_id=a.pk, entry_id=opened.pk).letter.subject
        assert AuditEvent.objects.filter(tenant_id=a.pk, action="secret.read").count() == n + 1
        # the secret register is not even listed for the head
        assert all(b.kind != BookKind.SECRET_REGISTER for b in selectors.books_visible(head, tenant_id=a.pk))
        # a grant makes it visible
        services.secret_grant(tenant_id=a.pk, actor=registrar, letter_id=opened.letter_id, user_id=head.user_id)
        assert selectors.entry_detail(head, tenant_id=a.pk, entry_id=sealed.pk).pk == sealed.pk


def test_bad_input_is_refused_before_a_number_is_taken(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        book = Book.objects.get(tenant_id=a.pk, kind=BookKind.CENTRAL_INCOMING)
        before = RegistryEntry.objects.filter(book=book).count()
        bad = [
            incoming(subject=""), incoming(kind="nope"), incoming(kind="directive", sub_kind="news"),
            incoming(urgency="009"), incoming(sender=PartyInput(name="", email="")),
            incoming(sender=PartyInput(name="x", email="not-an-email")),
            incoming(letter_date=dt.date(1500, 1, 1)), incoming(extra={"unknown": "x"}),
            incoming(deliver_by=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)),
        ]
        for data in bad:
            with pytest.raises(RegistryError) as exc:
                services.register_incoming(tenant_id=a.pk, actor=clerk, data=data, idempotency_key=new_key())
            assert exc.value.message_th and exc.value.message_en
        with pytest.raises(RegistryError):
            services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key="short")
        assert RegistryEntry.objects.filter(book=book).count() == before


def test_start_number_for_an_agency_leaving_paper(tenants, actor_of):
    from documents.registry.numbering import set_start_number

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        book = Book.objects.create(tenant_id=a.pk, kind=BookKind.CERTIFICATES, code=f"cert-{new_key()[:8]}",
                                   name_th="ทะเบียนทดลอง", issuer_role="central_clerk",
                                   reference_format="หนังสือรับรอง ที่ {number}/{year} ทดลอง")
        set_start_number(tenant_id=a.pk, book=book, year=2569, start=120)
        e = services.reserve_number(tenant_id=a.pk, actor=clerk, book_id=book.pk, note="x", idempotency_key=new_key())
        if e.year == 2569:
            assert e.number == 120
            with pytest.raises(Conflict):
                set_start_number(tenant_id=a.pk, book=book, year=2569, start=500)


def test_book_administration_rules(tenants, actor_of):
    from documents.registry import books

    a = tenants.a
    admin = actor_of("a_agency_admin", a)
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        with pytest.raises(NotAllowed):
            books.book_create(tenant_id=a.pk, actor=clerk, kind="orders", code=f"o-{new_key()[:8]}", name_th="x")
        with pytest.raises(RegistryError):  # a printed book can't run on the fiscal year
            books.book_create(tenant_id=a.pk, actor=admin, kind="orders", code=f"o-{new_key()[:8]}", name_th="x",
                              year_basis="fiscal")
        with pytest.raises(RegistryError):
            books.book_create(tenant_id=a.pk, actor=admin, kind="orders", code=f"o-{new_key()[:8]}", name_th="x",
                              reference_format="คำสั่ง {nope}")
        with pytest.raises(Conflict):  # one central incoming book only
            books.book_create(tenant_id=a.pk, actor=admin, kind="central_incoming", code=f"r-{new_key()[:8]}",
                              name_th="x")
        orders = books.book_create(tenant_id=a.pk, actor=admin, kind="orders", code=f"o-{new_key()[:8]}",
                                   name_th="ทะเบียนคำสั่งนายก", authority_name="นายกองค์การบริหารส่วนตำบลเอ",
                                   reference_format="คำสั่ง{authority} ที่ {number}/{year} (นายก)")
        e = services.reserve_number(tenant_id=a.pk, actor=clerk, book_id=orders.pk, note="แต่งตั้ง",
                                    idempotency_key=new_key())
        assert e.reference == f"คำสั่งนายกองค์การบริหารส่วนตำบลเอ ที่ {e.number}/{e.year} (นายก)"
        with pytest.raises((RegistryError, Conflict)):  # printed: never fiscal; and it has numbers now
            books.book_update(tenant_id=a.pk, actor=admin, book=orders, year_basis="fiscal")
        inbox = Book.objects.get(tenant_id=a.pk, kind=BookKind.CENTRAL_INCOMING)
        if inbox.entries.exists():
            with pytest.raises(Conflict):
                books.book_update(tenant_id=a.pk, actor=admin, book=inbox, year_basis="fiscal")
        books.book_update(tenant_id=a.pk, actor=admin, book=orders, name_th="ทะเบียนคำสั่ง (นายก)")
        assert Book.objects.get(pk=orders.pk).name_th == "ทะเบียนคำสั่ง (นายก)"


def test_the_database_refuses_to_change_number_date_or_digest(tenants, actor_of, pdf_bytes):
    from django.db import DatabaseError, transaction

    from documents.files.services import file_prepare

    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        e = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key=new_key(),
                                       files=[file_prepare(pdf_bytes, "x.pdf")])
        assert e.digest
        for change in ({"number": e.number + 1000}, {"year": e.year + 1}, {"digest": "0" * 64},
                       {"registered_at": e.registered_at + dt.timedelta(seconds=1)}):
            with pytest.raises(DatabaseError, match="never change"), transaction.atomic():
                RegistryEntry.objects.filter(pk=e.pk).update(**change)
        RegistryEntry.objects.filter(pk=e.pk).update(note="หมายเหตุ")  # other columns may change


def test_keyset_pages_follow_each_other_with_and_without_a_date_range(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    with tenant_scope(a.pk):
        book = Book.objects.create(tenant_id=a.pk, kind=BookKind.CERTIFICATES, code=f"k-{new_key()[:8]}",
                                   name_th="ทะเบียนทดลองหน้า", issuer_role="central_clerk",
                                   reference_format="รับรอง {number}/{year} " + new_key()[:6])
        made = [services.reserve_number(tenant_id=a.pk, actor=clerk, book_id=book.pk, note=f"n{i}",
                                        idempotency_key=new_key()) for i in range(5)]
        today = made[0].registered_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
        for filters in (selectors.BookFilters(), selectors.BookFilters(date_from=today, date_to=today)):
            seen, cursor = [], None
            while True:
                rows, cursor = selectors.book_page(clerk, tenant_id=a.pk, book=book, size=2,
                                                   filters=dataclasses.replace(filters, before=cursor))
                seen += [r.entry.number for r in rows]
                if cursor is None:
                    break
            assert seen == [e.number for e in reversed(made)]


def test_a_unit_clerk_registers_by_the_central_number(tenants, actor_of):
    a = tenants.a
    clerk = actor_of("a_central_clerk", a)
    unit_clerk = actor_of("a_unit_clerk", a)
    with tenant_scope(a.pk):
        central = services.register_incoming(tenant_id=a.pk, actor=clerk, data=incoming(), idempotency_key=new_key())
        book = Book.objects.get(tenant_id=a.pk, kind=BookKind.UNIT_INCOMING, unit_id=unit_clerk.unit_id)
        u = services.register_in_unit_by_number(tenant_id=a.pk, actor=unit_clerk, book_id=book.pk, year=central.year,
                                                number=central.number, idempotency_key=new_key())
        assert u.parent_id == central.pk and u.book_id == book.pk
        with pytest.raises(RegistryError):
            services.register_in_unit_by_number(tenant_id=a.pk, actor=unit_clerk, book_id=book.pk, year=central.year,
                                                number=10_000_000, idempotency_key=new_key())
        sealed = services.register_incoming(tenant_id=a.pk, actor=clerk, idempotency_key=new_key(),
                                            data=incoming(subject="", secrecy=Secrecy.SECRET))
        with pytest.raises(RegistryError):  # secret letters never go to unit books
            services.register_in_unit_by_number(tenant_id=a.pk, actor=unit_clerk, book_id=book.pk, year=sealed.year,
                                                number=sealed.number, idempotency_key=new_key())
