#!/usr/bin/env bash
# The end-to-end tests that concern a call's work, run again through PgBouncer in transaction
# pooling mode, as an operator puts it in front of the database when analysts become a load:
# Debian's pgbouncer, started here on a free loopback port in front of the sandbox (from
# `scripts/pg_sandbox.sh env`), with the analytics_ro password in its auth file. The program
# connects to PgBouncer; the tests' own admin checks (pg_stat_activity) still go to PostgreSQL.
#
#   pgbouncer_test.sh INTEGRATION_TESTS_BINARY [CATCH2 TAGS]
#
# Left out, and why (the guide says so too): [lifecycle] and [startup] count the program's own
# backends, which PgBouncer keeps open between transactions by design; [commands] and [doctor]
# are the terminal commands, whose checks are the same either way; [tunnel] needs its own sshd;
# [direct-only] tests rely on the backend PID that PgBouncer does not pass on.
set -euo pipefail

die() {
  printf 'pgbouncer_test.sh: %s\n' "$*" >&2
  exit 1
}

(($# >= 1)) || die "usage: pgbouncer_test.sh INTEGRATION_TESTS_BINARY [TAGS]"
tests_binary=$1
tags=${2:-[tools],[read-only],[harmful],[protocol],[tasks],[views],[cost],[export],[budget],[progress],[time_span]}
# Each tag but the tests that hold only on a direct connection (marked [direct-only]).
tags=$(sed 's/\]/]~[direct-only]/g' <<<"$tags")
pgbouncer=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[[ -x $pgbouncer ]] || die "pgbouncer is not installed: apt-get install pgbouncer (scripts/install_deps.sh does)"
: "${FAM_SANDBOX_PORT:?run under scripts/test.sh, or eval \"\$(scripts/pg_sandbox.sh env DIR)\" first}"
: "${FAM_RO_PASSWORD_FILE:?}"

free_port() {
  local port
  for port in $(seq 56433 56533); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port in 56433-56533"
}

work=$(mktemp -d /tmp/fam-pgbouncer.XXXXXX)
stop() {
  [[ -f $work/pgbouncer.pid ]] && kill "$(cat "$work/pgbouncer.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

port=$(free_port)
printf '"analytics_ro" "%s"\n' "$(cat "$FAM_RO_PASSWORD_FILE")" >"$work/userlist.txt"
cat >"$work/pgbouncer.ini" <<EOF
[databases]
tracksolid_db = host=127.0.0.1 port=$FAM_SANDBOX_PORT dbname=tracksolid_db

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $work/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
EOF
# PgBouncer refuses to run as root; the sandbox's own user runs it then.
run_as=()
if ((EUID == 0)); then
  owner=$(stat -c %U "${FAM_SANDBOX_DIR:-$work}")
  [[ $owner == root ]] && owner=postgres
  chown -R "$owner" "$work"
  run_as=(runuser -u "$owner" --)
fi
"${run_as[@]}" "$pgbouncer" -d "$work/pgbouncer.ini" || die "pgbouncer did not start: $(tail -n 5 "$work/pgbouncer.log" 2>/dev/null)"
# -d returns before the daemon listens: wait for it, as pg_ctl -w waits for PostgreSQL (10 s at most).
for ((try = 0; try < 200; ++try)); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "pgbouncer does not listen on $port: $(tail -n 5 "$work/pgbouncer.log")"

export FAM_RO_URL="postgresql://analytics_ro@127.0.0.1:$port/tracksolid_db"
export FAM_THROUGH_PGBOUNCER=1
printf 'through PgBouncer %s (transaction pooling) on 127.0.0.1:%s: %s\n' \
  "$("$pgbouncer" --version | head -n 1)" "$port" "$tags"
"$tests_binary" "$tags"
