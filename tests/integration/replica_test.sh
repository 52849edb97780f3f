#!/usr/bin/env bash
# Read replicas, end to end: a primary made for streaming and a standby copied from it with
# pg_basebackup (scripts/pg_sandbox.sh replica), both on loopback; then the [replica] tests of
# integration_tests, with a --database-url that lists the standby first and the primary second:
# once connecting directly, then, with a fresh standby (each test stops it), through the built-in
# SSH tunnel to a throwaway sshd.
#
#   replica_test.sh INTEGRATION_TESTS_BINARY
set -euo pipefail

(($# == 1)) || { echo "usage: replica_test.sh INTEGRATION_TESTS_BINARY" >&2; exit 2; }
tests_binary=$1
sandbox=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)/pg_sandbox.sh

# shellcheck source=../support/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/ports.sh"

primary=$(mktemp -u /tmp/fam-primary.XXXXXX)
standby=$(mktemp -u /tmp/fam-standby.XXXXXX)
trap '"$sandbox" stop "$standby" >/dev/null 2>&1 || true; "$sandbox" stop "$primary" >/dev/null 2>&1 || true' EXIT
primary_port=$(free_port 56633)
FAM_SANDBOX_REPLICATION=on "$sandbox" start "$primary" "$primary_port" >/dev/null
"$sandbox" load "$primary" --scale small >/dev/null
standby_port=$(free_port $((primary_port + 1)))

eval "$("$sandbox" env "$primary")"
export FAM_REPLICA_URL="postgresql://analytics_ro@127.0.0.1:$standby_port,127.0.0.1:$primary_port/tracksolid_db?target_session_attrs=prefer-standby"
export FAM_REPLICA_STOP="$sandbox stop $standby >/dev/null"
for tests in "[replica]~[tunnel]" "[replica][tunnel]"; do
  "$sandbox" replica "$primary" "$standby" "$standby_port" >/dev/null
  printf 'standby 127.0.0.1:%s streaming from primary 127.0.0.1:%s: %s\n' "$standby_port" "$primary_port" "$tests"
  "$tests_binary" "$tests"
done
