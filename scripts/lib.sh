# shellcheck shell=bash
# Shared by scripts/start.sh, scripts/test.sh and .ci/run: source it, then call what you need.
# It only defines things; nothing runs on `source`.
#
# What it manages, each only when missing:
#   ensure_deps        npm ci (npm install without a lockfile), then puts the project's own
#                      Node 24 (node_modules/.bin/node) first on PATH
#   ensure_postgres    PostgreSQL on $PGHOST:$PGPORT (default 127.0.0.1:5432), started if local
#   ensure_nats        nats-server with JetStream on $NATS_URL (default nats://127.0.0.1:4222)
#   ensure_database    CREATE DATABASE if it does not exist

TESSERA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
PG_USER="${PGUSER:-postgres}"
NATS_URL_DEFAULT="nats://127.0.0.1:4222"

say() { printf '[tessera] %s\n' "$*"; }
die() {
  printf '[tessera] ERROR: %s\n' "$*" >&2
  exit 1
}

is_local_host() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ] || [ "$1" = ::1 ]; }

tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# wait_for SECONDS COMMAND...: polls COMMAND every half second until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

hash_file() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# --- dependencies ----------------------------------------------------------------------------

# The stamp records which package-lock.json node_modules was installed from. A node_modules
# installed by hand (no stamp) is adopted as it is, so a shared tree is never reinstalled
# behind its owners' backs; from then on a changed lockfile triggers `npm ci`.
TESSERA_INSTALL_STAMP=node_modules/.tessera-install-stamp

ensure_deps() {
  cd "$TESSERA_ROOT" || exit 1
  local want=none
  [ -f package-lock.json ] && want="$(hash_file package-lock.json)"

  if [ "${TESSERA_SKIP_INSTALL:-0}" = 1 ]; then
    say "TESSERA_SKIP_INSTALL=1: using node_modules as it is"
  elif [ ! -x node_modules/.bin/node ] || [ ! -e node_modules/.bin/tsx ]; then
    install_deps "node_modules is missing or incomplete" "$want"
  elif [ ! -f "$TESSERA_INSTALL_STAMP" ]; then
    printf '%s\n' "$want" >"$TESSERA_INSTALL_STAMP"
  elif [ "$(cat "$TESSERA_INSTALL_STAMP")" != "$want" ]; then
    install_deps "package-lock.json changed since the last install" "$want"
  fi

  [ -x node_modules/.bin/node ] || die "node_modules/.bin/node is missing: the 'node' devDependency did not install (see npm's output above)"
  export PATH="$TESSERA_ROOT/node_modules/.bin:$PATH"
  local version
  version="$(node -v)"
  case "$version" in
    v24.*) ;;
    *) die "node_modules/.bin/node is $version, expected v24 (package.json devDependency 'node')" ;;
  esac
}

install_deps() {
  command -v npm >/dev/null 2>&1 ||
    die "npm is not installed. Install Node.js 20 or later with npm (Debian/Ubuntu: apt-get install nodejs npm); the project then installs its own Node 24 from npm."
  if [ -f package-lock.json ]; then
    say "$1: running npm ci"
    npm ci
  else
    say "$1: no package-lock.json, running npm install"
    npm install
  fi
  printf '%s\n' "$2" >"$TESSERA_INSTALL_STAMP"
}

# --- PostgreSQL --------------------------------------------------------------------------------

pg_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

ensure_postgres() {
  pg_up && return 0
  local version=""
  if is_local_host "$PG_HOST" && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
  fi
  if [ -z "$version" ]; then
    die "PostgreSQL is not answering on $PG_HOST:$PG_PORT and there is no local cluster to start.
  Install PostgreSQL 15 or later, with trust (or PGPASSWORD) auth for user $PG_USER:
    Debian/Ubuntu:  apt-get install postgresql        (then run this again)
    macOS:          brew install postgresql@15 && brew services start postgresql@15   (and export PGUSER=\$USER)
  Or point PGHOST/PGPORT/PGUSER at a server you have, or take the Docker path: docker compose up --build"
  fi
  say "PostgreSQL is not running on $PG_HOST:$PG_PORT; starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    die "could not start PostgreSQL; try: sudo pg_ctlcluster --skip-systemctl-redirect $version main start"
  wait_for 30 pg_up || die "PostgreSQL $version/main started but does not answer on $PG_HOST:$PG_PORT (is it configured for that port?)"
}

psql_admin() {
  command -v psql >/dev/null 2>&1 || die "psql not found: install the PostgreSQL client (apt-get install postgresql-client)"
  # -w: never prompt for a password; CI has no terminal to answer it
  psql -X -w -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

ensure_database() {
  local name="$1"
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name '$name' must be lowercase letters, digits and _"
  local found
  found="$(psql_admin -tAc "select 1 from pg_database where datname = '$name'")" ||
    die "cannot log in to PostgreSQL on $PG_HOST:$PG_PORT as $PG_USER (set PGUSER, or PGPASSWORD)"
  [ "$found" = 1 ] && return 0
  say "creating database $name"
  # a concurrent creator wins the race harmlessly: check again before failing
  psql_admin -c "create database \"$name\"" 2>/dev/null ||
    [ "$(psql_admin -tAc "select 1 from pg_database where datname = '$name'")" = 1 ] ||
    die "could not create database $name"
}

# --- NATS --------------------------------------------------------------------------------------

# host and port of the first server in $NATS_URL
nats_host_port() {
  local rest="${NATS_URL:-$NATS_URL_DEFAULT}"
  rest="${rest#*://}"
  rest="${rest%%,*}"
  rest="${rest##*@}"
  rest="${rest%%/*}"
  case "$rest" in
    *:*) printf '%s %s\n' "${rest%:*}" "${rest##*:}" ;;
    *) printf '%s 4222\n' "$rest" ;;
  esac
}

ensure_nats() {
  local host port
  read -r host port < <(nats_host_port)
  tcp_open "$host" "$port" && return 0
  local bin
  bin="$(command -v nats-server 2>/dev/null || true)"
  [ -z "$bin" ] && [ -x /usr/sbin/nats-server ] && bin=/usr/sbin/nats-server
  if ! is_local_host "$host" || [ -z "$bin" ]; then
    die "NATS is not answering on $host:$port and there is no local nats-server to start.
  Install nats-server 2.9 or later (it runs with JetStream, -js):
    Debian/Ubuntu:  apt-get install nats-server        (then run this again)
    macOS:          brew install nats-server
  Or set NATS_URL to a server you have, or take the Docker path: docker compose up --build"
  fi
  say "NATS is not running on $host:$port; starting $bin with JetStream"
  if command -v start-stop-daemon >/dev/null 2>&1 && [ -w /var/lib/nats-server ] && [ -w /var/log ]; then
    start-stop-daemon --start --oknodo --background --exec "$bin" -- \
      -a "$host" -p "$port" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  else
    local dir="$TESSERA_ROOT/.tessera/nats"
    mkdir -p "$dir"
    nohup "$bin" -a "$host" -p "$port" -js -sd "$dir" -l "$dir/nats-server.log" >/dev/null 2>&1 &
    disown || true
  fi
  wait_for 15 tcp_open "$host" "$port" || die "nats-server did not start listening on $host:$port"
}
