"""The escape hatches are loud and allow-listed (wall 2). Any use of ``dangerously_unscoped(``,
``dangerously_read_all_tenants(`` or the private ``_scope(`` outside the reviewed files below fails.
Tests are not searched (they use the hatches on purpose). Checked: adding a call to
``OrgUnit.objects.dangerously_unscoped()`` in tenants/selectors.py makes this test fail.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "tests", ".git", "static", "staticfiles", "locale", "__pycache__"}
HATCHES = re.compile(r"\b(dangerously_unscoped|dangerously_read_all_tenants|_scope)\(")

# file -> {hatch: reason}. Each use is reviewed; each is covered by a test.
ALLOWED: dict[str, dict[str, str]] = {
    "tenants/managers.py": {"dangerously_unscoped": "the definition"},
    "tenants/context.py": {
        "dangerously_read_all_tenants": "the definition",
        "_scope": "the definition; tenant_scope/user_scope build on it",
    },
    "tenants/middleware.py": {
        "dangerously_read_all_tenants": "Django admin for system admins: read-only over every agency "
        "(writes fail by RLS: no write tenant); swept in test_sweep (admin:*)",
    },
    "tenants/services/jobs.py": {
        "dangerously_read_all_tenants": "the job reconciler scans unfinished jobs of every agency (read-only), "
        "then acts in each job's own tenant_scope",
    },
    "tenants/services/audit.py": {
        "dangerously_read_all_tenants": "audit verification walks the chains of the agencies asked for "
        "(read-only, REPEATABLE READ); tests/kernel/test_audit.py",
        "_scope": "audit_system_now: an EMPTY scope (reads nothing) on the side connection for the global system chain",
    },
}


def _uses() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if set(rel.parts) & SKIP_DIRS:
            continue
        text = path.read_text(encoding="utf-8")
        names = set(HATCHES.findall(text))
        if names:
            found[rel.as_posix()] = names
    return found


def test_escape_hatches_only_in_reviewed_files():
    unreviewed = []
    for rel, names in sorted(_uses().items()):
        for name in sorted(names):
            if name not in ALLOWED.get(rel, {}):
                unreviewed.append(f"{rel}: {name}(")
    assert not unreviewed, (
        "escape hatch used outside the reviewed allow-list (tests/tenancy/test_escape_hatches.py ALLOWED): "
        + ", ".join(unreviewed) + ". Use tenant_scope() and the fail-closed manager instead, or get the use "
        "reviewed and add it with a reason and a test."
    )


def test_allow_list_has_no_stale_entries():
    uses = _uses()
    stale = [f"{rel}: {name}" for rel, names in ALLOWED.items() for name in names if name not in uses.get(rel, set())]
    assert not stale, f"allow-listed but no longer used (remove): {stale}"
