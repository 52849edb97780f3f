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

# shellcheck source=../support/pgbouncer.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/pgbouncer.sh"
start_pgbouncer || die "could not start PgBouncer"

export FAM_THROUGH_PGBOUNCER=1
printf 'through %s (transaction pooling) at %s: %s\n' "$FAM_BOUNCER_VERSION" "$FAM_BOUNCER_URL" "$tags"
FAM_RO_URL=$FAM_BOUNCER_URL "$tests_binary" "$tags"

# PgBouncer refused the server's startup options above (its default); many sites tell it to ignore
# them instead. Then the server must find that they did not arrive, and set them for each call.
(
  export FAM_BOUNCER_IGNORE=options
  start_pgbouncer || die "could not start PgBouncer with ignore_startup_parameters = options"
  printf 'again, with ignore_startup_parameters = options: [read-only]\n'
  FAM_RO_URL=$FAM_BOUNCER_URL "$tests_binary" "[read-only]~[direct-only]"
)
