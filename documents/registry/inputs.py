"""What a clerk or an API client hands the registry services: plain frozen dataclasses, validated by
``documents.registry.validation`` before any number is taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PartyInput:
    name: str = ""
    address: str = ""
    email: str = ""
    agency_id: int | None = None
    unit_id: int | None = None
    position_id: int | None = None


@dataclass(frozen=True)
class LetterInput:
    kind: str = "external"
    sub_kind: str = ""
    subject: str = ""
    sender: PartyInput = field(default_factory=PartyInput)
    recipients: tuple[PartyInput, ...] = ()
    copies_to: tuple[PartyInput, ...] = ()
    letter_reference: str = ""
    letter_date: dt.date | None = None
    refers_to: str = ""
    enclosures: str = ""
    purpose: str = "consider"
    urgency: str = "001"
    deliver_by: dt.datetime | None = None
    secrecy: str = "001"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IncomingInput(LetterInput):
    """A received letter. ``received_at`` is when it reached us (may be before the entry time)."""

    received_at: dt.datetime | None = None
    channel: str = "scan"
    note: str = ""
    book_id: int | None = None  # None: the central incoming book
    sealed: bool = False  # a secret item registered unopened (ส่งนายทะเบียนฯ)


@dataclass(frozen=True)
class OutgoingInput(LetterInput):
    channel: str = ""
    note: str = ""
    book_id: int | None = None  # None: the default book for the letter's kind
