#!/usr/bin/env bash
# A throwaway local PostgreSQL + PostGIS cluster for tests and demos.
#
#   scripts/pg_sandbox.sh start  DIR [PORT]      initdb DIR/data (once) and start it (PORT default 55432)
#   scripts/pg_sandbox.sh load   DIR [--scale small|demo|bench] [--if-missing]
#                                                (re)create tracksolid_db with the demo dataset and
#                                                bootstrap the analytics_ro role (password in DIR/ro.pw)
#   scripts/pg_sandbox.sh env    DIR             print `export FAM_...` lines: eval "$(pg_sandbox.sh env DIR)"
#   scripts/pg_sandbox.sh status DIR             say whether it runs, its port and the loaded scale
#   scripts/pg_sandbox.sh psql   DIR [ARGS...]   psql into tracksolid_db as the sandbox superuser
#   scripts/pg_sandbox.sh stop   DIR             stop the server and delete DIR
#   scripts/pg_sandbox.sh restart DIR            restart the server (fast: sessions are ended), for fault tests
#   scripts/pg_sandbox.sh replica PRIMARY DIR PORT  a streaming standby of the sandbox PRIMARY (started
#                                                with FAM_SANDBOX_REPLICATION=on) in DIR, on PORT
#
# The server listens on a Unix socket in DIR and on 127.0.0.1:PORT only (loopback TCP is
# what the SSH-tunnel tests forward to). It is tuned for throwaway use (fsync=off).
# Run as root, the server runs as the `postgres` OS user (initdb refuses root) and DIR
# belongs to postgres; run as anyone else, everything runs as that user.
# Environment: PG_BINDIR overrides where initdb/pg_ctl/postgres are looked for.
# TimescaleDB: when it is installed (../shared/vendor/install-timescaledb.sh, via install_deps.sh)
# a new sandbox preloads it and `load` makes tracksolid.positions a hypertable, as in production;
# FAM_SANDBOX_TIMESCALEDB=off at `start` leaves it out, to test the product without it.
set -euo pipefail

readonly PROG="${0##*/}"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly DEFAULT_PORT=55432
readonly DB_NAME=tracksolid_db
readonly MARKER=.fleet-analytics-sandbox

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
info() { printf '%s: %s\n' "$PROG" "$*" >&2; }

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

# ---------------------------------------------------------------------------
# Locating PostgreSQL's server binaries. Debian/Ubuntu keep them out of PATH in
# /usr/lib/postgresql/<major>/bin; take the newest major there, else PATH, else pg_config.
find_bindir() {
  if [[ -n ${PG_BINDIR:-} ]]; then
    [[ -x $PG_BINDIR/initdb && -x $PG_BINDIR/pg_ctl ]] || die "PG_BINDIR=$PG_BINDIR has no initdb/pg_ctl"
    printf '%s\n' "$PG_BINDIR"
    return
  fi
  local d best="" best_major=-1 major
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl ]] || continue
    major=${d#/usr/lib/postgresql/}
    major=${major%%/*}
    [[ $major =~ ^[0-9]+$ ]] || continue
    if ((major > best_major)); then
      best=$d
      best_major=$major
    fi
  done
  if [[ -n $best ]]; then
    printf '%s\n' "$best"
    return
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir)
    if [[ -x $d/initdb ]]; then
      printf '%s\n' "$d"
      return
    fi
  fi
  die "no PostgreSQL server binaries (initdb, pg_ctl) found; run scripts/install_deps.sh (or set PG_BINDIR)"
}

# Client tools (psql, pg_isready) come from the same bindir when possible.
client() {
  local tool=$1
  shift
  if [[ -x $BINDIR/$tool ]]; then
    "$BINDIR/$tool" "$@"
  elif command -v "$tool" >/dev/null 2>&1; then
    "$tool" "$@"
  else
    die "$tool not found; run scripts/install_deps.sh"
  fi
}

# ---------------------------------------------------------------------------
# Who runs the server. initdb and postgres refuse to run as root, so under root the
# cluster belongs to the `postgres` OS user and server commands go through runuser.
if [[ $EUID -eq 0 ]]; then
  SERVER_USER=postgres
else
  SERVER_USER=$(id -un)
fi
INVOKER=$(id -un)

as_server() {
  if [[ $EUID -eq 0 ]]; then
    # cd / : postgres may not be allowed into the caller's working directory (/root).
    (cd / && runuser -u "$SERVER_USER" -- "$@")
  else
    "$@"
  fi
}

require_server_user() {
  if [[ $EUID -eq 0 ]]; then
    id -u "$SERVER_USER" >/dev/null 2>&1 ||
      die "running as root needs the '$SERVER_USER' OS user (the postgresql package creates it): run scripts/install_deps.sh, or run this script as a non-root user"
    command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is needed to run the server as '$SERVER_USER'"
  fi
}

# ---------------------------------------------------------------------------
# DIR handling
abs_dir() {
  local d=$1
  [[ -n $d ]] || die "DIR must not be empty"
  case $d in
    /*) ;;
    *) d="$PWD/$d" ;;
  esac
  # Normalise without requiring existence: strip trailing slashes and /./ parts.
  while [[ $d == */ && $d != / ]]; do d=${d%/}; done
  d=${d//\/.\//\/}
  [[ $d != / ]] || die "refusing to use / as the sandbox directory"
  # It goes into postgresql.conf (unix_socket_directories) and into URLs unquoted.
  [[ $d =~ ^[A-Za-z0-9/._+@:~-]+$ ]] ||
    die "sandbox directory '$d' may only contain letters, digits and / . _ + @ : ~ - (no spaces, quotes or commas)"
  printf '%s\n' "$d"
}

port_of() {
  local dir=$1 port
  [[ -r $dir/port ]] || die "$dir is not a sandbox (no $dir/port); create it with: $PROG start $dir"
  port=$(<"$dir/port")
  [[ $port =~ ^[0-9]+$ ]] || die "$dir/port does not hold a port number"
  printf '%s\n' "$port"
}

is_running() {
  local dir=$1
  [[ -f $dir/data/PG_VERSION ]] || return 1
  as_server "$BINDIR/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

# Percent-encode a value for use inside a libpq URI.
urlencode() {
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9/._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s\n' "$out"
}

# Single-quote a value for a POSIX shell.
shell_quote() {
  local q="'\\''"
  printf "'%s'" "${1//\'/$q}"
}

admin_url() {
  local dir=$1 port=$2
  printf 'postgresql://postgres@/%s?host=%s&port=%s\n' "$DB_NAME" "$(urlencode "$dir")" "$port"
}
ro_url() {
  printf 'postgresql://analytics_ro@127.0.0.1:%s/%s\n' "$1" "$DB_NAME"
}

# psql as the sandbox superuser over the socket (peer auth, see pg_hba.conf below).
admin_psql() {
  local dir=$1 port=$2 db=$3
  shift 3
  PGAPPNAME=pg_sandbox PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" client psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d "$db" "$@"
}

wait_ready() {
  local dir=$1 port=$2 tries=0 max=150
  # Poll readiness (0.2 s steps, 30 s at most): the socket first, then loopback TCP.
  until client pg_isready -q -h "$dir" -p "$port" -t 1 && client pg_isready -q -h 127.0.0.1 -p "$port" -t 1; do
    tries=$((tries + 1))
    # Give up after the bound, or early once the postmaster is gone (it exited on an error).
    if ((tries >= max)) || { ((tries > 5)) && ! is_running "$dir"; }; then
      info "server did not become ready; last lines of $dir/server.log:"
      tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
      die "PostgreSQL in $dir did not start (is port $port already in use? try another PORT)"
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------
# Whether a new sandbox preloads TimescaleDB: installed, and not switched off.
# FAM_SANDBOX_REPLICATION=on at `start`: a primary that `replica` can copy and stream from.
wants_replication() {
  [[ ${FAM_SANDBOX_REPLICATION:-off} == on ]]
}

wal_settings() {
  if wants_replication; then
    printf 'wal_level = replica\nmax_wal_senders = 4\n'
  else
    # minimal WAL: tables created and filled in the loader's single transaction skip WAL
    printf 'wal_level = minimal\nmax_wal_senders = 0\n'
  fi
}

wants_timescaledb() {
  [[ ${FAM_SANDBOX_TIMESCALEDB:-on} != off ]] || return 1
  local libdir
  libdir=$("$BINDIR/pg_config" --pkglibdir 2>/dev/null || pg_config --pkglibdir 2>/dev/null) || return 1
  [[ -f $libdir/timescaledb.so ]]
}

# Makes positions a hypertable (one-day chunks) when the server preloads TimescaleDB.
add_timescaledb() {
  local dir=$1 port=$2 preloaded
  preloaded=$(admin_psql "$dir" "$port" "$DB_NAME" -tA -c "SELECT current_setting('shared_preload_libraries') LIKE '%timescaledb%'")
  [[ $preloaded == t ]] || return 0
  admin_psql "$dir" "$port" "$DB_NAME" -q -c "CREATE EXTENSION IF NOT EXISTS timescaledb" \
    -c "SELECT create_hypertable('tracksolid.positions', by_range('gps_time', INTERVAL '1 day'), migrate_data => true)" \
    -c "ANALYZE tracksolid.positions" >/dev/null
  info "TimescaleDB: tracksolid.positions is a hypertable"
}

cmd_start() {
  (($# >= 1 && $# <= 2)) || die "usage: $PROG start DIR [PORT]"
  local dir port
  dir=$(abs_dir "$1")
  port=${2:-}
  if [[ -n $port ]]; then
    if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1024 || port > 65535)); then
      die "PORT must be a number in 1024..65535, got '$port'"
    fi
  fi
  require_server_user

  if [[ -f $dir/data/PG_VERSION ]]; then
    local recorded
    recorded=$(port_of "$dir")
    if [[ -n $port && $port != "$recorded" ]]; then
      die "$dir already holds a sandbox on port $recorded; use that port, or '$PROG stop $dir' first"
    fi
    port=$recorded
    if is_running "$dir"; then
      info "already running: $dir (port $port)"
      return 0
    fi
    info "starting existing sandbox $dir (port $port)"
  else
    port=${port:-$DEFAULT_PORT}
    if [[ -e $dir ]] && [[ -n $(ls -A "$dir" 2>/dev/null) ]] && [[ ! -e $dir/$MARKER ]]; then
      die "$dir exists, is not empty and is not a sandbox; pick a new or empty directory"
    fi
    # Fail early, before initdb, when something already listens on the port.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port on 127.0.0.1 is already in use; pick another: $PROG start $dir PORT"
    fi
    # The socket path must fit in sun_path (107 bytes).
    local sock="$dir/.s.PGSQL.$port"
    ((${#sock} <= 100)) || die "socket path $sock is too long for a Unix socket (max ~100 chars); use a shorter DIR"

    mkdir -p "$dir"
    chmod 0700 "$dir"
    # Leftovers of an earlier start that failed before initdb finished.
    rm -rf -- "${dir:?}/data"
    : >"$dir/$MARKER"
    printf '%s\n' "$port" >"$dir/port"
    if [[ $EUID -eq 0 ]]; then
      chown "$SERVER_USER:" "$dir"
      # The server user must be able to reach DIR through every parent directory.
      if ! as_server test -w "$dir"; then
        rm -rf -- "$dir"
        die "the '$SERVER_USER' OS user cannot reach $dir (a parent directory is not searchable by it, e.g. /root is 0700); use a DIR under /var/tmp, /tmp or /srv, or run as a non-root user"
      fi
    fi

    local locale_opt=(--no-locale)
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale_opt=(--locale=C.UTF-8); fi
    info "initdb $dir/data (server user: $SERVER_USER)"
    # Authentication, set in pg_hba.conf below:
    #  - the sandbox's superuser `postgres` may log in over the Unix socket with `peer`
    #    auth, mapped (pg_ident.conf, map "sandbox") from the OS user that created the
    #    sandbox (and from the server's OS user). That is the setup/admin path only; the
    #    socket directory is 0700 so nobody else can even reach it.
    #  - every other role, analytics_ro included, needs scram-sha-256 on the socket and on
    #    127.0.0.1, so the MCP server's password handling is exercised for real.
    if ! as_server "$BINDIR/initdb" -D "$dir/data" -U postgres -E UTF8 "${locale_opt[@]}" \
      --auth-local=peer --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      die "initdb failed (output above)"
    fi

    local conf
    conf=$(
      cat <<EOF
# fleet-analytics-mcp sandbox settings (throwaway cluster: durability off)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
$(wal_settings)
full_page_writes = off
shared_buffers = 64MB
work_mem = 16MB
maintenance_work_mem = 128MB
max_wal_size = 2GB
max_connections = 30
max_parallel_workers_per_gather = 1
jit = off
timezone = 'UTC'
log_timezone = 'UTC'
log_min_messages = warning
log_connections = off
EOF
    )
    if wants_timescaledb; then
      conf+=$'\n'"shared_preload_libraries = 'timescaledb'"$'\n'"timescaledb.telemetry_level = off"
      info "TimescaleDB: preloaded"
    fi
    as_server tee "$dir/data/sandbox.conf" >/dev/null <<<"$conf"
    printf "\ninclude = 'sandbox.conf'\n" | as_server tee -a "$dir/data/postgresql.conf" >/dev/null

    local hba
    hba=$(
      cat <<EOF
# fleet-analytics-mcp sandbox: see scripts/pg_sandbox.sh for why.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 peer map=sandbox
$(wants_replication && echo "local   replication postgres             peer map=sandbox")
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
EOF
    )
    as_server tee "$dir/data/pg_hba.conf" >/dev/null <<<"$hba"
    local ident="# MAPNAME  SYSTEM-USERNAME  PG-USERNAME
sandbox  $INVOKER  postgres"
    if [[ $SERVER_USER != "$INVOKER" ]]; then
      ident+="
sandbox  $SERVER_USER  postgres"
    fi
    as_server tee "$dir/data/pg_ident.conf" >/dev/null <<<"$ident"
    info "starting new sandbox $dir (port $port)"
  fi

  as_server "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -W -s start >/dev/null ||
    die "pg_ctl start failed; see $dir/server.log"
  wait_ready "$dir" "$port"
  info "ready: socket $dir, tcp 127.0.0.1:$port"
  info "next: $PROG load $dir [--scale small|demo|bench]"
}

cmd_stop() {
  (($# == 1)) || die "usage: $PROG stop DIR"
  local dir
  dir=$(abs_dir "$1")
  if [[ ! -e $dir ]]; then
    info "nothing to stop: $dir does not exist"
    return 0
  fi
  [[ -e $dir/$MARKER ]] || die "$dir is not a sandbox made by $PROG (no $MARKER); not touching it"
  require_server_user
  if is_running "$dir"; then
    as_server "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w -t 60 -s stop || die "pg_ctl stop failed; see $dir/server.log"
    info "stopped $dir"
  fi
  rm -rf -- "$dir"
  info "removed $dir"
}

cmd_restart() {
  (($# == 1)) || die "usage: $PROG restart DIR"
  local dir
  dir=$(abs_dir "$1")
  [[ -e $dir/$MARKER ]] || die "$dir is not a sandbox made by $PROG (no $MARKER); not touching it"
  require_server_user
  as_server "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 -s restart >/dev/null ||
    die "pg_ctl restart failed; see $dir/server.log"
  wait_ready "$dir" "$(port_of "$dir")"
  info "restarted $dir"
}

cmd_replica() {
  (($# == 3)) || die "usage: $PROG replica PRIMARY_DIR DIR PORT"
  local primary dir port
  primary=$(abs_dir "$1")
  dir=$(abs_dir "$2")
  port=$3
  require_server_user
  is_running "$primary" || die "$primary is not a running sandbox; start it first (with FAM_SANDBOX_REPLICATION=on)"
  [[ ! -e $dir ]] || die "$dir exists; pick a new directory"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port on 127.0.0.1 is already in use"; fi
  mkdir -p "$dir"
  chmod 0700 "$dir"
  : >"$dir/$MARKER"
  printf '%s\n' "$port" >"$dir/port"
  [[ -f $primary/ro.pw ]] && cp "$primary/ro.pw" "$dir/ro.pw"
  [[ $EUID -eq 0 ]] && chown -R "$SERVER_USER:" "$dir"
  info "pg_basebackup of $primary into $dir/data"
  as_server "$BINDIR/pg_basebackup" -h "$primary" -p "$(port_of "$primary")" -U postgres -D "$dir/data" -R \
    -X stream -c fast >"$dir/basebackup.log" 2>&1 ||
    die "pg_basebackup failed (is the primary started with FAM_SANDBOX_REPLICATION=on?): $(tail -n 3 "$dir/basebackup.log")"
  as_server sed -i -e "s|^port = .*|port = $port|" -e "s|^unix_socket_directories = .*|unix_socket_directories = '$dir'|" \
    "$dir/data/sandbox.conf"
  as_server "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -W -s start >/dev/null ||
    die "pg_ctl start failed; see $dir/server.log"
  wait_ready "$dir" "$port"
  info "standby ready: socket $dir, tcp 127.0.0.1:$port, streaming from $primary"
}

cmd_env() {
  (($# == 1)) || die "usage: $PROG env DIR"
  local dir port
  dir=$(abs_dir "$1")
  port=$(port_of "$dir")
  printf 'export FAM_SANDBOX_DIR=%s\n' "$(shell_quote "$dir")"
  printf 'export FAM_SANDBOX_PORT=%s\n' "$port"
  printf 'export FAM_ADMIN_URL=%s\n' "$(shell_quote "$(admin_url "$dir" "$port")")"
  printf 'export FAM_RO_URL=%s\n' "$(shell_quote "$(ro_url "$port")")"
  printf 'export FAM_RO_PASSWORD_FILE=%s\n' "$(shell_quote "$dir/ro.pw")"
}

db_exists() {
  local dir=$1 port=$2 out
  out=$(admin_psql "$dir" "$port" postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
  [[ $out == 1 ]]
}

# Prints the scale recorded by demo_data.sql, or nothing when no dataset is loaded.
loaded_scale() {
  local dir=$1 port=$2
  db_exists "$dir" "$port" || return 0
  admin_psql "$dir" "$port" "$DB_NAME" -tA -c \
    "SELECT value FROM internal.dataset_info WHERE key = 'scale'" 2>/dev/null || true
}

cmd_status() {
  (($# == 1)) || die "usage: $PROG status DIR"
  local dir port scale
  dir=$(abs_dir "$1")
  port=$(port_of "$dir")
  if is_running "$dir"; then
    scale=$(loaded_scale "$dir" "$port")
    printf 'running: %s (port %s), dataset: %s\n' "$dir" "$port" "${scale:-not loaded}"
  else
    printf 'stopped: %s (port %s); start it with: %s start %s\n' "$dir" "$port" "$PROG" "$dir"
    return 3
  fi
}

cmd_psql() {
  (($# >= 1)) || die "usage: $PROG psql DIR [PSQL ARGS...]"
  local dir port
  dir=$(abs_dir "$1")
  shift
  port=$(port_of "$dir")
  is_running "$dir" || die "sandbox $dir is not running; start it with: $PROG start $dir"
  local psql_bin=$BINDIR/psql
  [[ -x $psql_bin ]] || psql_bin=psql
  PGAPPNAME=pg_sandbox exec "$psql_bin" -X -h "$dir" -p "$port" -U postgres -d "$DB_NAME" "$@"
}

cmd_load() {
  (($# >= 1)) || die "usage: $PROG load DIR [--scale small|demo|bench] [--if-missing]"
  local dir port scale=small if_missing=0
  dir=$(abs_dir "$1")
  shift
  while (($#)); do
    case $1 in
      --scale)
        (($# >= 2)) || die "--scale needs a value: small, demo or bench"
        scale=$2
        shift 2
        ;;
      --scale=*)
        scale=${1#--scale=}
        shift
        ;;
      --if-missing)
        if_missing=1
        shift
        ;;
      *) die "unknown load option '$1' (usage: $PROG load DIR [--scale small|demo|bench] [--if-missing])" ;;
    esac
  done
  case $scale in small | demo | bench) ;; *) die "unknown scale '$scale': use small, demo or bench" ;; esac
  port=$(port_of "$dir")
  is_running "$dir" || die "sandbox $dir is not running; start it with: $PROG start $dir"

  local current
  current=$(loaded_scale "$dir" "$port")
  if [[ $if_missing -eq 1 && $current == "$scale" && -s $dir/ro.pw ]]; then
    info "dataset '$scale' is already loaded in $dir; nothing to do"
    return 0
  fi

  local data_sql=$SCRIPT_DIR/demo_data.sql
  [[ -r $data_sql ]] || die "missing $data_sql"

  local has_postgis
  has_postgis=$(admin_psql "$dir" "$port" postgres -tA -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
  if [[ $has_postgis != 1 ]]; then
    die "the PostGIS extension is not installed for this PostgreSQL ($BINDIR); run scripts/install_deps.sh"
  fi
  if ! db_exists "$dir" "$port"; then
    admin_psql "$dir" "$port" postgres -c "CREATE DATABASE $DB_NAME"
  fi
  admin_psql "$dir" "$port" "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"

  local replacing=""
  [[ -z $current ]] || replacing=" (replacing the loaded '$current' dataset)"
  info "loading scale '$scale' into $DB_NAME$replacing"
  local t0 t1
  t0=$(date +%s.%N)
  admin_psql "$dir" "$port" "$DB_NAME" --single-transaction -v scale="$scale" -f "$data_sql"
  t1=$(date +%s.%N)
  info "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "dataset loaded in %.1f s", b - a }')"
  add_timescaledb "$dir" "$port"
  admin_psql "$dir" "$port" "$DB_NAME" -c \
    "SELECT key AS \"table\", value AS \"rows\" FROM internal.dataset_info WHERE key LIKE '%.%' ORDER BY key" >&2

  "$SCRIPT_DIR/bootstrap_analytics_ro.sh" --admin-url "$(admin_url "$dir" "$port")" --password-file "$dir/ro.pw"
}

main() {
  (($# >= 1)) || {
    usage >&2
    exit 2
  }
  local cmd=$1
  shift
  case $cmd in
    -h | --help | help)
      usage
      return 0
      ;;
  esac
  BINDIR=$(find_bindir)
  case $cmd in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    replica) cmd_replica "$@" ;;
    restart) cmd_restart "$@" ;;
    env) cmd_env "$@" ;;
    load) cmd_load "$@" ;;
    status) cmd_status "$@" ;;
    psql) cmd_psql "$@" ;;
    *) die "unknown command '$cmd' (start, load, env, status, psql, stop, restart, replica)" ;;
  esac
}

main "$@"
