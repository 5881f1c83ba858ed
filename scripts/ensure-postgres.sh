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

# The no-oversell proofs open 100+ concurrent connections (docs/inventory.md). A stock server
# allows 100 in all, so on a local server that CI may reconfigure (CI=true, root, pg_ctlcluster)
# raise max_connections and restart it; elsewhere say what to change and carry on.
want="${VALUECHAIN_PG_MAX_CONNECTIONS:-300}"
have="$("${admin[@]}" -c "show max_connections")"
if [ "$have" -lt "$want" ]; then
  local_host=false
  case "$host" in 127.0.0.1|localhost|::1) local_host=true ;; esac
  if [ "${CI:-}" = "true" ] && [ "$local_host" = true ] && [ "$(id -u)" = 0 ] \
      && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "PostgreSQL allows $have connections; raising max_connections to $want and restarting it"
    "${admin[@]}" -c "alter system set max_connections = $want"
    version="$(ls /etc/postgresql | sort -n | tail -1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
    for _ in $(seq 1 60); do
      "${admin[@]}" -c "select 1" >/dev/null 2>&1 && break
      sleep 0.5
    done
    "${admin[@]}" -c "select 1" >/dev/null
  else
    echo "note: PostgreSQL allows $have connections; the 100-client race tests need $want" \
      "(ALTER SYSTEM SET max_connections = $want, then restart): they skip until then"
  fi
fi
