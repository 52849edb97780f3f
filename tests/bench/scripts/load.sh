#!/usr/bin/env bash
# Many analysts through one sshd and one PgBouncer: starts PgBouncer (transaction pooling) in front
# of the sandbox, then fam_load with --ssh (each server process opens its own tunnel to fam_load's
# throwaway sshd) against PgBouncer's port. It fails on a failed call, a server that did not exit
# cleanly, a statement left running, or a server that held more sockets than its pool and tunnel
# need (counted in /proc/PID/fd just before each server is asked to exit).
#
#   eval "$(scripts/pg_sandbox.sh env DIR)"
#   tests/bench/scripts/load.sh build-rel/tests/bench/fam_load [--servers 20 --in-flight 8 --seconds 60]
#
# The full run is the default of fam_load (20 x 8 for a minute); CI runs a short one (ctest load_test).
set -euo pipefail

(($# >= 1)) || { echo "usage: load.sh FAM_LOAD_BINARY [fam_load options]" >&2; exit 2; }
fam_load=$1
shift
# shellcheck source=../../support/pgbouncer.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/pgbouncer.sh"
start_pgbouncer
echo "through $FAM_BOUNCER_VERSION (transaction pooling, ${FAM_BOUNCER_POOL_SIZE:-10} server connections) at $FAM_BOUNCER_URL"
"$fam_load" --ssh --database-url "$FAM_BOUNCER_URL" "$@"
