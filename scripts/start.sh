#!/usr/bin/env bash
# Runs Tessera on this machine: bash scripts/start.sh
#
# Installs dependencies when needed, makes sure PostgreSQL and NATS (JetStream) are up, creates
# the database, then starts the six services and the gateway, creates or reuses a demo org,
# and prints where everything is. A service that dies is restarted with backoff (README.md,
# "Requirements"); Ctrl-C stops it all.
#
# Settings (environment): TESSERA_DB_NAME (default tessera), DATABASE_URL, NATS_URL,
# PGHOST/PGPORT/PGUSER, TESSERA_HOST, GATEWAY_PORT and <SERVICE>_PORT (e.g. GUARDIAN_PORT),
# TESSERA_BOOTSTRAP_TOKEN (default dev-bootstrap-token), TESSERA_READY_TIMEOUT_S (default 90),
# LOG_LEVEL, TESSERA_SKIP_INSTALL=1 (use node_modules as it is).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TESSERA_ROOT"

ensure_deps

if [ -n "${DATABASE_URL:-}" ]; then
  say "DATABASE_URL is set: using that database as it is"
else
  db="${TESSERA_DB_NAME:-tessera}"
  ensure_postgres
  ensure_database "$db"
  export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$db"
fi

ensure_nats
export NATS_URL="${NATS_URL:-$NATS_URL_DEFAULT}"

# One process: node runs the orchestrator itself, so Ctrl-C and SIGTERM reach it directly.
exec node --import tsx scripts/start-stack.ts "$@"
