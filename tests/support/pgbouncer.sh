# Sourced by the tests that need PgBouncer (tests/integration/pgbouncer_test.sh,
# tests/bench/scripts/load.sh). start_pgbouncer starts Debian's pgbouncer in transaction pooling
# mode on a free loopback port, in front of the sandbox that `scripts/pg_sandbox.sh env` describes
# (FAM_SANDBOX_PORT, FAM_RO_PASSWORD_FILE), and sets FAM_BOUNCER_URL and FAM_BOUNCER_VERSION. It is
# stopped, and its files removed, when the sourcing shell exits. FAM_BOUNCER_POOL_SIZE sets its
# default_pool_size (10): the database connections all clients share. FAM_BOUNCER_IGNORE sets
# ignore_startup_parameters (none: PgBouncer then refuses a client that sends one).

# shellcheck source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

start_pgbouncer() {
  local pgbouncer port work owner try
  pgbouncer=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  if [[ ! -x $pgbouncer ]]; then
    echo "pgbouncer is not installed: apt-get install pgbouncer (scripts/install_deps.sh does)" >&2
    return 1
  fi
  : "${FAM_SANDBOX_PORT:?run under scripts/test.sh, or eval \"\$(scripts/pg_sandbox.sh env DIR)\" first}"
  : "${FAM_RO_PASSWORD_FILE:?}"
  port=$(free_port 56433) || return 1
  work=$(mktemp -d /tmp/fam-pgbouncer.XXXXXX)
  # shellcheck disable=SC2064 # $work is meant to be fixed now
  trap "[[ -f $work/pgbouncer.pid ]] && kill \$(cat $work/pgbouncer.pid) 2>/dev/null; rm -rf $work" EXIT
  printf '"analytics_ro" "%s"\n' "$(cat "$FAM_RO_PASSWORD_FILE")" >"$work/userlist.txt"
  cat >"$work/pgbouncer.ini" <<INI
[databases]
tracksolid_db = host=127.0.0.1 port=$FAM_SANDBOX_PORT dbname=tracksolid_db

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $work/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = ${FAM_BOUNCER_POOL_SIZE:-10}
ignore_startup_parameters = ${FAM_BOUNCER_IGNORE:-}
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
INI
  # PgBouncer refuses to run as root; the sandbox's own user runs it then.
  local run_as=()
  if ((EUID == 0)); then
    owner=$(stat -c %U "${FAM_SANDBOX_DIR:-$work}")
    [[ $owner == root ]] && owner=postgres
    chown -R "$owner" "$work"
    run_as=(runuser -u "$owner" --)
  fi
  if ! "${run_as[@]}" "$pgbouncer" -d "$work/pgbouncer.ini"; then
    echo "pgbouncer did not start: $(tail -n 5 "$work/pgbouncer.log" 2>/dev/null)" >&2
    return 1
  fi
  # -d returns before the daemon listens: wait for it, as pg_ctl -w waits for PostgreSQL (10 s at most).
  for ((try = 0; try < 200; ++try)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "pgbouncer does not listen on $port: $(tail -n 5 "$work/pgbouncer.log")" >&2
    return 1
  fi
  FAM_BOUNCER_URL="postgresql://analytics_ro@127.0.0.1:$port/tracksolid_db"
  FAM_BOUNCER_VERSION=$("$pgbouncer" --version | head -n 1)
}
