"""Compile every locale/*/LC_MESSAGES/*.po to .mo with polib (pure Python; no gettext binaries)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # runs at set-up, before the rest of the project is ready
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo with polib (แปลงไฟล์แปลภาษา .po เป็น .mo)."

    def handle(self, *args: Any, **options: Any) -> None:
        roots = [Path(p) for p in getattr(settings, "LOCALE_PATHS", [])] or [Path(settings.BASE_DIR) / "locale"]
        count = 0
        for root in roots:
            for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
                try:
                    po = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                mo_path = po_path.with_suffix(".mo")
                po.save_as_mofile(str(mo_path))
                count += 1
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{po_path} → {mo_path} ({po.percent_translated()}% translated)")
        self.stdout.write(f"compiled {count} catalogue(s)")
