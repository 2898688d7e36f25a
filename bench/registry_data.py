"""A big book for the EXPLAIN proof and the book-page benchmark: one agency (slug ``registry-1m``)
whose central incoming book holds ``rows`` entries (1,000,000 by default), each with its letter.

Built by the owner role with ``INSERT … SELECT generate_series`` in chunks (RLS is FORCEd for the owner
too, so each chunk runs with the agency's scope settings), then ANALYZE. Idempotent: run again and it
only adds what is missing, so a second test run or benchmark reuses the rows.

The entries fill years backwards from 2568 (พ.ศ.), at most 100,000 a year (ten years for a million),
one every five minutes from 1 January 08:00, numbered 1..N per year in time order with matching
counters, so the book satisfies the registry invariants however often it is completed (a real
registration today starts 2569 at number 1). Urgency: 85% ปกติ, 10% ด่วน, 4% ด่วนมาก, 1% ด่วนที่สุด;
1% annulled (with a reason); subjects from 40 stock phrases plus a serial; 300 senders, plus one rare
sender (1 letter in 10,000).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import psycopg
from django.conf import settings

SLUG = "registry-1m"
PER_YEAR_MAX = 100_000  # one entry every 5 minutes from 1 January 08:00 stays inside the year
STEP_SECONDS = 300
LAST_YEAR = 2568  # all generated years are in the past: a real registration today starts 2569 at 1
CHUNK = 100_000

# One letter in 10,000 comes from this sender: a rare search term (the other senders are 1 in 300).
RARE_SENDER = "สำนักงานคณะกรรมการพิเศษเพื่อประสานงานโครงการอันเนื่องมาจากพระราชดำริ"

SUBJECTS = [
    "ขอเชิญประชุมคณะกรรมการบริหาร", "ขอความอนุเคราะห์ข้อมูลประกอบการพิจารณา", "แจ้งผลการพิจารณางบประมาณ",
    "ขอส่งรายงานผลการดำเนินงานประจำไตรมาส", "ขออนุมัติเดินทางไปราชการ", "ขอเชิญเข้าร่วมโครงการฝึกอบรม",
    "แจ้งกำหนดการตรวจราชการ", "ขอส่งสำเนาคำสั่งแต่งตั้ง", "ขอความร่วมมือประชาสัมพันธ์โครงการ",
    "ขอรับการสนับสนุนงบประมาณ", "แจ้งเวียนหนังสือสั่งการ", "ขอให้ตรวจสอบข้อเท็จจริง", "รายงานสถานการณ์อุทกภัย",
    "ขอเชิญร่วมพิธีวันสำคัญของชาติ", "ขอส่งแผนพัฒนาท้องถิ่น", "ขอความเห็นชอบร่างข้อบัญญัติ",
    "แจ้งการโอนงบประมาณรายจ่าย", "ขอรายชื่อผู้เข้ารับการอบรม", "ขอส่งเอกสารการเบิกจ่าย", "ขอให้รายงานผลการจัดเก็บภาษี",
    "แจ้งผลการสอบคัดเลือก", "ขอยืมตัวข้าราชการ", "ขอส่งรายงานการประชุมสภา", "ขอความอนุเคราะห์ใช้สถานที่",
    "แจ้งมาตรการป้องกันโรคติดต่อ", "ขอเชิญประชุมชี้แจงแนวทางปฏิบัติ", "ขอส่งบัญชีรายชื่อผู้มีสิทธิ",
    "ขออนุญาตขยายระยะเวลาก่อสร้าง", "แจ้งการเปลี่ยนแปลงผู้รับผิดชอบโครงการ", "ขอรับรองการปฏิบัติงาน",
    "ขอส่งคำขอรับเงินอุดหนุน", "แจ้งประกาศผลผู้ชนะการเสนอราคา", "ขอให้จัดส่งข้อมูลบุคลากร", "ขอหารือแนวทางการดำเนินงาน",
    "ขอเชิญส่งผลงานเข้าประกวด", "แจ้งผลการตรวจสอบภายใน", "ขอส่งแบบสำรวจความพึงพอใจ", "ขอความร่วมมือลดใช้พลังงาน",
    "แจ้งกำหนดการรับเสด็จ", "ขอส่งรายงานทางการเงินประจำปี",
]


@dataclass(frozen=True)
class BigBook:
    agency_id: int
    slug: str
    user_id: int
    membership_id: int
    book_id: int
    book_code: str
    rows: int
    built_now: int
    build_seconds: float


def _owner_dsn() -> str:
    d = settings.DATABASES["owner"]
    return psycopg.conninfo.make_conninfo(
        dbname=d["NAME"], user=d["USER"], password=d["PASSWORD"],
        host=d["HOST"] or d.get("OPTIONS", {}).get("host") or "127.0.0.1", port=str(d["PORT"] or 5432),
        application_name="eoffice-registry-1m-builder",
    )


def target_rows() -> int:
    return int(os.environ.get("EOFFICE_EXPLAIN_ROWS", "1000000"))


def _agency_and_clerk() -> tuple[int, int, int, int]:
    """(agency id, user id, membership id, central incoming book id), created on first use."""
    from documents.models import Book, BookKind
    from tenants.context import tenant_scope
    from tenants.models import Agency, Membership, User
    from tenants.roles import Role
    from tenants.services.org import agency_create, membership_create, user_create

    agency = Agency.objects.filter(slug=SLUG).first()
    if agency is None:
        agency = agency_create(
            actor=None, slug=SLUG, name_th="เทศบาลนครทดสอบหนึ่งล้านรายการ", kind="sao", province="นครราชสีมา",
            letter_code="นม", letter_number="52399",
        )
    username = f"{SLUG.replace('-', '_')}_clerk"
    user = User.objects.filter(username=username).first() or user_create(
        username=username, password=None, title_th="นาง", first_name_th="สารบรรณ", last_name_th="หนึ่งล้าน",
    )
    with tenant_scope(agency.pk):
        m = Membership.objects.filter(tenant_id=agency.pk, user=user).first() or membership_create(
            tenant_id=agency.pk, actor=None, user=user, roles=[Role.CENTRAL_CLERK, Role.OFFICER]
        )
        book = Book.objects.get(tenant_id=agency.pk, kind=BookKind.CENTRAL_INCOMING)
    return agency.pk, user.pk, m.pk, book.pk


def _fill_year(cur: psycopg.Cursor, *, tenant_id: int, user_id: int, book_id: int, year: int, have: int,
               want: int) -> None:
    """Numbers have+1..want of ``year``: letters first, then their entries (same order), then the counter."""
    start = f"{year - 543}-01-01 08:00:00+07"

    def at(col: str) -> str:  # registered_at: every five minutes in number order (strictly rising)
        return f"(timestamptz '{start}' + ({col} - 1) * interval '{STEP_SECONDS} seconds')"

    for lo in range(have + 1, want + 1, CHUNK):
        hi = min(want, lo + CHUNK - 1)
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bulk_ids (g int PRIMARY KEY, letter_id bigint) ON COMMIT DROP"
        )
        cur.execute("TRUNCATE bulk_ids")
        cur.execute(
            f"""WITH l AS (
                INSERT INTO documents_letter (tenant_id, kind, sub_kind, subject, letter_reference,
                    letter_reference_norm, letter_date, refers_to, enclosures, purpose, urgency, deliver_by, secrecy,
                    is_sealed, extra, created_by_id, created_at, sender_display, recipient_display)
                SELECT %(t)s, 'external', '', (%(subjects)s::text[])[1 + (g * 7919) %% {len(SUBJECTS)}]
                        || ' (' || g || '/' || %(y)s || ')',
                    'ที่ นม ' || (51000 + g %% 300) || '/' || g, 'ที่ นม ' || (51000 + g %% 300) || '/' || g,
                    ({at('g')})::date - 2, '', '', 'consider',
                    CASE WHEN g %% 100 = 0 THEN '004' WHEN g %% 25 = 1 THEN '003' WHEN g %% 10 = 2 THEN '002'
                         ELSE '001' END,
                    NULL, '001', false, '{{}}'::jsonb, %(u)s, {at('g')},
                    CASE WHEN g %% 10000 = 0 THEN %(rare)s
                         ELSE 'องค์การบริหารส่วนตำบลต้นแบบที่ ' || (1 + (g * 31) %% 300) END, 'นายกเทศมนตรีนครทดสอบ'
                FROM generate_series(%(lo)s::int, %(hi)s::int) g
                RETURNING id, created_at)
            INSERT INTO bulk_ids (g, letter_id) SELECT %(lo)s - 1 + row_number() OVER (ORDER BY id), id FROM l""",
            {"t": tenant_id, "u": user_id, "y": year, "lo": lo, "hi": hi, "subjects": SUBJECTS, "rare": RARE_SENDER},
        )
        cur.execute(
            f"""INSERT INTO documents_registryentry (tenant_id, book_id, year, number, reference, reference_norm,
                    letter_id, status, registered_at, received_at, channel, digest, idempotency_key, note,
                    created_by_id, annulled_at, annulled_by_id, annul_reason, stamped_at, parent_id)
                SELECT %(t)s, %(b)s, %(y)s, b.g, '', '', b.letter_id,
                    CASE WHEN b.g %% 100 = 50 THEN 'annulled' ELSE 'registered' END, {at('b.g')},
                    {at('b.g')}, 'scan', '', NULL, '', %(u)s,
                    CASE WHEN b.g %% 100 = 50 THEN {at('b.g')} END,
                    CASE WHEN b.g %% 100 = 50 THEN %(u)s END,
                    CASE WHEN b.g %% 100 = 50 THEN 'ลงทะเบียนซ้ำ' ELSE '' END, NULL, NULL
                FROM bulk_ids b ORDER BY b.g""",
            {"t": tenant_id, "b": book_id, "y": year, "u": user_id},
        )
    cur.execute(
        "INSERT INTO documents_bookcounter (tenant_id, book_id, year, last_number) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (book_id, year) DO UPDATE SET last_number = GREATEST(documents_bookcounter.last_number,"
        " EXCLUDED.last_number)",
        [tenant_id, book_id, year, want],
    )


def years_for(rows: int) -> list[tuple[int, int]]:
    """[(year, entries wanted)], newest first."""
    out, left, year = [], rows, LAST_YEAR
    while left > 0:
        n = min(PER_YEAR_MAX, left)
        out.append((year, n))
        left -= n
        year -= 1
    return out


def _build_years(years: list[tuple[int, int]], *, agency_id: int, user_id: int, book_id: int, log) -> int:  # type: ignore[no-untyped-def]
    built = 0
    with psycopg.connect(_owner_dsn(), autocommit=True) as owner:
        for year, want in years:
            with owner.transaction(), owner.cursor() as cur:
                cur.execute(
                    "SELECT set_config('app.write_tenant', %s, true), set_config('app.read_tenants', %s, true),"
                    " set_config('synchronous_commit', 'off', true), set_config('work_mem', '64MB', true)",
                    [str(agency_id), "{" + str(agency_id) + "}"],
                )
                cur.execute(
                    "SELECT COALESCE(max(number), 0) FROM documents_registryentry WHERE tenant_id = %s AND book_id = %s"
                    " AND year = %s", [agency_id, book_id, year],
                )
                have = cur.fetchone()[0]
                if have >= want:
                    continue
                log(f"  building {SLUG}: {year} entries {have + 1:,}..{want:,}")
                _fill_year(cur, tenant_id=agency_id, user_id=user_id, book_id=book_id, year=year, have=have, want=want)
                built += want - have
    return built


def big_book(rows: int | None = None, *, log=print, parallel: int = 2) -> BigBook:  # type: ignore[no-untyped-def]
    """The agency with ``rows`` entries in its central incoming book (built or completed now, on
    ``parallel`` owner connections, one year per transaction)."""
    from concurrent.futures import ThreadPoolExecutor

    rows = target_rows() if rows is None else rows
    agency_id, user_id, membership_id, book_id = _agency_and_clerk()
    years = years_for(rows)
    started = time.perf_counter()
    shares = [years[i::parallel] for i in range(parallel)]
    with ThreadPoolExecutor(parallel) as pool:
        built = sum(pool.map(
            lambda share: _build_years(share, agency_id=agency_id, user_id=user_id, book_id=book_id, log=log), shares
        ))
    if built:
        with psycopg.connect(_owner_dsn(), autocommit=True) as owner:
            owner.execute("ANALYZE documents_letter")
            owner.execute("ANALYZE documents_registryentry")
            owner.execute("ANALYZE documents_bookcounter")
    return BigBook(agency_id, SLUG, user_id, membership_id, book_id, "rcv", rows, built,
                   time.perf_counter() - started)
