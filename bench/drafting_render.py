"""The outgoing-letter renderer: ``render_letter`` (template, sanitiser, QR code, tagged PDF/A-3u, the
/ActualText patch) beside bare WeasyPrint writing the SAME HTML document to a plain PDF (same fonts,
same assets, same ActualText patch, no PDF/A, no tags), in alternating rounds.

    python bench/run.py drafting_render               # or: python bench/drafting_render.py --samples 40

No database. Targets: median < 300 ms for a two-page external letter, ratio ≤ 1.2x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.registry_common import RegistryResult, pct  # noqa: E402

TARGET_MEDIAN_MS = 300.0
TARGET_RATIO = 1.2


def _layout(paragraphs: int):  # type: ignore[no-untyped-def]
    from datetime import date

    from documents.drafting.render import LetterLayout

    body = "".join(
        f"<p>ย่อหน้าที่ {n} ด้วยองค์การบริหารส่วนตำบลหนองระเวียงจะจัดงานวันเด็กแห่งชาติ ประจำปี 2570 จึงขอความ"
        "อนุเคราะห์ใช้น้ำประปาและสถานที่ ณ ที่นั่น เพื่อให้เด็กและเยาวชนได้ร่วมกิจกรรม</p>" for n in range(paragraphs)
    )
    return LetterLayout(
        form="external", agency_name="องค์การบริหารส่วนตำบลหนองระเวียง",
        agency_address="อำเภอเมืองนครราชสีมา\nจังหวัดนครราชสีมา 30000", number_text="นม 52301/123",
        letter_date=date(2026, 12, 4), subject="ขอความอนุเคราะห์ใช้สถานที่", recipient="ผู้ว่าราชการจังหวัดนครราชสีมา",
        refers_to=["หนังสือจังหวัด ที่ นม 0023/456 ลงวันที่ 1 ธันวาคม 2569"], enclosures=["โครงการ จำนวน 1 ชุด"],
        body_html=body, signer_name="นายสมชาย ใจดี", signer_position="นายกองค์การบริหารส่วนตำบลหนองระเวียง",
        owner_unit="สำนักปลัด", contact_lines=["โทร. 0 4420 0000"], copies_to=["นายอำเภอเมืองนครราชสีมา"],
        urgency="003", secrecy="002", qr_url="https://eoffice.example/v/3f9a1c0b7e2d5a44",
    )


def run(*, samples: int, paragraphs: int = 14, smoke: bool = False) -> RegistryResult:
    from weasyprint import HTML

    from documents.drafting.render import render_letter
    from documents.drafting.render.engine import Assets, locked_fetcher
    from documents.drafting.render.letter import letter_document_html
    from documents.registry.stamp import install_weasyprint_actualtext_patch_process_wide, thread_font_config

    install_weasyprint_actualtext_patch_process_wide()
    layout = _layout(paragraphs)
    assets = Assets()
    html = letter_document_html(layout, assets)

    def figure() -> bytes:
        return render_letter(layout)

    def floor() -> bytes:
        return HTML(string=html, url_fetcher=locked_fetcher(assets), base_url=None).write_pdf(
            font_config=thread_font_config()
        )

    for fn in (figure, floor, figure, floor):  # warm-up: fonts loaded, templates compiled
        fn()
    fig_ms: list[float] = []
    floor_ms: list[float] = []
    pages = 0
    for i in range(samples * 2):
        fn, out = (figure, fig_ms) if i % 2 == 0 else (floor, floor_ms)
        t0 = time.perf_counter()
        pdf = fn()
        out.append((time.perf_counter() - t0) * 1000)
        if not pages:
            import io

            import pikepdf

            with pikepdf.open(io.BytesIO(pdf)) as doc:
                pages = len(doc.pages)
    f50, b50 = statistics.median(fig_ms), statistics.median(floor_ms)
    ratio = f50 / b50
    verdict = ("meets" if f50 < TARGET_MEDIAN_MS and ratio <= TARGET_RATIO else "MISSES")
    if smoke:
        verdict = "smoke run (too few rounds to judge)"
    return RegistryResult(
        "drafting_render",
        f"render_letter median {f50:.0f} ms, p95 {pct(fig_ms, 95):.0f} ms ({pages}-page external letter, PDF/A-3u, tagged)",
        f"bare WeasyPrint, same HTML, plain PDF: median {b50:.0f} ms, p95 {pct(floor_ms, 95):.0f} ms",
        ratio, f"median {ratio:.2f}x the floor",
        f"{verdict}: targets (median < {TARGET_MEDIAN_MS:.0f} ms, ratio ≤ {TARGET_RATIO}x); {samples} rounds each",
    )


def bench(n: int, *, smoke: bool) -> RegistryResult:
    """bench/run.py entry: ``n`` = rounds of each. Smoke: a one-page letter, ``n`` rounds."""
    return run(samples=n, paragraphs=2 if smoke else 14, smoke=smoke)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")
    import django

    django.setup()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=40)
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    print("\n".join(bench(3 if a.smoke else a.samples, smoke=a.smoke).lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
