"""docker-compose.yml, Dockerfile and .env.example, checked without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("postgres", "valkey", "minio", "web", "worker", "beat")


def settings_env_names() -> set[str]:
    text = (ROOT / "eoffice" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    names |= set(re.findall(r"""environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", text))
    return names


def env_example_names() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#?([A-Z][A-Z0-9_]+)=", line.strip())
        if m:
            names.add(m.group(1))
    return names


def test_settings_env_names_are_found():
    assert {"DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY"} <= settings_env_names()


def test_all_services_present():
    assert set(SERVICES) == {"postgres", "valkey", "minio", "migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_have_healthchecks(name):
    check = SERVICES[name].get("healthcheck")
    assert check and check.get("test"), f"{name} has no healthcheck"
    assert SERVICES[name].get("restart") == "unless-stopped"


def test_migrate_is_one_shot_as_owner_after_postgres_is_healthy():
    migrate = SERVICES["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["command"][-4:] == ["migrate", "--database", "owner", "--noinput"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" not in migrate


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_wait_for_migrate_and_valkey(name):
    deps = SERVICES[name]["depends_on"]
    assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert deps["valkey"]["condition"] == "service_healthy"


def test_app_role_and_owner_role_differ():
    env = SERVICES["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://eoffice_app:")
    assert env["MIGRATION_DATABASE_URL"].startswith("postgres://eoffice_owner:")
    assert env["DJANGO_DEBUG"] == "0"


def test_valkey_persists_append_only():
    assert "--appendonly" in SERVICES["valkey"]["command"]
    cmd = SERVICES["valkey"]["command"]
    assert cmd[cmd.index("--appendonly") + 1] == "yes"


def test_images_are_pinned_to_versions():
    for name, svc in SERVICES.items():
        image = svc["image"]
        assert ":" in image, f"{name}: {image} has no tag"
        tag = image.rsplit(":", 1)[1]
        assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned to a version"
    assert "latest" not in COMPOSE_TEXT


def test_app_service_env_names_exist_in_settings():
    known = settings_env_names()
    for name in APP_SERVICES:
        unknown = set(SERVICES[name]["environment"]) - known
        assert not unknown, f"{name} sets variables settings.py does not read: {unknown}"


def test_interpolated_variables_are_listed_in_env_example():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_TEXT))
    missing = used - env_example_names()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_and_configuration_doc_list_every_setting():
    names = settings_env_names()
    missing = names - env_example_names()
    assert not missing, f"add to .env.example: {sorted(missing)}"
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    undocumented = {n for n in names if f"`{n}`" not in doc}
    assert not undocumented, f"document in docs/configuration.md: {sorted(undocumented)}"


def test_postgres_init_creates_both_roles_like_production():
    script = (ROOT / "scripts" / "compose-postgres-init.sh").read_text(encoding="utf-8")
    mount = [v for v in SERVICES["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v]
    assert mount and mount[0].startswith("./scripts/compose-postgres-init.sh:")
    assert re.search(r"CREATE ROLE eoffice_app LOGIN NOSUPERUSER NOBYPASSRLS", script)
    assert "CREATE DATABASE eoffice OWNER eoffice_owner" in script
    assert "REVOKE ALL ON DATABASE eoffice FROM PUBLIC" in script
    assert "ALTER SCHEMA public OWNER TO eoffice_owner" in script
    assert "REVOKE ALL ON SCHEMA public FROM PUBLIC" in script
    assert "ALTER FUNCTION texticlike(text, text) LEAKPROOF" in script  # registry search under RLS


def test_dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    froms = re.findall(r"^FROM\s+(\S+)", text, flags=re.M)
    assert froms[-1].startswith("python:3.11") and "slim" in froms[-1]
    assert all(":" in f and "latest" not in f for f in froms)
    assert "npm ci" in text and "collectstatic --noinput" in text
    assert re.search(r"^USER\s+eoffice", text, flags=re.M), "the image must not run as root"
    assert ".venv" in (ROOT / ".dockerignore").read_text().split()
