"""The role matrix: docs/security.md prints tenants/roles.py's MATRIX (role x action -> scope)
between ``<!-- matrix:start -->`` and ``<!-- matrix:end -->``; this test regenerates the table from
code and fails if the doc differs. Then ``Actor.can`` for every role x action x target (own agency,
a supervised agency, an unsupervised one).

Regenerate the doc table: ``python -m tests.tenancy.test_roles_matrix`` (prints it).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tenants.permissions import Actor, reach_for
from tenants.roles import MATRIX, Action, Role, Scope

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"


def render_matrix() -> str:
    roles = list(Role)
    head = "| Action | " + " | ".join(f"`{r.value}`" for r in roles) + " |"
    sep = "|---|" + "---|" * len(roles)
    rows = [head, sep]
    for action in Action:
        cells = [MATRIX.get(action, {}).get(r) for r in roles]
        rows.append(f"| `{action.value}` {action.label} | " + " | ".join(c.value if c else "—" for c in cells) + " |")
    return "\n".join(rows)


def test_doc_prints_the_matrix_from_code():
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, f"{DOC} lacks the matrix markers"
    printed = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert printed == render_matrix(), (
        "docs/security.md's role matrix differs from tenants/roles.py. Paste the output of "
        "`python -m tests.tenancy.test_roles_matrix` between the markers."
    )


OWN, SUPERVISED, UNSUPERVISED = 10, 20, 30


def _actor(role: Role) -> Actor:
    roles = frozenset({role})
    return Actor(user_id=1, agency_id=OWN, membership_id=1, unit_id=None, roles=roles,
                 reach=reach_for(agency_id=OWN, roles=roles, supervised_ids=[SUPERVISED]))


def _expected(scope: Scope | None, target: int) -> bool:
    if scope is None:
        return False
    if target == OWN:
        return True  # own/unit/agency scopes are narrowed further by the view, never across agencies
    if target == SUPERVISED:
        return scope in (Scope.JURISDICTION, Scope.SYSTEM)
    return scope == Scope.SYSTEM


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)), ids=lambda x: str(x.value))
def test_actor_can(role, action):
    actor = _actor(role)
    scope = MATRIX.get(action, {}).get(role)
    for target, label in ((OWN, "own"), (SUPERVISED, "supervised"), (UNSUPERVISED, "unsupervised")):
        assert actor.can(action, target_agency_id=target) is _expected(scope, target), (role, action, label)
    assert actor.can(action) is (scope is not None)


def test_spot_checks():
    auditor, clerk, admin, prov = (_actor(r) for r in (Role.AUDITOR, Role.CENTRAL_CLERK, Role.AGENCY_ADMIN,
                                                       Role.PROVINCIAL_ADMIN))
    assert auditor.can(Action.REGISTRY_READ, target_agency_id=SUPERVISED)
    assert not auditor.can(Action.REGISTRY_CENTRAL_WRITE)
    assert not auditor.can(Action.AUDIT_VIEW, target_agency_id=UNSUPERVISED)
    assert clerk.can(Action.REGISTRY_CENTRAL_WRITE) and not clerk.can(Action.REGISTRY_CENTRAL_WRITE, target_agency_id=SUPERVISED)
    assert admin.can(Action.MEMBERS_MANAGE) and not admin.can(Action.MEMBERS_MANAGE, target_agency_id=SUPERVISED)
    assert admin.reach == (OWN,)  # an agency admin's read list is its own agency only
    assert prov.can(Action.AGENCY_CREATE) and prov.reach == (OWN, SUPERVISED)
    sysadmin = _actor(Role.SYSTEM_ADMIN)
    assert sysadmin.can(Action.AUDIT_VERIFY, target_agency_id=UNSUPERVISED)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eoffice.settings")
    django.setup()
    print(render_matrix())
