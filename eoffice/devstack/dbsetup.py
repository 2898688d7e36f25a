"""Create the two database roles and the database, through a superuser connection.

Same shape as production (docs/security.md): ``eoffice_owner`` owns the database and schema public and
runs migrations; ``eoffice_app`` logs in for every request and task and is NOSUPERUSER NOBYPASSRLS,
with CONNECT only (table privileges come from ``tenants.db.grant_app_role`` after migrate). PUBLIC
gets nothing. The superuser connection is used for this and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg.conninfo import conninfo_to_dict, make_conninfo

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ident(name: str) -> str:
    """Role and database names are plain lower-case identifiers; anything else is refused."""
    if not _IDENT.match(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class DbPlan:
    database: str
    owner: str
    owner_password: str
    app: str
    app_password: str

    @classmethod
    def from_urls(cls, *, app_url: str, owner_url: str) -> DbPlan:
        app = conninfo_to_dict(app_url)
        owner = conninfo_to_dict(owner_url)
        if app.get("dbname") != owner.get("dbname"):
            raise ValueError("DATABASE_URL and MIGRATION_DATABASE_URL must name the same database")
        if app.get("user") == owner.get("user"):
            raise ValueError("the app role and the owner role must be different roles")
        return cls(
            database=str(app["dbname"]), owner=str(owner["user"]), owner_password=str(owner.get("password") or ""),
            app=str(app["user"]), app_password=str(app.get("password") or ""),
        )


def role_sql(plan: DbPlan) -> str:
    """Create both roles if missing (one DO block, as in /tmp/mkdb.sh); existing roles are kept."""
    owner, app = ident(plan.owner), ident(plan.app)
    owner_pw = f" PASSWORD {literal(plan.owner_password)}" if plan.owner_password else ""
    app_pw = f" PASSWORD {literal(plan.app_password)}" if plan.app_password else ""
    return (
        "DO $eoffice$ BEGIN\n"
        f"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {literal(owner)}) THEN\n"
        f"    CREATE ROLE {owner} LOGIN NOSUPERUSER NOBYPASSRLS{owner_pw};\n"
        "  END IF;\n"
        f"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {literal(app)}) THEN\n"
        f"    CREATE ROLE {app} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE{app_pw};\n"
        "  END IF;\n"
        "END $eoffice$"
    )


def database_sql(plan: DbPlan, *, fresh: bool, exists: bool) -> list[str]:
    """Statements on the maintenance database (autocommit; CREATE DATABASE can't run in a transaction)."""
    db, owner, app = ident(plan.database), ident(plan.owner), ident(plan.app)
    out: list[str] = []
    if fresh and exists:
        out.append(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    if fresh or not exists:
        out.append(f"CREATE DATABASE {db} OWNER {owner} ENCODING 'UTF8' TEMPLATE template0")
    out += [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {app}",
    ]
    return out


def schema_sql(plan: DbPlan) -> list[str]:
    """Statements inside the new database."""
    owner = ident(plan.owner)
    return [
        f"ALTER SCHEMA public OWNER TO {owner}", "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        # Under RLS only LEAKPROOF operators become index conditions: this lets the trigram indexes
        # serve the registry's ILIKE searches for the app role (docs/registry.md §3). Superuser only.
        "ALTER FUNCTION texticlike(text, text) LEAKPROOF",
    ]


def with_database(url: str, database: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = database
    return make_conninfo(**params)


def prepare_database(*, admin_url: str, plan: DbPlan, fresh: bool) -> None:
    """Roles + database + schema through the superuser ``admin_url``; then checks the app role
    really is an ordinary role (the whole tenancy design depends on it)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(role_sql(plan))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [plan.database]).fetchone() is not None
        for stmt in database_sql(plan, fresh=fresh, exists=exists):
            conn.execute(stmt)
        row = conn.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [plan.app]).fetchone()
    if row is None or row[0] or row[1]:
        raise RuntimeError(f"role {plan.app} must exist and be NOSUPERUSER NOBYPASSRLS")
    with psycopg.connect(with_database(admin_url, plan.database), autocommit=True) as conn:
        for stmt in schema_sql(plan):
            conn.execute(stmt)
