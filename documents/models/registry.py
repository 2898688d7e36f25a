"""Books, their yearly counters and registry entries (a letter in a book).

The rules (architecture.md §4) live in ``documents.registry.numbering``; the database keeps the
backstops: unique (tenant, book, year, number), unique printed reference per tenant and year, unique
idempotency key per tenant, amendments append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from documents.models.letters import Letter
from tenants.models import OrgUnit, Position, TenantOwnedModel
from tenants.roles import Role


class BookKind(models.TextChoices):
    CENTRAL_INCOMING = "central_incoming", _("ทะเบียนหนังสือรับ (กลาง)")
    CENTRAL_OUTGOING = "central_outgoing", _("ทะเบียนหนังสือส่ง (กลาง)")
    UNIT_INCOMING = "unit_incoming", _("ทะเบียนหนังสือรับของหน่วยงานย่อย")
    UNIT_OUTGOING = "unit_outgoing", _("ทะเบียนหนังสือส่ง (บันทึกข้อความ) ของหน่วยงานย่อย")
    CIRCULAR = "circular", _("ทะเบียนหนังสือเวียน (ว)")
    ORDERS = "orders", _("ทะเบียนคำสั่ง")
    ANNOUNCEMENTS = "announcements", _("ทะเบียนประกาศ")
    CERTIFICATES = "certificates", _("ทะเบียนหนังสือรับรอง")
    SECRET_REGISTER = "secret_register", _("ทะเบียนข้อมูลข่าวสารลับ")


INCOMING_KINDS = frozenset({BookKind.CENTRAL_INCOMING, BookKind.UNIT_INCOMING})
# Books whose numbers are never printed on a letter: only these may run on the fiscal year.
UNPRINTED_KINDS = frozenset({BookKind.CENTRAL_INCOMING, BookKind.UNIT_INCOMING, BookKind.SECRET_REGISTER})


class YearBasis(models.TextChoices):
    CALENDAR = "calendar", _("ปีปฏิทิน (เริ่ม 1 มกราคม)")
    FISCAL = "fiscal", _("ปีงบประมาณ (เริ่ม 1 ตุลาคม)")


class Book(TenantOwnedModel):
    kind = models.CharField(max_length=20, choices=BookKind.choices)
    code = models.SlugField(max_length=40, help_text="ASCII name used in URLs, unique in the agency")
    name_th = models.CharField(max_length=255)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="unit book: the unit that keeps it; outgoing: the unit whose number is printed",
    )
    authority = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="orders: the issuing authority",
    )
    authority_name = models.CharField(max_length=255, blank=True, help_text="as printed: คำสั่ง<ชื่อ> ที่ …")
    year_basis = models.CharField(max_length=10, choices=YearBasis.choices, default=YearBasis.CALENDAR)
    # The printed reference: placeholders {code} {owner} {number} {year} {authority}; "" = not printed.
    reference_format = models.CharField(max_length=120, blank=True)
    # Which letter kinds this book numbers by default ("memos take the outgoing sequence").
    letter_kinds = models.JSONField(default=list, blank=True)
    issuer_role = models.CharField(max_length=32, choices=Role.choices, help_text="who may issue its numbers")
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="book_code_unique"),
            models.CheckConstraint(
                condition=Q(year_basis="calendar") | Q(kind__in=sorted(UNPRINTED_KINDS)),
                name="book_fiscal_only_unprinted",
            ),
            models.CheckConstraint(
                condition=~Q(kind="unit_incoming") | Q(unit__isnull=False), name="book_unit_incoming_has_unit"
            ),
            models.CheckConstraint(
                condition=~Q(kind="unit_outgoing") | Q(unit__isnull=False), name="book_unit_outgoing_has_unit"
            ),
            models.UniqueConstraint(
                fields=["tenant", "kind"],
                condition=Q(kind__in=["central_incoming", "secret_register"]),
                name="book_one_central_incoming_and_secret",
            ),
        ]

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_incoming(self) -> bool:
        return self.kind in INCOMING_KINDS

    @property
    def is_secret(self) -> bool:
        return self.kind == BookKind.SECRET_REGISTER


class BookCounter(TenantOwnedModel):
    """The last number issued in a book for one year (BE). Updated only under the book's row lock."""

    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField(help_text="พ.ศ.")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "year"], name="bookcounter_book_year_unique")]


class EntryStatus(models.TextChoices):
    RESERVED = "reserved", _("จองเลข")
    REGISTERED = "registered", _("ลงทะเบียนแล้ว")
    AWAITING_DISPATCH = "awaiting_dispatch", _("ลงนามแล้ว รอส่ง")
    DISPATCHED = "dispatched", _("ส่งแล้ว")
    ANNULLED = "annulled", _("ยกเลิก")


class Channel(models.TextChoices):
    NONE = "", _("—")
    IN_SYSTEM = "in_system", _("ระบบสารบรรณอิเล็กทรอนิกส์")
    EMAIL = "email", _("อีเมลสารบรรณกลาง")
    POST = "post", _("ไปรษณีย์")
    HAND = "hand", _("ส่งด้วยมือ (สมุดส่ง)")
    SCAN = "scan", _("รับเป็นกระดาษ/สแกน")


class RegistryEntry(TenantOwnedModel):
    # FK indexes are the composite ones in Meta (entry_book_year_num_idx, entry_letter_idx, entry_parent_idx)
    book = models.ForeignKey(Book, on_delete=models.PROTECT, related_name="entries", db_index=False)
    year = models.PositiveIntegerField(help_text="พ.ศ. (of the book's year basis)")
    number = models.PositiveIntegerField()
    # Printed reference ("ที่ นม 52301/45"); "" for books whose numbers are not printed.
    reference = models.CharField(max_length=160, blank=True)
    reference_norm = models.CharField(max_length=160, blank=True)
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="entries",
                               db_index=False)
    status = models.CharField(max_length=20, choices=EntryStatus.choices)
    # The one database clock reading that also chose the year; never changes.
    registered_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True, help_text="วันเวลาที่รับหนังสือ (incoming)")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="unit_entries", db_index=False,
        help_text="a unit book entry: the central เลขรับ it came under",
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True, default="")
    # SHA-256 of the main file at registration; never changes.
    digest = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, help_text="หมายเหตุ / for a reservation: what it is for")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    annulled_at = models.DateTimeField(null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    annul_reason = models.CharField(max_length=500, blank=True)
    # Working-copy receipt stamp (ตรารับ) applied by a job.
    stamped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "book", "year", "number"], name="entry_number_unique"),
            models.UniqueConstraint(
                fields=["tenant", "year", "reference_norm"], condition=~Q(reference_norm=""),
                name="entry_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["tenant", "idempotency_key"], condition=Q(idempotency_key__isnull=False),
                name="entry_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="reserved") | Q(status="annulled") | Q(letter__isnull=False),
                name="entry_letter_unless_reserved",
            ),
            models.CheckConstraint(
                condition=~Q(status="annulled") | ~Q(annul_reason=""), name="entry_annul_has_reason"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="entry_number_positive"),
        ]
        indexes = [
            models.Index(fields=["book", "year", "-number"], name="entry_book_year_num_idx"),
            models.Index(fields=["tenant", "registered_at"], name="entry_registered_idx"),
            models.Index(fields=["letter"], name="entry_letter_idx"),
            models.Index(fields=["parent"], name="entry_parent_idx"),
            # reference search (selectors.book_entries): ILIKE '%…%' on the printed ที่
            GinIndex(fields=["reference_norm"], opclasses=["gin_trgm_ops"], name="entry_reference_trgm"),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.number}/{self.year}"

    @property
    def number_label(self) -> str:
        return f"{self.number}/{self.year}"


class EntryAmendment(TenantOwnedModel):
    """An amendment to an entry's letter (append-only): the original stays visible, as a clerk
    strikes through on paper."""

    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, related_name="amendments")
    changes = models.JSONField(help_text='{"field": {"before": …, "after": …}}')
    reason = models.CharField(max_length=500)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["amended_at", "id"]
        indexes = [models.Index(fields=["entry"], name="amendment_entry_idx")]
