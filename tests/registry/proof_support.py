"""Helpers for the registry proofs (numbering under fire, the year boundary, the book model, EXPLAIN):
fresh committed agencies with a central clerk, raw psycopg connections as the app role and as the
owner, the injectable database clock, and ready-made letter inputs.

Everything here works on committed data (the ``committed`` fixture): each proof makes its own agency
with a unique slug, so numbers start at 1 and other tests' rows never interfere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from django.conf import settings

from tenants.context import tenant_scope
from tenants.permissions import Actor
from tenants.roles import Role


def dsn(alias: str, *, application_name: str = "eoffice-registry-proof") -> str:
    d = settings.DATABASES[alias]
    return psycopg.conninfo.make_conninfo(
        dbname=d["NAME"], user=d["USER"], password=d["PASSWORD"],
        host=d["HOST"] or d.get("OPTIONS", {}).get("host") or "127.0.0.1",
        port=str(d["PORT"] or 5432), application_name=application_name,
    )


def app_connect(*, autocommit: bool = True, application_name: str = "eoffice-registry-proof") -> psycopg.Connection:
    return psycopg.connect(dsn("default", application_name=application_name), autocommit=autocommit)


def owner_connect(*, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(dsn("owner", application_name="eoffice-registry-proof-owner"), autocommit=autocommit)


@dataclass
class ProofAgency:
    agency: object
    user: object
    membership_id: int
    books: dict[str, int] = field(default_factory=dict)  # code -> book id

    @property
    def id(self) -> int:
        return self.agency.pk  # type: ignore[attr-defined]

    @property
    def actor(self) -> Actor:
        return Actor(
            user_id=self.user.pk, agency_id=self.id, membership_id=self.membership_id,  # type: ignore[attr-defined]
            unit_id=None, roles=frozenset({Role.CENTRAL_CLERK}),
        )


def proof_agency(prefix: str, *, letter_number: str = "52301") -> ProofAgency:
    """A committed agency (standard books provisioned) with one central clerk."""
    from documents.models import Book
    from tenants.services.org import agency_create, membership_create, user_create

    tag = uuid.uuid4().hex[:10]
    agency = agency_create(
        actor=None, slug=f"{prefix}-{tag}", name_th=f"องค์การบริหารส่วนตำบลพิสูจน์ {tag}", kind="sao",
        province="นครราชสีมา", letter_code="นม", letter_number=letter_number,
    )
    user = user_create(
        username=f"{prefix}_{tag}", password=None, title_th="นาย", first_name_th="พิสูจน์", last_name_th="เลขทะเบียน",
    )
    with tenant_scope(agency.pk):
        m = membership_create(tenant_id=agency.pk, actor=None, user=user, roles=[Role.CENTRAL_CLERK])
        books = dict(Book.objects.filter(tenant_id=agency.pk).values_list("code", "id"))
    return ProofAgency(agency, user, m.pk, books)


def incoming(subject: str = "ขอเชิญประชุมคณะกรรมการ", **kw: object):  # type: ignore[no-untyped-def]
    from documents.registry.inputs import IncomingInput, PartyInput

    return IncomingInput(subject=subject, sender=PartyInput(name="องค์การบริหารส่วนจังหวัดนครราชสีมา"), **kw)


def outgoing(subject: str = "ขอความอนุเคราะห์ข้อมูล", **kw: object):  # type: ignore[no-untyped-def]
    from documents.registry.inputs import OutgoingInput, PartyInput

    return OutgoingInput(subject=subject, recipients=(PartyInput(name="นายอำเภอเมืองนครราชสีมา"),), **kw)


# --- the injectable database clock (owner only) ----------------------------------------------------------
def clock_set(owner: psycopg.Connection, at: dt.datetime) -> None:
    """From now on ``eoffice_now()`` reports ``at`` plus the time elapsed since this call."""
    owner.execute(
        "INSERT INTO documents_clockoverride (id, fixed_at, set_at) VALUES (1, %s, clock_timestamp())"
        " ON CONFLICT (id) DO UPDATE SET fixed_at = EXCLUDED.fixed_at, set_at = EXCLUDED.set_at",
        [at],
    )


def clock_clear(owner: psycopg.Connection) -> None:
    owner.execute("DELETE FROM documents_clockoverride")


@contextmanager
def clock_override() -> Iterator[psycopg.Connection]:
    """An owner connection for moving the database clock; the override is always removed after."""
    owner = owner_connect()
    try:
        yield owner
    finally:
        clock_clear(owner)
        owner.close()
