"""Input and output shapes of the registry API. Dates are ISO (CE); Thai labels come alongside codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from documents.models import Channel, EntryStatus, LetterKind, LetterSubKind, Purpose, Secrecy, Urgency
from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput


class PartySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    agency = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                      max_value=2**63 - 1, help_text="An agency in the system (its id).")
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**63 - 1)
    position = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                        max_value=2**63 - 1)


def _party(v: dict | None) -> PartyInput:
    v = v or {}
    return PartyInput(name=v.get("name", ""), address=v.get("address", ""), email=v.get("email", ""),
                      agency_id=v.get("agency"), unit_id=v.get("unit"), position_id=v.get("position"))


class LetterInputSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(min_length=8, max_length=64, help_text=(
        "Unique per agency; a retried request with the same key returns the same entry (one number)."))
    kind = serializers.ChoiceField(choices=LetterKind.choices, default=LetterKind.EXTERNAL)
    sub_kind = serializers.ChoiceField(choices=LetterSubKind.choices, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    sender = PartySerializer(required=False)
    recipients = PartySerializer(many=True, required=False, default=list)
    copies_to = PartySerializer(many=True, required=False, default=list)
    letter_reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="",
                                             help_text="The letter's own ที่ (e.g. the sender's \"ที่ มท 0808.2/ว 123\").")
    letter_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="ISO date (CE).")
    refers_to = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    enclosures = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.CONSIDER)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL,
                                      help_text="DGA SpeedCode: 001 ปกติ, 002 ด่วน, 003 ด่วนมาก, 004 ด่วนที่สุด")
    deliver_by = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="ด่วนภายใน")
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, default=Secrecy.NORMAL,
                                      help_text="DGA SecretCode: 001 ปกติ, 002 ลับ, 003 ลับมาก, 004 ลับที่สุด")
    extra = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True), required=False,
                                  default=dict, help_text="Kind-specific fields (see the letter kind's form).")
    files = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False,
                                  default=list, max_length=50,
                                  help_text="Ids of files uploaded with POST registry/files/ (first = the letter).")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    book = serializers.SlugField(required=False, allow_blank=True, default="", help_text="Book code; default by kind.")

    def common(self) -> dict:
        v = self.validated_data
        return {
            "kind": v["kind"], "sub_kind": v["sub_kind"], "subject": v["subject"], "sender": _party(v.get("sender")),
            "recipients": tuple(_party(p) for p in v["recipients"]),
            "copies_to": tuple(_party(p) for p in v["copies_to"]), "letter_reference": v["letter_reference"],
            "letter_date": v["letter_date"], "refers_to": v["refers_to"], "enclosures": v["enclosures"],
            "purpose": v["purpose"], "urgency": v["urgency"], "deliver_by": v["deliver_by"], "secrecy": v["secrecy"],
            "extra": dict(v["extra"]), "note": v["note"],
        }


class IncomingInputSerializer(LetterInputSerializer):
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                            help_text="When it reached us (default: the registration time).")
    sealed = serializers.BooleanField(required=False, default=False,
                                      help_text="A secret item registered unopened for the registrar.")

    def to_input(self, book_id: int | None) -> IncomingInput:
        v = self.validated_data
        return IncomingInput(**self.common(), received_at=v["received_at"], channel=v["channel"] or "scan",
                             sealed=v["sealed"], book_id=book_id)


class OutgoingInputSerializer(LetterInputSerializer):
    def to_input(self, book_id: int | None) -> OutgoingInput:
        return OutgoingInput(**self.common(), channel=self.validated_data["channel"], book_id=book_id)


class ReservationInputSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(min_length=8, max_length=64)
    book = serializers.SlugField()
    note = serializers.CharField(max_length=500, help_text="What the number is reserved for.")


class FileOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    role = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    state = serializers.CharField(help_text="ok | quarantined")
    problem = serializers.CharField()
    flags = serializers.DictField()


class BookOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    name_th = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    year_basis = serializers.CharField()
    reference_format = serializers.CharField()
    letter_kinds = serializers.ListField(child=serializers.CharField())
    issuer_role = serializers.CharField()
    is_active = serializers.BooleanField()
    can_issue = serializers.BooleanField()


class EntryOutputSerializer(serializers.Serializer):
    """A book row. ``visible`` false: a secret item the reader holds no grant for; its letter fields
    are then empty except sender, date and class (what a sealed envelope shows)."""

    id = serializers.IntegerField()
    book = serializers.CharField(source="book_code")
    year = serializers.IntegerField(help_text="พ.ศ.")
    number = serializers.IntegerField()
    reference = serializers.CharField(help_text="Printed reference (ที่); empty for incoming books.")
    status = serializers.ChoiceField(choices=EntryStatus.choices)
    status_label = serializers.CharField()
    registered_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)
    channel = serializers.CharField()
    digest = serializers.CharField(help_text="SHA-256 of the letter file at registration.")
    parent = serializers.IntegerField(source="parent_id", allow_null=True, help_text="Central entry id (unit books).")
    note = serializers.CharField()
    annul_reason = serializers.CharField()
    visible = serializers.BooleanField()
    letter = serializers.DictField(allow_null=True, help_text=(
        "kind, sub_kind, subject, letter_reference, letter_date, sender, recipients, purpose, urgency, "
        "urgency_label, deliver_by, secrecy, secrecy_label, sealed, refers_to, enclosures, extra"))


def entry_data(entry, *, visible: bool, book_code: str) -> dict:  # type: ignore[no-untyped-def]
    letter = entry.letter
    letter_out = None
    if letter is not None:
        letter_out = {
            "secrecy": letter.secrecy, "secrecy_label": str(letter.get_secrecy_display()),
            "sender": letter.sender_display, "letter_date": letter.letter_date.isoformat() if letter.letter_date else None,
            "sealed": letter.is_sealed,
        }
        if visible:
            letter_out.update({
                "kind": letter.kind, "sub_kind": letter.sub_kind, "subject": letter.subject,
                "letter_reference": letter.letter_reference, "recipients": letter.recipient_display,
                "purpose": letter.purpose, "urgency": letter.urgency, "urgency_label": str(letter.get_urgency_display()),
                "deliver_by": letter.deliver_by.isoformat() if letter.deliver_by else None,
                "refers_to": letter.refers_to, "enclosures": letter.enclosures, "extra": letter.extra,
            })
    return {
        "id": entry.pk, "book_code": book_code, "year": entry.year, "number": entry.number,
        "reference": entry.reference, "status": entry.status, "status_label": str(entry.get_status_display()),
        "registered_at": entry.registered_at, "received_at": entry.received_at, "channel": entry.channel,
        "digest": entry.digest, "parent_id": entry.parent_id, "note": entry.note, "annul_reason": entry.annul_reason,
        "visible": visible, "letter": letter_out,
    }


class AmendInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    subject = serializers.CharField(max_length=500, required=False)
    letter_reference = serializers.CharField(max_length=120, required=False, allow_blank=True)
    letter_date = serializers.DateField(required=False, allow_null=True)
    refers_to = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    enclosures = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    deliver_by = serializers.DateTimeField(required=False, allow_null=True)
    sender_display = serializers.CharField(max_length=500, required=False)
    recipient_display = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("เหตุผล"))
