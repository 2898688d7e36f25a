"""Database-level walls: RLS migration operations, append-only triggers, explicit grants to the app
role, and the tenant cursor guard.

Every migration that creates a table with a ``tenant_id`` column adds ``EnableTenantRLS(table)``.
``tests/tenancy/test_catalog.py`` reads ``pg_catalog`` and fails for any table with ``tenant_id`` that
lacks FORCE and both policies, and for any other table not on its reviewed allow-list.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db import connections, transaction
from django.db.migrations.operations.base import Operation

from tenants.context import TenantScopeMissing

# --- functions the policies read --------------------------------------------------------------------
# Fail closed: an unset or empty setting gives an empty list / NULL, so no rows, never all rows.
POLICY_FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION eoffice_read_tenants() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT COALESCE(NULLIF(current_setting('app.read_tenants', true), '')::bigint[], '{}'::bigint[]) $$;

CREATE OR REPLACE FUNCTION eoffice_write_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT NULLIF(current_setting('app.write_tenant', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION eoffice_current_user_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT NULLIF(current_setting('app.user_id', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION eoffice_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$ BEGIN
    RAISE EXCEPTION 'table % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""

POLICY_FUNCTIONS_REVERSE_SQL = """
DROP FUNCTION IF EXISTS eoffice_refuse_change();
DROP FUNCTION IF EXISTS eoffice_current_user_id();
DROP FUNCTION IF EXISTS eoffice_write_tenant();
DROP FUNCTION IF EXISTS eoffice_read_tenants();
"""


class EnableTenantRLS(Operation):
    """ENABLE + FORCE row-level security with the two standard policies:

    - ``tenant_read``  FOR SELECT USING tenant_id = ANY(readable agencies)
    - ``tenant_write`` FOR ALL USING/WITH CHECK tenant_id = the acting agency
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, extra_read_using: str | None = None):
        self.table = table
        self.extra_read_using = extra_read_using

    def state_forwards(self, app_label, state):  # type: ignore[no-untyped-def]
        pass

    def _sql(self) -> list[str]:
        t = self.table
        read = "tenant_id = ANY (eoffice_read_tenants())"
        if self.extra_read_using:
            read = f"({read}) OR ({self.extra_read_using})"
        return [
            f'ALTER TABLE "{t}" ENABLE ROW LEVEL SECURITY',
            f'ALTER TABLE "{t}" FORCE ROW LEVEL SECURITY',
            f'CREATE POLICY tenant_read ON "{t}" FOR SELECT USING ({read})',
            f'CREATE POLICY tenant_write ON "{t}" FOR ALL USING (tenant_id = eoffice_write_tenant())'
            " WITH CHECK (tenant_id = eoffice_write_tenant())",
        ]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        for sql in self._sql():
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        t = self.table
        for sql in (
            f'DROP POLICY IF EXISTS tenant_write ON "{t}"',
            f'DROP POLICY IF EXISTS tenant_read ON "{t}"',
            f'ALTER TABLE "{t}" NO FORCE ROW LEVEL SECURITY',
            f'ALTER TABLE "{t}" DISABLE ROW LEVEL SECURITY',
        ):
            schema_editor.execute(sql)

    def describe(self) -> str:
        return f"Enable tenant RLS on {self.table}"

    def deconstruct(self):  # type: ignore[no-untyped-def]
        kwargs = {"table": self.table}
        if self.extra_read_using:
            kwargs["extra_read_using"] = self.extra_read_using
        return (self.__class__.__qualname__, [], kwargs)


class MakeAppendOnly(Operation):
    """A trigger that refuses UPDATE and DELETE (a second lock besides the app role's grants)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):  # type: ignore[no-untyped-def]
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        schema_editor.execute(
            f'CREATE TRIGGER "{self.table}_append_only" BEFORE UPDATE OR DELETE ON "{self.table}"'
            " FOR EACH ROW EXECUTE FUNCTION eoffice_refuse_change()"
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{self.table}_no_truncate" BEFORE TRUNCATE ON "{self.table}"'
            " FOR EACH STATEMENT EXECUTE FUNCTION eoffice_refuse_change()"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):  # type: ignore[no-untyped-def]
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self.table}_append_only" ON "{self.table}"')
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self.table}_no_truncate" ON "{self.table}"')

    def describe(self) -> str:
        return f"Make {self.table} append-only"

    def deconstruct(self):  # type: ignore[no-untyped-def]
        return (self.__class__.__qualname__, [], {"table": self.table})


# --- explicit grants to the app role ----------------------------------------------------------------
FULL_DML = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Tables whose app-role privileges differ from full DML. Anything else in the schema gets FULL_DML;
# tests/tenancy/test_grants.py compares the catalog with this declaration table by table.
APP_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "tenants_auditevent": ("SELECT", "INSERT"),
    "tenants_systemauditevent": ("SELECT", "INSERT"),
    "django_migrations": ("SELECT",),
    "django_content_type": ("SELECT",),
    "auth_permission": ("SELECT",),
    # registry (issue 3): amendments are append-only; only the owner moves the injectable clock
    "documents_entryamendment": ("SELECT", "INSERT"),
    "documents_clockoverride": ("SELECT",),
    # handling (issue 4): the timeline is append-only
    "documents_handlingevent": ("SELECT", "INSERT"),
}


def app_privileges_for(table: str) -> tuple[str, ...]:
    return APP_PRIVILEGES.get(table, FULL_DML)


def grant_app_role(*, using: str = "owner", app_role: str) -> list[str]:
    """GRANT each table in the public schema to the app role, exactly as declared. Run as the owner
    after every migrate (``manage.py migrate --database owner`` triggers it)."""
    statements: list[str] = []
    conn = connections[using]
    # One transaction: the app role never sees a moment with its privileges revoked.
    with transaction.atomic(using=using), conn.cursor() as cur:
        cur.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
        tables = [r[0] for r in cur.fetchall()]
        statements.append(f'REVOKE CREATE ON SCHEMA public FROM "{app_role}"')
        statements.append(f'GRANT USAGE ON SCHEMA public TO "{app_role}"')
        for t in tables:
            statements.append(f'REVOKE ALL ON TABLE "{t}" FROM "{app_role}"')
            statements.append(f'GRANT {", ".join(app_privileges_for(t))} ON TABLE "{t}" TO "{app_role}"')
        statements.append(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app_role}"')
        for sql in statements:
            cur.execute(sql)
    return statements


# --- the tenant cursor guard -------------------------------------------------------------------------
_DML = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)
_tables_re: re.Pattern[str] | None = None


def tenant_tables() -> list[str]:
    """Every Django-managed table with a ``tenant_id`` column."""
    names = []
    for model in apps.get_models(include_auto_created=True):
        if any(f.column == "tenant_id" for f in model._meta.local_fields):
            names.append(model._meta.db_table)
    return sorted(set(names))


def _pattern() -> re.Pattern[str]:
    global _tables_re
    if _tables_re is None:
        names = "|".join(re.escape(t) for t in tenant_tables())
        _tables_re = re.compile(rf"\b({names})\b" if names else r"(?!x)x")
    return _tables_re


def guard_hook(conn, sql: str) -> None:  # type: ignore[no-untyped-def]
    if conn.scope_depth > 0:
        return
    if not _DML.match(sql):
        return
    m = _pattern().search(sql)
    if m:
        raise TenantScopeMissing(
            f"query on tenant table {m.group(0)} with no tenant scope on connection {conn.alias!r}: "
            "open tenants.context.tenant_scope() (RLS would silently return nothing)"
        )
