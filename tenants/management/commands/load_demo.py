"""Load the จังหวัดนครราชสีมา (Korat) demo: agencies, supervision, org units, positions, people, logins.

Runs as the app role (refuses the owner or any role that bypasses RLS), through the services in
``tenants.services.org`` only: ``agency_create(actor=None)`` is the bootstrap path, every tenant write
runs inside ``tenant_scope(agency.pk)``. Idempotent: an agency that exists (by slug) is left as it is,
a person who exists (by username) is not touched again, a membership that exists is skipped; a second
run changes nothing and says so. Everything is one transaction (all or nothing).

The data lives in ``tenants/demo/korat.py``; docs/demo.md describes it. The password of every demo
login is ``$EOFFICE_DEMO_PASSWORD`` (default ``korat-demo-2569``): demo only.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tenants.context import tenant_scope
from tenants.demo import korat
from tenants.models import Agency, Membership, OrgUnit, Position, Supervision, User
from tenants.services import org

DEFAULT_LOGINS_FILE = Path(settings.BASE_DIR) / ".devdata" / "demo-logins.txt"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load the Nakhon Ratchasima (Korat) demo tenants and logins. Idempotent; runs as the app role."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--logins-file", default=str(DEFAULT_LOGINS_FILE),
            help="where to write the table of demo logins (default .devdata/demo-logins.txt)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._refuse_privileged_role()
        started = time.monotonic()
        password = os.environ.get(korat.PASSWORD_ENV) or korat.PASSWORD_DEFAULT
        self.counts: Counter[str] = Counter()
        with transaction.atomic():
            agencies = self._agencies()
            self._supervision(agencies)
            self._people(agencies, password)
        elapsed = time.monotonic() - started
        if not self.counts:
            self.stdout.write(
                "ข้อมูลสาธิตจังหวัดนครราชสีมามีครบแล้ว ไม่มีการเปลี่ยนแปลง / "
                f"Korat demo data already loaded; nothing changed ({elapsed:.1f}s)."
            )
        else:
            made = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items()))
            self.stdout.write(self.style.SUCCESS(f"Korat demo data loaded: {made} ({elapsed:.1f}s)."))
        table = self._logins_table(agencies, password)
        self._write_logins(Path(options["logins_file"]), table)
        self.stdout.write(table)

    # -- safety -------------------------------------------------------------------------------------------
    def _refuse_privileged_role(self) -> None:
        with connection.cursor() as cur:
            cur.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            user, is_super, bypass = cur.fetchone()
        owner = settings.DATABASES.get("owner", {}).get("USER")
        if is_super or bypass or user == owner:
            raise CommandError(
                f"load_demo ต้องรันด้วยบทบาทของแอป (app role) ไม่ใช่ {user} / "
                f"load_demo runs as the app role (DATABASE_URL), not as {user} (owner, superuser or BYPASSRLS)."
            )

    # -- agencies and their org structure -------------------------------------------------------------------
    def _agencies(self) -> dict[str, Agency]:
        slugs = [a["slug"] for a in korat.AGENCIES]
        agencies = {a.slug: a for a in Agency.objects.filter(slug__in=slugs)}
        for spec in korat.AGENCIES:
            if spec["slug"] in agencies:
                continue
            agency = org.agency_create(
                actor=None, slug=spec["slug"], name_th=spec["name_th"], name_en=spec["name_en"], kind=spec["kind"],
                province=korat.PROVINCE, district=spec["district"], letter_code=korat.LETTER_CODE,
                letter_number=spec["letter_number"], saraban_email=f"saraban@{spec['slug']}.demo.go.th",
            )
            agencies[agency.slug] = agency
            self.counts["agencies"] += 1
            with tenant_scope(agency.pk):
                self._structure(agency, spec)
        for agency in agencies.values():  # idempotent: standard books + one incoming book per unit
            org.agency_provision(agency=agency)
        return agencies

    def _structure(self, agency: Agency, spec: dict[str, Any]) -> None:
        fill = {"name": agency.name_th, "place": spec["place"], "n": spec["letter_number"]}
        structure = korat.STRUCTURES[spec["structure"]]
        units: dict[str, OrgUnit] = {}

        def make(items: list[dict[str, Any]], parent: OrgUnit | None) -> None:
            for order, u in enumerate(items, start=1):
                unit = org.org_unit_create(
                    tenant_id=agency.pk, actor=None, name_th=u["name"].format(**fill), kind=u["kind"], parent=parent,
                    unit_number=u.get("number", "").format(**fill), sort_order=order,
                )
                units[unit.name_th] = unit
                self.counts["org units"] += 1
                make(u.get("children", []), unit)

        make(structure["units"], None)
        for order, p in enumerate(structure["positions"], start=1):
            unit_name = p.get("unit")
            pos = org.position_create(
                tenant_id=agency.pk, actor=None, title_th=p["title"].format(**fill),
                unit=units[unit_name.format(**fill)] if unit_name else None, line_position=p.get("line", ""),
                level=p.get("level", ""), is_elected=p.get("elected", False), is_executive=p.get("executive", False),
                sort_order=order,
            )
            self.counts["positions"] += 1
            for role in p.get("grants", []):
                org.role_grant(tenant_id=agency.pk, actor=None, role=role, position=pos)

    def _supervision(self, agencies: dict[str, Agency]) -> None:
        for spec in korat.AGENCIES:
            if not spec["supervisor"]:
                continue
            supervisor, supervised = agencies[spec["supervisor"]], agencies[spec["slug"]]
            if not Supervision.objects.filter(supervisor=supervisor, supervised=supervised).exists():
                org.supervision_add(supervisor=supervisor, supervised=supervised)
                self.counts["supervision links"] += 1

    # -- people ---------------------------------------------------------------------------------------------
    def _people(self, agencies: dict[str, Agency], password: str) -> None:
        usernames = [p["username"] for p in korat.PEOPLE]
        users = {u.username: u for u in User.objects.filter(username__in=usernames)}
        for person in korat.PEOPLE:
            user = users.get(person["username"])
            if user is None:
                user = org.user_create(
                    username=person["username"], password=password if person["login"] else None,
                    title_th=person["title_th"], first_name_th=person["first_name_th"],
                    last_name_th=person["last_name_th"], first_name=person["first_name"],
                    last_name=person["last_name"], is_system_admin=person.get("is_system_admin", False),
                    skip_password_validation=True,
                )
                self.counts["people"] += 1
            for m in person["memberships"]:
                self._membership(agencies[m["agency"]], user, m)

    def _membership(self, agency: Agency, user: User, spec: dict[str, Any]) -> None:
        with tenant_scope(agency.pk):
            if Membership.objects.filter(tenant_id=agency.pk, user=user).exists():
                return
            unit = self._unit(agency, spec.get("unit"))
            membership = org.membership_create(tenant_id=agency.pk, actor=None, user=user, unit=unit)
            self.counts["memberships"] += 1
            for role in spec["roles"]:
                org.role_grant(
                    tenant_id=agency.pk, actor=None, membership=membership, role=role,
                    unit=self._unit(agency, spec.get("role_unit")),
                )
            for a in spec["positions"]:
                position = Position.objects.get(tenant_id=agency.pk, title_th=a["title"])
                org.position_assign(
                    tenant_id=agency.pk, actor=None, position=position, membership=membership, kind=a["kind"],
                    starts_on=_date(a["starts_on"]), ends_on=_date(a.get("ends_on")),
                    order_reference=a.get("order", ""),
                )

    @staticmethod
    def _unit(agency: Agency, name: str | None) -> OrgUnit | None:
        return OrgUnit.objects.get(tenant_id=agency.pk, name_th=name) if name else None

    # -- the logins table -------------------------------------------------------------------------------------
    def _logins_table(self, agencies: dict[str, Agency], password: str) -> str:
        shown = password if password == korat.PASSWORD_DEFAULT else f"(${korat.PASSWORD_ENV})"
        lines = [
            "# Korat demo logins (ข้อมูลสาธิต) - DEMO ONLY, never on a real installation",
            f"# password for every login: {shown}",
            f"# {'role':<18} {'username':<15} {'agency':<36} {'path':<22} what",
        ]
        for person in korat.PEOPLE:
            if not person["login"]:
                continue
            for m in person["memberships"]:
                roles = list(m["roles"]) or (["system_admin"] if person.get("is_system_admin") else ["head (position)"])
                role = ",".join(roles)
                agency = agencies[m["agency"]]
                path = f"/a/{agency.slug}/"
                lines.append(f"  {role:<18} {person['username']:<15} {agency.name_th:<36} {path:<22} {person['label']}")
        return "\n".join(lines) + "\n"

    def _write_logins(self, path: Path, table: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != table:
            path.write_text(table, encoding="utf-8")
