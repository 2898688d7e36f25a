"""The sweep's world: committed rows in tenant A and tenant B, created through services as the app role.

Every name is unique (``sw<run>…``) so the world never collides with the seeded fixture or with a
previous run on the same database. Objects are created once per test session; ``World.fresh`` makes
a new one when a route consumes its object (delete, revoke).

Model keys used by the sweep specs (``World.id(side, key)`` / ``World.random(key)``):

    orgunit, position, membership, user, assignment, rolegrant, apitoken, apitoken.key_id, job,
    auditevent, agency (the agency's own id), agency.slug,
    registry (issue 3): book.code (the central outgoing book), inbook.code (central incoming), unitbook.code
    (the world unit's incoming book), entry (a registered incoming entry with a PDF), storedfile (the
    standing entry's file), outentry (a registered outgoing entry), reservation (a reserved number),
    sealedentry (a sealed secret item at the central desk), secretentry (an opened secret-register entry
    whose grant the all-roles member holds), upload (an uploaded file not yet registered)
    handling (issue 4): see tests/tenancy/world_handling.py
    drafting (issue 5): see tests/tenancy/world_drafting.py
    calendar: agencyholiday (an agency's own day off), nationalholiday (global: made fresh by routes that
    remove one; never a B-side object)
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from tenants.context import tenant_scope
from tenants.models import Agency, ApiToken, AuditEvent, Membership, User
from tenants.roles import Role
from tenants.services import org
from tenants.services.jobs import job_enqueue
from tenants.services.tokens import api_token_create
from tests.tenancy.world_drafting import DRAFTING_MODELS, drafting_obj
from tests.tenancy.world_handling import HANDLING_MODELS, handling_obj

AGENCY_ROLES = [Role.CENTRAL_CLERK, Role.UNIT_CLERK, Role.OFFICER, Role.HEAD, Role.SECRET_REGISTRAR, Role.AGENCY_ADMIN]
# Who the sweep acts as by default: one membership holding every agency role.
ALL = "all"
RANDOM_BASE = 7_000_000_000  # far above any id a sequence will reach in tests: "never used"


@dataclass
class Side:
    key: str
    agency: Agency
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[str, Membership] = field(default_factory=dict)
    objs: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # who -> raw "eo_<keyid>_<secret>"

    @property
    def id(self) -> int:
        return self.agency.pk

    @property
    def slug(self) -> str:
        return self.agency.slug


class World:
    def __init__(self, a: Agency, b: Agency, district: Agency) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.a = Side("a", a)
        self.b = Side("b", b)
        self.district = district
        self._n = 0
        self.route = ""  # the route being swept (set by the sweep before calling a spec's builders)
        self._sysadmin: User | None = None
        self._login: User | None = None

    # -- naming -----------------------------------------------------------------------------------
    def name(self, what: str) -> str:
        self._n += 1
        return f"sw{self.run}-{what}-{self._n}"

    def side(self, key: str) -> Side:
        return {"a": self.a, "b": self.b}[key]

    # -- people ---------------------------------------------------------------------------------------
    def user(self, key: str, who: str = ALL) -> User:
        side = self.side(key)
        if who not in side.users:
            self._member(side, who)
        return side.users[who]

    def membership(self, key: str, who: str = ALL) -> Membership:
        self.user(key, who)
        return self.side(key).memberships[who]

    def token(self, key: str, who: str = ALL) -> str:
        side = self.side(key)
        if who not in side.tokens:
            m = self.membership(key, who)
            with tenant_scope(side.id):
                issued = api_token_create(tenant_id=side.id, actor_id=m.user_id, membership=m, name=self.name("token"))
            side.tokens[who] = issued.secret
        return side.tokens[who]

    def _member(self, side: Side, who: str) -> None:
        # "system_admin": a member with no granted role whose user is a system administrator (the role
        # comes from User.is_system_admin, never from a grant).
        roles = AGENCY_ROLES if who == ALL else [] if who == Role.SYSTEM_ADMIN else [Role(who)]
        user = org.user_create(username=self.name(f"{side.key}-{who}"), password=None, title_th="นาย",
                               first_name_th="กวาด", last_name_th=who, is_system_admin=who == Role.SYSTEM_ADMIN)
        with tenant_scope(side.id):
            unit = self.obj(side.key, "orgunit")
            m = org.membership_create(tenant_id=side.id, actor=None, user=user, unit=unit)
            for role in roles:
                org.role_grant(tenant_id=side.id, actor=None, membership=m, role=role,
                               unit=unit if role == Role.UNIT_CLERK else None)
        side.users[who] = user
        side.memberships[who] = m

    def sysadmin(self) -> User:
        """A system administrator (global; Django admin needs is_staff as well)."""
        if self._sysadmin is None:
            u = org.user_create(username=self.name("sysadmin"), password=None, is_system_admin=True)
            User.objects.filter(pk=u.pk).update(is_staff=True)
            u.refresh_from_db()
            self._sysadmin = u
        return self._sysadmin

    LOGIN_PASSWORD = "Sweep-login-pass-77"  # noqa: S105 (test data)

    def login_user(self) -> str:
        if self._login is None:
            self._login = org.user_create(username=self.name("login"), password=self.LOGIN_PASSWORD,
                                          skip_password_validation=True)
        return self._login.username

    def login_password(self) -> str:
        return self.LOGIN_PASSWORD

    def admin_object_id(self, model: str) -> Any:
        """An object the Django admin shows: tenant A's for tenant models, a global one otherwise."""
        from django.contrib.auth.models import Group

        from tenants.models import Supervision, SystemAuditEvent

        if model == "agency":
            return self.a.id
        if model == "user":
            return self.user("a").pk
        if model == "supervision":
            return Supervision.objects.filter(supervised_id=self.a.id).values_list("pk", flat=True).first()
        if model == "systemauditevent":
            return SystemAuditEvent.objects.order_by("-seq").values_list("pk", flat=True).first()
        if model == "group":
            return Group.objects.get_or_create(name=f"sw{self.run}-group")[0].pk
        return self.id("a", model)

    def content_type_id(self, model: str) -> int:
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get(app_label="tenants", model=model).pk

    # -- objects --------------------------------------------------------------------------------------
    def obj(self, key: str, model: str) -> Any:
        """The side's standing object of that model (created on first use, committed)."""
        side = self.side(key)
        base = model.split(".")[0]
        if base not in side.objs:
            side.objs[base] = self.fresh(key, base)
        return side.objs[base]

    def id(self, key: str, model: str) -> Any:
        """The id (or the attribute after the dot, e.g. ``apitoken.key_id``) of the side's object."""
        base, _, attr = model.partition(".")
        if base == "agency":
            return getattr(self.side(key).agency, attr or "pk")
        return getattr(self.obj(key, base), attr or "pk")

    def random(self, model: str) -> Any:
        """A value of the right type that no row has ever had."""
        _, _, attr = model.partition(".")
        if attr in ("key_id",):
            return secrets.token_hex(8)
        if attr in ("slug", "code"):
            return f"no-such-{secrets.token_hex(4)}"
        return RANDOM_BASE + random.randrange(1_000_000)  # noqa: S311 (not a secret)

    def fresh(self, key: str, model: str) -> Any:
        """A brand-new object of that model in the side's tenant (committed when no outer transaction)."""
        side = self.side(key)
        t = side.id
        with tenant_scope(t):
            if model == "orgunit":
                return org.org_unit_create(tenant_id=t, actor=None, name_th=self.name("หน่วย"), unit_number="9")
            if model == "position":
                return org.position_create(tenant_id=t, actor=None, title_th=self.name("ตำแหน่ง"),
                                           unit=self.obj(key, "orgunit"))
            if model in ("membership", "user"):
                user = org.user_create(username=self.name(f"{key}-m"), password=None, first_name_th="สมาชิก")
                m = org.membership_create(tenant_id=t, actor=None, user=user, unit=self.obj(key, "orgunit"))
                return m if model == "membership" else user
            if model == "assignment":
                return org.position_assign(tenant_id=t, actor=None, position=self.obj(key, "position"),
                                           membership=self.obj(key, "membership"), starts_on=dt.date(2024, 1, 1))
            if model == "rolegrant":
                return org.role_grant(tenant_id=t, actor=None, membership=self.obj(key, "membership"), role=Role.OFFICER)
            if model == "apitoken":
                m = self.membership(key)
                issued = api_token_create(tenant_id=t, actor_id=m.user_id, membership=m, name=self.name("token"))
                return issued.token
            if model == "job":
                return job_enqueue(tenant_id=t, kind="diagnostics.noop", args={"sweep": self.run})
            if model == "auditevent":
                return AuditEvent.objects.filter(tenant_id=t).order_by("-seq").first()
            if model in ("agencyholiday", "nationalholiday"):
                return _calendar_obj(self, key, model)
            if model in REGISTRY_MODELS:
                return _registry_obj(self, key, model)
            if model in HANDLING_MODELS:
                return handling_obj(self, key, model)
            if model in DRAFTING_MODELS:
                return drafting_obj(self, key, model)
        raise KeyError(f"World.fresh: unknown model key {model!r}; add it in tests/tenancy/tenant_world.py")


def free_weekday(w: World, key: str) -> dt.date:
    """A Monday-Friday in CE 2100-2156 with no national holiday and no day of the side's agency: the world
    never collides with earlier runs on the same database (committed rows stay)."""
    from tenants.models import AgencyHoliday, NationalHoliday

    t = w.side(key).id
    with tenant_scope(t):
        for _ in range(200):
            d = dt.date(2100, 1, 1) + dt.timedelta(days=random.randrange(57 * 365))  # noqa: S311 (not a secret)
            if d.weekday() >= 5 or NationalHoliday.objects.filter(date=d).exists():
                continue
            if not AgencyHoliday.objects.filter(tenant_id=t, date=d).exists():
                return d
    raise RuntimeError("no free weekday found for a calendar entry")


def _calendar_obj(w: World, key: str, model: str) -> Any:
    from tenants.services import calendar

    d = free_weekday(w, key)
    if model == "nationalholiday":
        return calendar.national_holiday_add(actor=None, date=d, name_th=w.name("วันหยุดราชการ"))
    return calendar.agency_holiday_add(tenant_id=w.side(key).id, actor=None, date=d, name_th=w.name("วันหยุด"),
                                       note="sweep")


REGISTRY_MODELS = ("book", "inbook", "unitbook", "entry", "storedfile", "outentry", "reservation", "sealedentry",
                   "secretentry", "upload", "emptybook", "amendment", "mailboxmessage", "mailbox", "mailboxfile")
_PDF: bytes | None = None


def _pdf() -> bytes:
    global _PDF
    if _PDF is None:
        import io

        import pikepdf

        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(595, 842))
        buf = io.BytesIO()
        pdf.save(buf)
        _PDF = buf.getvalue()
    return _PDF


def _registry_obj(w: World, key: str, model: str) -> Any:
    """Registry objects, made through the services as the side's all-roles member (inside its scope)."""
    from documents.files.services import file_prepare, file_record
    from documents.models import Book, BookKind, StoredFile
    from documents.registry import services
    from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput
    from tenants.selectors import actor_build

    side = w.side(key)
    t = side.id
    m = w.membership(key)
    actor = actor_build(agency=side.agency, membership=m, user=m.user)
    if model == "book":
        return Book.objects.get(tenant_id=t, kind=BookKind.CENTRAL_OUTGOING)
    if model == "emptybook":  # a book with no numbers yet (start-number routes consume it)
        return Book.objects.create(tenant_id=t, kind=BookKind.CERTIFICATES, code=w.name("c").lower()[-38:],
                                   name_th=w.name("ทะเบียน"), issuer_role="central_clerk",
                                   reference_format="หนังสือรับรอง {number}/{year} " + w.name("r"))
    if model == "amendment":
        entry = w.obj(key, "entry")
        services.entry_amend(tenant_id=t, actor=actor, entry_id=entry.pk, changes={"enclosures": w.name("แนบ")},
                             reason="ทดสอบการแก้ไข")
        from documents.models import EntryAmendment

        return EntryAmendment.objects.filter(tenant_id=t, entry=entry).order_by("-id").first()
    if model == "mailbox":
        return w.obj(key, "mailboxmessage").mailbox
    if model == "mailboxfile":  # the standing message's attachment
        from documents.models import MailboxAttachment

        return MailboxAttachment.objects.filter(tenant_id=t, message=w.obj(key, "mailboxmessage")).first().file
    if model == "mailboxmessage":  # a message as the fetcher stores it (raw .eml and one attachment)
        from documents.models import Mailbox, MailboxAttachment, MailboxMessage

        box = Mailbox.objects.create(tenant_id=t, kind="maildir", address=f"{w.name('saraban').lower()}@example.go.th",
                                     path="/nonexistent", auto_reply=False)  # no job a live worker could run mid-probe
        raw = file_record(tenant_id=t, prepared=file_prepare(b"From: a@example.go.th\r\nSubject: x\r\n\r\nbody\r\n",
                                                              "message.eml"), letter_id=None, role="email", actor_id=None)
        msg = MailboxMessage.objects.create(tenant_id=t, mailbox=box, message_id=f"<{w.name('m')}@example.go.th>",
                                            from_address="a@example.go.th", subject=w.name("อีเมล"), raw=raw)
        att = file_record(tenant_id=t, prepared=file_prepare(_pdf(), "att.pdf"), letter_id=None, role="original",
                          actor_id=None)
        MailboxAttachment.objects.create(tenant_id=t, message=msg, file=att)
        return msg
    if model == "inbook":
        return Book.objects.get(tenant_id=t, kind=BookKind.CENTRAL_INCOMING)
    if model == "unitbook":
        unit = w.obj(key, "orgunit")
        book = Book.objects.filter(tenant_id=t, kind=BookKind.UNIT_INCOMING, unit=unit).first()
        if book is None:
            from documents.registry.books import unit_book_create

            book = unit_book_create(tenant_id=t, unit=unit)
        return book
    if model == "storedfile":  # the standing entry's letter file
        entry = w.obj(key, "entry")
        return StoredFile.objects.filter(tenant_id=t, letter_id=entry.letter_id).order_by("id").first()
    if model in ("upload", "entry"):
        prepared = file_prepare(_pdf(), f"{w.name('letter')}.pdf")
        if model == "upload":
            return file_record(tenant_id=t, prepared=prepared, letter_id=None, role="original", actor_id=actor.user_id)
        entry = services.register_incoming(
            tenant_id=t, actor=actor, files=[prepared], idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=w.name("เรื่อง"), sender=PartyInput(name=w.name("ผู้ส่ง"))),
        )
        return entry
    if model == "outentry":
        return services.issue_outgoing(
            tenant_id=t, actor=actor, idempotency_key=uuid.uuid4().hex,
            data=OutgoingInput(subject=w.name("เรื่องส่ง"), recipients=(PartyInput(name=w.name("ผู้รับ")),)),
        )
    if model == "reservation":
        book = Book.objects.get(tenant_id=t, kind=BookKind.CENTRAL_OUTGOING)
        return services.reserve_number(tenant_id=t, actor=actor, book_id=book.pk, note=w.name("จอง"),
                                       idempotency_key=uuid.uuid4().hex)
    if model in ("sealedentry", "secretentry"):
        sealed = services.register_incoming(
            tenant_id=t, actor=actor, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject="", secrecy="003", sender=PartyInput(name=w.name("ผู้ส่งลับ"))),
        )
        if model == "sealedentry":
            return sealed
        return services.secret_open(  # the all-roles member is also the registrar: it holds the grant
            tenant_id=t, actor=actor, central_entry_id=sealed.pk, idempotency_key=uuid.uuid4().hex,
            data=IncomingInput(subject=w.name("เรื่องลับ"), secrecy="003", sender=PartyInput(name=w.name("ผู้ส่ง"))),
        )
    raise KeyError(model)



def build_world() -> World:
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in=["tenant-a", "tenant-b", "test-district"])}
    w = World(agencies["tenant-a"], agencies["tenant-b"], agencies["test-district"])
    for key in ("a", "b"):
        for model in ("orgunit", "position", "membership", "assignment", "rolegrant", "apitoken", "job", "auditevent",
                      "agencyholiday", *REGISTRY_MODELS, *HANDLING_MODELS, *DRAFTING_MODELS):
            w.obj(key, model)
        w.user(key)
        w.token(key)
    return w


__all__ = ["ALL", "AGENCY_ROLES", "ApiToken", "World", "build_world"]
