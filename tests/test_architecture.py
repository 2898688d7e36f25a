"""The layering is a contract: import-linter (config in pyproject.toml) must keep every contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_signals_for_domain_flow():
    """Domain flow is explicit calls, never Django signals (infrastructure hooks in apps.py excepted)."""
    offenders = []
    for path in list((ROOT / "tenants").rglob("*.py")) + list((ROOT / "documents").rglob("*.py")) + list(
        (ROOT / "signatures").rglob("*.py")
    ):
        if path.name == "apps.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "django.db.models.signals" in text or "@receiver" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
