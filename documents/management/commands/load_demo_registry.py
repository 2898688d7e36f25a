"""Registry demo data for เทศบาลเมืองปากช่อง (after ``load_demo``): a year of incoming and outgoing
letters, some with a rendered PDF, a unit registration, a reservation and a sealed secret item opened
by the registrar; then handling (docs/handling.md): a presentation chain (ปลัดเทศบาล),
file categories, and letters noted, presented to the ปลัด, distributed to กองช่าง and assigned to the
officer. Runs as the app role through the services; idempotent (each part skips when already there)."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand
from django.db import transaction

from documents.files.services import file_prepare
from documents.handling import services as handling
from documents.models import Book, BookKind, Holding, PresentationChain, RegistryEntry
from documents.registry import services
from documents.registry.inputs import IncomingInput, OutgoingInput, PartyInput
from documents.registry.stamp import font_face_css, render_pdf_sarabun_only
from tenants.context import tenant_scope
from tenants.models import Agency, Membership, OrgUnit, Position, User
from tenants.selectors import actor_build

BANGKOK = ZoneInfo("Asia/Bangkok")
AGENCY = "pakchong-town"

INCOMING = [
    ("สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดนครราชสีมา", "ที่ นม 0023.3/ว 1520", "ขอความร่วมมือสำรวจข้อมูลผู้สูงอายุ", "002", "act"),
    ("ที่ว่าการอำเภอปากช่อง", "ที่ นม 0318/ว 845", "ขอเชิญประชุมประจำเดือนกำนันผู้ใหญ่บ้าน", "001", "inform"),
    ("สำนักงานจังหวัดนครราชสีมา", "ที่ นม 0017.2/ว 3312", "การเตรียมความพร้อมรับมือสถานการณ์น้ำท่วม", "004", "act"),
    ("การไฟฟ้าส่วนภูมิภาคอำเภอปากช่อง", "ที่ มท 5307.20/1187", "แจ้งดับไฟเพื่อปรับปรุงระบบจำหน่าย", "001", "inform"),
    ("สำนักงานสาธารณสุขอำเภอปากช่อง", "ที่ นม 0032.301/912", "ขอสนับสนุนรถบรรทุกน้ำ โครงการรณรงค์ไข้เลือดออก", "003", "consider"),
    ("โรงเรียนปากช่อง", "ที่ ศธ 04231.04/388", "ขอใช้สถานที่จัดกิจกรรมวันเด็กแห่งชาติ", "001", "consider"),
    ("กรมส่งเสริมการปกครองท้องถิ่น", "ที่ มท 0808.2/ว 4410", "แนวทางการจัดทำแผนพัฒนาท้องถิ่น (พ.ศ. 2571-2575)", "002", "act"),
    ("นางสาวสมศรี ใจดี", "", "ร้องเรียนไฟฟ้าสาธารณะชำรุด ซอยมิตรภาพ 12", "001", "act"),
    ("สำนักงานตรวจเงินแผ่นดินจังหวัดนครราชสีมา", "ที่ ตผ 0050 นม/1022", "ขอเอกสารประกอบการตรวจสอบงบการเงิน", "003", "act"),
    ("ที่ว่าการอำเภอปากช่อง", "ที่ นม 0318/ว 901", "การรับสมัครอาสาสมัครป้องกันภัยฝ่ายพลเรือน", "001", "inform"),
]
DRAFTS = [
    ("ขอความอนุเคราะห์ตรวจสอบแนวเขตทางสาธารณะ",
     "<div>ด้วยเทศบาลเมืองปากช่องจะดำเนินการก่อสร้างถนนคอนกรีตเสริมเหล็ก จึงขอความอนุเคราะห์ตรวจสอบแนวเขต</div>"),
    ("ขอเชิญประชุมคณะกรรมการป้องกันและบรรเทาสาธารณภัย",
     "<div>ด้วยเทศบาลเมืองปากช่องกำหนดประชุมคณะกรรมการป้องกันและบรรเทาสาธารณภัย จึงขอเชิญเข้าร่วมประชุม</div>"),
    ("รายงานผลการดำเนินการแก้ไขปัญหาน้ำท่วมขัง",
     "<div>ตามที่อำเภอปากช่องแจ้งให้รายงานผลการแก้ไขปัญหาน้ำท่วมขัง นั้น เทศบาลได้ดำเนินการแล้วเสร็จ</div>"),
]
FILE_CATEGORIES = [
    ("01", "งานบริหารทั่วไปและสารบรรณ", 10),
    ("02", "งานการเงินและบัญชี", 10),
    ("03", "งานโยธาและก่อสร้าง", 10),
    ("04", "งานป้องกันและบรรเทาสาธารณภัย", 10),
    ("99", "หนังสือเวียนเพื่อทราบ", 1),
]
OUTGOING = [
    ("ที่ว่าการอำเภอปากช่อง", "รายงานผลการสำรวจข้อมูลผู้สูงอายุ", "external"),
    ("สำนักงานสาธารณสุขอำเภอปากช่อง", "ตอบรับการสนับสนุนรถบรรทุกน้ำ", "external"),
    ("ผู้อำนวยการกองช่าง", "ขอให้ตรวจสอบไฟฟ้าสาธารณะ ซอยมิตรภาพ 12", "internal"),
    ("โรงเรียนปากช่อง", "อนุญาตให้ใช้สถานที่จัดกิจกรรมวันเด็กแห่งชาติ", "external"),
]


def _letter_pdf(agency: Agency, sender: str, ref: str, subject: str, when: dt.date) -> bytes:
    e = html.escape
    be = when.year + 543
    return render_pdf_sarabun_only(f"""<html><head><style>{font_face_css()}
      @page {{ size: A4; margin: 2.5cm 2cm 2cm 3cm; }}
      body {{ font-family: "Sarabun"; font-size: 11pt; line-height: 1.5; }}
      .right {{ text-align: right; }} h1 {{ font-size: 14pt; text-align: center; }}
      </style></head><body>
      <p>{e(ref or "")}</p><p class="right">{e(sender)}</p>
      <p class="right">{when.day} {["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"][when.month - 1]} {be}</p>
      <p>เรื่อง {e(subject)}</p><p>เรียน นายกเทศมนตรีเมือง{e(agency.name_th.removeprefix("เทศบาลเมือง"))}</p>
      <p>ด้วย{e(sender)} มีความประสงค์{e(subject)} จึงเรียนมาเพื่อโปรดพิจารณาดำเนินการต่อไป น้ำใจ ซ้ำซ้อน</p>
      <p class="right">ขอแสดงความนับถือ</p></body></html>""")


class Command(BaseCommand):
    help = "Load registry demo letters for the Korat demo (after load_demo). Idempotent."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        agency = Agency.objects.filter(slug=AGENCY).first()
        if agency is None:
            self.stdout.write("no demo agency; run load_demo first")
            return
        self._registry(agency)
        self._handling(agency)
        self._drafting(agency)

    def _registry(self, agency: Agency) -> None:
        with tenant_scope(agency.pk):
            book = Book.objects.filter(tenant_id=agency.pk, kind=BookKind.CENTRAL_INCOMING).first()
            if book is None or RegistryEntry.objects.filter(book=book).exists():
                self.stdout.write("registry demo data already loaded")
                return
        prepared = {}
        today = dt.datetime.now(BANGKOK).date()
        for i, (sender, ref, subject, _u, _p) in enumerate(INCOMING):
            if i % 2 == 0:
                pdf = _letter_pdf(agency, sender, ref, subject, today - dt.timedelta(days=len(INCOMING) - i))
                prepared[i] = file_prepare(pdf, f"{subject[:30]}.pdf")
        with transaction.atomic(), tenant_scope(agency.pk):
            clerk, unit_clerk, registrar = (self._actor(agency, u) for u in ("demo.clerk", "demo.unitclerk", "demo.secret"))
            first = None
            for i, (sender, ref, subject, urgency, purpose) in enumerate(INCOMING):
                e = services.register_incoming(
                    tenant_id=agency.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
                    files=[prepared[i]] if i in prepared else [],
                    data=IncomingInput(subject=subject, sender=PartyInput(name=sender), letter_reference=ref,
                                       letter_date=today - dt.timedelta(days=len(INCOMING) - i + 2),
                                       urgency=urgency, purpose=purpose, channel="scan" if i % 3 else "email"),
                )
                first = first or e
            unit_book = Book.objects.filter(tenant_id=agency.pk, kind=BookKind.UNIT_INCOMING,
                                            unit_id=unit_clerk.unit_id).first()
            if unit_book is not None and first is not None:
                services.register_in_unit(tenant_id=agency.pk, actor=unit_clerk, central_entry_id=first.pk,
                                          book_id=unit_book.pk, idempotency_key=uuid.uuid4().hex)
            sealed = services.register_incoming(
                tenant_id=agency.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
                data=IncomingInput(subject="", secrecy="003", sender=PartyInput(name="กองอำนวยการรักษาความมั่นคงภายในจังหวัด")),
            )
            services.secret_open(
                tenant_id=agency.pk, actor=registrar, central_entry_id=sealed.pk, idempotency_key=uuid.uuid4().hex,
                data=IncomingInput(subject="แผนรักษาความปลอดภัยสถานที่ราชการ", secrecy="003",
                                   sender=PartyInput(name="กองอำนวยการรักษาความมั่นคงภายในจังหวัด")),
            )
            for to, subject, kind in OUTGOING:
                services.issue_outgoing(
                    tenant_id=agency.pk, actor=clerk, idempotency_key=uuid.uuid4().hex,
                    data=OutgoingInput(kind=kind, subject=subject, recipients=(PartyInput(name=to),), channel="post"),
                )
            out_book = Book.objects.get(tenant_id=agency.pk, kind=BookKind.CENTRAL_OUTGOING)
            services.reserve_number(tenant_id=agency.pk, actor=clerk, book_id=out_book.pk,
                                    note="หนังสือถึงจังหวัด (รอนายกลงนามบนกระดาษ)", idempotency_key=uuid.uuid4().hex)
        self.stdout.write(f"registry demo: {len(INCOMING)} incoming, {len(OUTGOING)} outgoing, 1 secret, 1 reservation")

    def _handling(self, agency: Agency) -> None:
        with transaction.atomic(), tenant_scope(agency.pk):
            if PresentationChain.objects.filter(tenant_id=agency.pk).exists():
                self.stdout.write("handling demo data already loaded")
                return
            admin, clerk, head = (self._actor(agency, u) for u in ("demo.admin", "demo.clerk", "demo.head"))
            unit_clerk, officer = self._actor(agency, "demo.unitclerk"), self._actor(agency, "demo.officer")
            posts = Position.objects.filter(tenant_id=agency.pk)
            palad = posts.get(title_th__startswith="ปลัดเทศบาล")
            works = OrgUnit.objects.get(tenant_id=agency.pk, name_th="กองช่าง")
            # the ปลัด orders: no demo login holds the นายก's post, so a letter sent on to it would wait there
            handling.chain_create(tenant_id=agency.pk, actor=admin, name_th="เสนอปลัดเทศบาล",
                                  position_ids=[palad.pk], sort_order=10)
            for code, name, years in FILE_CATEGORIES:
                handling.file_category_create(tenant_id=agency.pk, actor=admin, code=code, name_th=name,
                                              retention_years=years)
            entries = list(RegistryEntry.objects.filter(tenant_id=agency.pk, book__kind=BookKind.CENTRAL_INCOMING,
                                                        letter__secrecy="001").order_by("number")[:4])
            made = []
            for e in entries:
                made.append(handling.handling_start(
                    tenant_id=agency.pk, actor=clerk, entry_id=e.pk,
                    note=handling.NoteInput(summary=f"{e.letter.sender_display} แจ้งเรื่อง{e.letter.subject}",
                                            facts="ตามระเบียบกระทรวงมหาดไทยที่เกี่ยวข้อง",
                                            recommendation="เห็นควรมอบกองช่างดำเนินการ")))
            # one waits at the desk (noted); the others go to the ปลัด; one is ordered, distributed, assigned
            for h in made[1:]:
                handling.present(tenant_id=agency.pk, actor=clerk, handling_id=h.pk)
            if len(made) >= 3:
                step = Holding.objects.get(tenant_id=agency.pk, handling=made[2], status="open")
                handling.endorse(tenant_id=agency.pk, actor=head, holding_id=step.pk, phrase="มอบ",
                                 text="กองช่างดำเนินการ", order_units=[works.pk])
                (unit,) = handling.distribute(tenant_id=agency.pk, actor=clerk, handling_id=made[2].pk)
                handling.unit_register(tenant_id=agency.pk, actor=unit_clerk, holding_id=unit.pk,
                                       idempotency_key=uuid.uuid4().hex)
                handling.assign(tenant_id=agency.pk, actor=unit_clerk, holding_id=unit.pk,
                                membership_ids=[officer.membership_id], note="สำรวจและรายงานภายใน 7 วัน",
                                due_on=dt.datetime.now(BANGKOK).date() + dt.timedelta(days=7))
        self.stdout.write(f"handling demo: 1 chain, {len(FILE_CATEGORIES)} file categories, {len(made)} letters in hand")

    def _drafting(self, agency: Agency) -> None:
        """A review route (ปลัดเทศบาล checks), a draft the officer is writing, one waiting for the ปลัด's
        initials, and one reviewed and waiting at the desk for its number."""
        from documents.drafting import services as drafting
        from documents.models import ReviewRoute

        with transaction.atomic(), tenant_scope(agency.pk):
            if ReviewRoute.objects.filter(tenant_id=agency.pk).exists():
                self.stdout.write("drafting demo data already loaded")
                return
            admin, officer = self._actor(agency, "demo.admin"), self._actor(agency, "demo.officer")
            palad = Position.objects.get(tenant_id=agency.pk, title_th__startswith="ปลัดเทศบาล")
            route = drafting.route_create(tenant_id=agency.pk, actor=admin, name_th="ตรวจร่างโดยปลัดเทศบาล", forms=[],
                                          steps=[drafting.RouteStepInput(position_id=palad.pk, order=1, stage="check")])
            made = []
            for subject, body in DRAFTS:
                made.append(drafting.draft_create(tenant_id=agency.pk, actor=officer, data=drafting.DraftInput(
                    form="external", subject=subject, body_html=body,
                    fields={"salutation": "เรียน", "signer_name": "นายสมชาย ใจดี", "signer_position": "นายกเทศมนตรีเมืองปากช่อง",
                            "contact_phone": "044-311-000"},
                    recipients=[drafting.RecipientInput(name="นายอำเภอปากช่อง", channel="post",
                                                        address="ที่ว่าการอำเภอปากช่อง จังหวัดนครราชสีมา 30130")])))
            if len(made) >= 2:
                drafting.draft_submit(tenant_id=agency.pk, actor=officer, draft_id=made[1].pk, route_id=route.pk)
            if len(made) >= 3:
                drafting.draft_submit(tenant_id=agency.pk, actor=officer, draft_id=made[2].pk, route_id=None)
        self.stdout.write(f"drafting demo: 1 review route, {len(made)} drafts")

    @staticmethod
    def _actor(agency: Agency, username: str):  # type: ignore[no-untyped-def]
        user = User.objects.get(username=username)
        m = Membership.objects.get(tenant_id=agency.pk, user=user, is_active=True)
        return actor_build(agency=agency, membership=m, user=user)
