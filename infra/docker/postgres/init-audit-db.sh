#!/bin/sh
# PostgreSQL's first start (docker-entrypoint-initdb.d): the audit log's roles and the guardrails'
# own login, so the service never works as a superuser (docs/runbook.md#audit-database-roles).
#
# POSTGRES_USER (the DBA, a superuser) is the owner login: the guardrails apply their migrations
# through it (GUARDRAILS_AUDIT_OWNER_DATABASE_URL). GUARDRAILS_DB_PASSWORD is the password of the
# `guardrails` login (GUARDRAILS_AUDIT_DATABASE_URL), a member of aloe_audit_app only: it may read and
# append to the log, never update, delete or truncate it. The migrations create these roles too when
# they are missing; made here first, the login can be granted before the service's first start.
set -eu
: "${GUARDRAILS_DB_PASSWORD:?set GUARDRAILS_DB_PASSWORD: the password of the guardrails login}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname "${POSTGRES_DB}" \
  -v guardrails_password="${GUARDRAILS_DB_PASSWORD}" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aloe_audit_owner') THEN CREATE ROLE aloe_audit_owner NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aloe_audit_app') THEN CREATE ROLE aloe_audit_app NOLOGIN; END IF;
END $$;
CREATE ROLE guardrails LOGIN PASSWORD :'guardrails_password' IN ROLE aloe_audit_app;
SQL
