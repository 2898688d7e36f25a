"""Run the job reconciler once: re-dispatch jobs whose lease ran out or whose message was never sent
or was lost, and mark jobs that ran out of attempts as failed. Prints the counts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tenants.services.jobs import jobs_reconcile


class Command(BaseCommand):
    help = "ส่งงานเบื้องหลังที่ค้างกลับเข้าคิวอีกครั้ง (run the job reconciler once)"

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        counts = jobs_reconcile()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
