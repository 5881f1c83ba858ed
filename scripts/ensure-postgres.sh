#!/usr/bin/env bash
# Make sure the PostgreSQL role and database of DATABASE_URL exist; exit 1 when the server is
# unreachable. The role is deliberately not a superuser: superusers bypass row-level security.
set -euo pipefail
url="${1:?usage: ensure-postgres.sh postgres://role@host:port/db}"
rest="${url#*://}"; creds="${rest%%@*}"; hostpart="${rest#*@}"
role="${creds%%:*}"; hostport="${hostpart%%/*}"; db="${hostpart#*/}"; db="${db%%\?*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$hostport" ] && port=5432
admin=(psql -h "$host" -p "$port" -U "${PGADMIN_USER:-postgres}" -d postgres -v ON_ERROR_STOP=1 -qtA)
command -v psql >/dev/null || { echo "psql not installed"; exit 1; }
"${admin[@]}" -c "select 1" >/dev/null 2>&1 || exit 1
if [ "$("${admin[@]}" -c "select 1 from pg_roles where rolname='$role'")" != "1" ]; then
  "${admin[@]}" -c "create role \"$role\" login createdb nosuperuser nobypassrls"
fi
if [ "$("${admin[@]}" -c "select 1 from pg_database where datname='$db'")" != "1" ]; then
  "${admin[@]}" -c "create database \"$db\" owner \"$role\""
fi
