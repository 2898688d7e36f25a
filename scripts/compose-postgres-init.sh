#!/bin/bash
# Runs once, on the first start of the postgres volume (docker-entrypoint-initdb.d). Creates the
# owner role (owns the database and schema public; migrations only) and the app role (LOGIN,
# NOSUPERUSER, NOBYPASSRLS; CONNECT only; table privileges are granted after each migrate).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v owner_pw="$EOFFICE_OWNER_DB_PASSWORD" -v app_pw="$EOFFICE_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE eoffice_owner LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD :'owner_pw';
CREATE ROLE eoffice_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_pw';
CREATE DATABASE eoffice OWNER eoffice_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE eoffice FROM PUBLIC;
GRANT CONNECT ON DATABASE eoffice TO eoffice_app;
\connect eoffice
ALTER SCHEMA public OWNER TO eoffice_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
-- RLS: only LEAKPROOF operators can use an index for the app role; lets the trigram indexes serve
-- ILIKE searches (docs/registry.md §3).
ALTER FUNCTION texticlike(text, text) LEAKPROOF;
SQL
