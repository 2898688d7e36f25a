"""A Hypothesis state-machine model of one book (issue 3 §8).

Each example is a fresh book (an outgoing-type book, so numbers can be reserved) in a committed
agency; every step runs the real service in its own ``tenant_scope`` transaction, committed as a
request would be. The model is a list: position n-1 holds what number n must be.

Rules: register (with or without a 1-page PDF), reserve, a registration or reservation that raises
after its number was taken (rollback), a retry with an already used idempotency key, annul (with a
reason; a blank reason is refused), amend the subject, use a reservation.

Invariants after every step, read back from the database: the numbers are exactly 1..n (n = what the
model committed) and the counter says n; each entry's status is the model's (a reserved number ends
used or annulled, or is still reserved: it never disappears); number, registration time and digest
never change once given (amendments included), registration times rise with the number; a reused
key gives back the same entry.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from documents.files.services import file_prepare
from documents.models import Book, BookKind, EntryAmendment, EntryStatus, RegistryEntry
from documents.registry import services
from documents.registry.errors import Conflict, RegistryError
from tenants.context import tenant_scope
from tests.registry.conftest import make_pdf
from tests.registry.proof_support import ProofAgency, outgoing, proof_agency

# Committed data only (no test transaction), but the session's migrate + seed must have run.
pytestmark = pytest.mark.usefixtures("django_db_setup")

PDF = make_pdf("หนังสือในแบบจำลอง")
subjects = st.text(alphabet="กขคงจฉชซญณดตถทธนบปผพฟภมยรลวศสหอฮะาิีุูเแโใไ่้๊๋์ ๑๒๓0123456789", min_size=1, max_size=60).filter(
    lambda s: s.strip() != ""
)
reasons = st.one_of(st.just("   "), subjects)


class InjectedRollback(Exception):
    pass


@dataclass
class Expected:
    entry_id: int
    status: str
    registered_at: object
    digest: str
    subject: str | None  # None: a reserved number has no letter
    amendments: int = 0
    keys: list[str] = field(default_factory=list)


class BookMachine(RuleBasedStateMachine):
    agency: ProofAgency  # set by the test
    seen: Counter[str] = Counter()  # which paths the examples took (checked by the test)

    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        ag = self.agency
        tag = uuid.uuid4().hex[:8]
        with tenant_scope(ag.id):
            self.book = Book.objects.create(
                tenant_id=ag.id, kind=BookKind.CIRCULAR, code=f"model-{tag}", name_th=f"ทะเบียนแบบจำลอง {tag}",
                issuer_role="central_clerk", authority_name=f"แบบจำลอง{tag}",
                reference_format="ที่ {authority}/ว {number}", letter_kinds=[],
            )
        self.model: list[Expected] = []
        self.key_of: dict[str, int] = {}  # idempotency key -> number

    # --- helpers ------------------------------------------------------------------------------------
    def _issue(self, key: str, subject: str, with_file: bool) -> RegistryEntry:
        files = [file_prepare(PDF, "letter.pdf")] if with_file else []
        return services.issue_outgoing(
            tenant_id=self.agency.id, actor=self.agency.actor, files=files, idempotency_key=key,
            data=outgoing(subject, book_id=self.book.pk),
        )

    def _reserve(self, key: str) -> RegistryEntry:
        return services.reserve_number(
            tenant_id=self.agency.id, actor=self.agency.actor, book_id=self.book.pk, note="จองไว้สำหรับหนังสือลงนามบนกระดาษ",
            idempotency_key=key,
        )

    def _with(self, *statuses: str) -> list[int]:
        return [i for i, e in enumerate(self.model) if e.status in statuses]

    def _has(self, *statuses: str) -> bool:
        return any(e.status in statuses for e in self.model)

    def _pick(self, data: st.DataObject, *statuses: str) -> tuple[int, Expected]:
        i = data.draw(st.sampled_from(self._with(*statuses)), label="entry")
        return i + 1, self.model[i]

    # --- rules --------------------------------------------------------------------------------------------
    @rule(target=keys, subject=subjects, with_file=st.booleans())
    def register(self, subject: str, with_file: bool) -> str:
        key = uuid.uuid4().hex
        with tenant_scope(self.agency.id):
            entry = self._issue(key, subject, with_file)
        assert entry.number == len(self.model) + 1
        assert bool(entry.digest) == with_file
        self.model.append(Expected(entry.pk, EntryStatus.REGISTERED, entry.registered_at, entry.digest, subject.strip()))
        self.key_of[key] = entry.number
        self.seen["register"] += 1
        return key

    @rule(target=keys)
    def reserve(self) -> str:
        key = uuid.uuid4().hex
        with tenant_scope(self.agency.id):
            entry = self._reserve(key)
        assert entry.number == len(self.model) + 1 and entry.status == EntryStatus.RESERVED
        self.model.append(Expected(entry.pk, EntryStatus.RESERVED, entry.registered_at, "", None))
        self.key_of[key] = entry.number
        self.seen["reserve"] += 1
        return key

    @rule(reservation=st.booleans(), with_file=st.booleans())
    def numbered_then_rolled_back(self, reservation: bool, with_file: bool) -> None:
        """The transaction fails after its number was taken: nothing of it may remain."""
        with pytest.raises(InjectedRollback), tenant_scope(self.agency.id):
            entry = self._reserve(uuid.uuid4().hex) if reservation else self._issue(uuid.uuid4().hex, "ย้อนกลับ", with_file)
            assert entry.number == len(self.model) + 1
            raise InjectedRollback()
        self.seen["rollback"] += 1

    @rule(key=keys, subject=subjects, as_reservation=st.booleans())
    def retry_with_used_key(self, key: str, subject: str, as_reservation: bool) -> None:
        """A double click / retried request: the same entry, no new number, whatever the payload."""
        number = self.key_of[key]
        with tenant_scope(self.agency.id):
            entry = self._reserve(key) if as_reservation else self._issue(key, subject, with_file=False)
        assert (entry.pk, entry.number) == (self.model[number - 1].entry_id, number)
        self.seen["retry"] += 1

    @precondition(lambda self: self._has(EntryStatus.REGISTERED, EntryStatus.RESERVED))
    @rule(data=st.data(), reason=reasons)
    def annul(self, data: st.DataObject, reason: str) -> None:
        number, exp = self._pick(data, EntryStatus.REGISTERED, EntryStatus.RESERVED)
        with tenant_scope(self.agency.id):
            if not reason.strip():
                with pytest.raises(RegistryError):
                    services.entry_annul(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id,
                                         reason=reason)
                self.seen["annul refused: no reason"] += 1
                return
            entry = services.entry_annul(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id,
                                         reason=reason)
        assert entry.number == number and entry.annul_reason == reason.strip()[:500]
        self.seen[f"annul {exp.status}"] += 1
        exp.status = EntryStatus.ANNULLED

    @precondition(lambda self: self._has(EntryStatus.ANNULLED))
    @rule(data=st.data(), reason=subjects)
    def annul_again_is_refused(self, data: st.DataObject, reason: str) -> None:
        _, exp = self._pick(data, EntryStatus.ANNULLED)
        with tenant_scope(self.agency.id), pytest.raises(Conflict):
            services.entry_annul(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id, reason=reason)
        self.seen["annul refused: already annulled"] += 1

    @precondition(lambda self: self._has(EntryStatus.REGISTERED))
    @rule(data=st.data(), subject=subjects)
    def amend(self, data: st.DataObject, subject: str) -> None:
        _, exp = self._pick(data, EntryStatus.REGISTERED)
        with tenant_scope(self.agency.id):
            services.entry_amend(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id,
                                 changes={"subject": subject}, reason="แก้คำผิด")
        if subject != exp.subject:
            exp.amendments += 1
        exp.subject = subject
        self.seen["amend"] += 1

    @precondition(lambda self: self._has(EntryStatus.RESERVED, EntryStatus.ANNULLED))
    @rule(data=st.data(), subject=subjects)
    def amend_is_refused(self, data: st.DataObject, subject: str) -> None:
        """A reserved number has no letter to amend; an annulled entry is closed."""
        _, exp = self._pick(data, EntryStatus.RESERVED, EntryStatus.ANNULLED)
        with tenant_scope(self.agency.id), pytest.raises(Conflict):
            services.entry_amend(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id,
                                 changes={"subject": subject}, reason="แก้คำผิด")
        self.seen["amend refused"] += 1

    @precondition(lambda self: self._has(EntryStatus.RESERVED))
    @rule(data=st.data(), subject=subjects, with_file=st.booleans())
    def use_reservation(self, data: st.DataObject, subject: str, with_file: bool) -> None:
        number, exp = self._pick(data, EntryStatus.RESERVED)
        files = [file_prepare(PDF, "signed.pdf")] if with_file else []
        with tenant_scope(self.agency.id):
            entry = services.reservation_use(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id,
                                             data=outgoing(subject, book_id=self.book.pk), files=files)
        assert entry.number == number and entry.status == EntryStatus.REGISTERED
        assert bool(entry.digest) == with_file
        exp.status, exp.subject, exp.digest = EntryStatus.REGISTERED, subject.strip(), entry.digest
        self.seen["use reservation"] += 1

    @precondition(lambda self: self._has(EntryStatus.REGISTERED, EntryStatus.ANNULLED))
    @rule(data=st.data(), subject=subjects)
    def use_is_refused_unless_reserved(self, data: st.DataObject, subject: str) -> None:
        _, exp = self._pick(data, EntryStatus.REGISTERED, EntryStatus.ANNULLED)
        with tenant_scope(self.agency.id), pytest.raises(Conflict):
            services.reservation_use(tenant_id=self.agency.id, actor=self.agency.actor, entry_id=exp.entry_id,
                                     data=outgoing(subject, book_id=self.book.pk))
        self.seen["use refused: not reserved"] += 1

    # --- invariants ------------------------------------------------------------------------------------------
    @invariant()
    def the_book_is_the_model(self) -> None:
        with tenant_scope(self.agency.id):
            rows = list(
                RegistryEntry.objects.filter(tenant_id=self.agency.id, book=self.book).order_by("number")
                .values_list("number", "pk", "status", "registered_at", "digest", "letter__subject")
            )
            counter = self.book.counters.filter(tenant_id=self.agency.id).values_list("last_number", flat=True).first()
            amendments = dict.fromkeys((e.entry_id for e in self.model), 0)
            for entry_id in EntryAmendment.objects.filter(tenant_id=self.agency.id, entry__book=self.book).values_list(
                "entry_id", flat=True
            ):
                amendments[entry_id] += 1
        assert [r[0] for r in rows] == list(range(1, len(self.model) + 1))  # contiguous, no duplicates
        assert (counter or 0) == len(self.model)
        for (number, pk, status, at, digest, subject), exp in zip(rows, self.model, strict=True):
            assert pk == exp.entry_id, f"number {number} belongs to another entry"
            assert status == exp.status, f"number {number}: {status}, expected {exp.status}"
            assert at == exp.registered_at and digest == exp.digest, f"number {number}: time or digest changed"
            if exp.subject is not None:
                assert subject == exp.subject
            assert amendments[pk] == exp.amendments
        times = [r[3] for r in rows]
        assert all(a < b for a, b in zip(times, times[1:], strict=False))


BookMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_book_state_machine(committed):  # type: ignore[no-untyped-def]
    BookMachine.agency = proof_agency("model")
    BookMachine.seen.clear()
    run_state_machine_as_test(BookMachine, settings=BookMachine.TestCase.settings)
    print("\nbook model paths:", dict(BookMachine.seen))
    seen = BookMachine.seen
    assert seen["annul registered"] + seen["annul reserved"] > 0, "no example annulled an entry"
    for path in ("register", "reserve", "rollback", "retry", "annul refused: no reason",
                 "annul refused: already annulled", "amend", "amend refused", "use reservation",
                 "use refused: not reserved"):
        assert seen[path] > 0, f"no example took the path {path!r}"
