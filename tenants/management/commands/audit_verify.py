"""Verify the audit hash chains: every agency's chain (or one with ``--agency``) and the system chain.

Prints ``OK <chain>: N events`` per sound chain, or the first problems of a broken one with where they
are (chain, seq, and what: altered / deleted / reordered / truncated tail / forged / broken link).
Exit code 1 on any problem. Read-only; runs as the app role.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from tenants.models import Agency
from tenants.services.audit import audit_verify_all


class Command(BaseCommand):
    help = "ตรวจสอบสายโซ่แฮชของบันทึกการตรวจสอบ (verify the audit hash chains)"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--agency", help="verify only this agency's chain (slug); the system chain is skipped")
        parser.add_argument("--max-problems", type=int, default=10, help="problems listed per chain (default 10)")

    def handle(self, *args, agency: str | None = None, max_problems: int = 10, **options) -> None:  # type: ignore[no-untyped-def]
        agencies = Agency.objects.order_by("id")
        if agency:
            agencies = agencies.filter(slug=agency)
            if not agencies.exists():
                raise CommandError(f"no agency with slug {agency!r}")
        names = dict(agencies.values_list("id", "slug"))
        reports = audit_verify_all(tenant_ids=list(names), include_system=not agency)
        broken = 0
        for report in reports:
            tid = int(report.chain.split(":", 1)[1]) if report.chain.startswith("tenant:") else None
            label = f"{report.chain} ({names[tid]})" if tid is not None else report.chain
            if report.ok:
                self.stdout.write(f"OK {label}: {report.events} events")
                continue
            broken += 1
            self.stdout.write(f"BROKEN {label}: {report.events} events, {len(report.problems)} problem(s)")
            for p in report.problems[:max_problems]:
                self.stdout.write(f"  {p.chain} seq {p.seq}: {p.kind}: {p.problem}")
            if len(report.problems) > max_problems:
                self.stdout.write(f"  … {len(report.problems) - max_problems} more")
        if broken:
            self.stderr.write(f"{broken} chain(s) failed verification")
            sys.exit(1)
        self.stdout.write(f"all {len(reports)} chain(s) verified")
