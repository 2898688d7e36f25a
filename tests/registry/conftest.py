"""Shared registry test helpers: actors for seeded users, a small real PDF, unique idempotency keys."""

from __future__ import annotations

import io
import uuid

import pytest

from tenants.context import tenant_scope
from tenants.models import Membership
from tenants.permissions import Actor


@pytest.fixture
def actor_of(user_named):  # type: ignore[no-untyped-def]
    """``actor_of("a_central_clerk", tenants.a)`` -> the Actor the middleware would build."""
    from tenants.selectors import actor_build

    def build(username: str, agency) -> Actor:  # type: ignore[no-untyped-def]
        user = user_named(username)
        with tenant_scope(agency.pk):
            m = Membership.objects.get(tenant_id=agency.pk, user=user, is_active=True)
            return actor_build(agency=agency, membership=m, user=user)

    return build


def make_pdf(text: str = "หนังสือทดสอบ", pages: int = 1) -> bytes:
    """A small valid PDF (pikepdf), ``pages`` blank A4 pages with ``text`` in the document info."""
    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = text
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def pdf_bytes() -> bytes:
    return make_pdf()


def new_key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def key():  # type: ignore[no-untyped-def]
    return new_key
