#!/usr/bin/env bash
# Builds fleet-analytics-mcp and runs every test: the README's second command.
#
#   scripts/test.sh [--sanitize] [--no-deps] [--build-only] [CTEST ARGS...]
#
#   1. installs what is missing (scripts/install_deps.sh; sudo if not root)
#   2. builds with warnings as errors into build-tests/ (--sanitize: AddressSanitizer and
#      UndefinedBehaviorSanitizer, into build-asan/)
#   3. starts a throwaway PostgreSQL + PostGIS sandbox with the small fleet dataset on a free
#      loopback port, and removes it again when the tests end, whatever their result
#   4. runs every test with CTest (unit tests, the real binary over stdio, the SSH tunnel
#      against a real sshd); extra arguments go to ctest, e.g. -R integration
#
# --build-only stops after step 2 (CI builds the next thing while this build's tests run).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR REPO_DIR

build_dir=$REPO_DIR/build-tests
cmake_flags=(-DFAM_WERROR=ON)
do_deps=1
build_only=0
while (($#)); do
  case $1 in
    --sanitize)
      build_dir=$REPO_DIR/build-asan
      cmake_flags+=(-DFAM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
      ;;
    --no-deps) do_deps=0 ;;
    --build-only) build_only=1 ;;
    *) break ;;
  esac
  shift
done

step() { printf '\n==> %s\n' "$*" >&2; }

if ((do_deps)); then
  step "installing what is missing"
  "$SCRIPT_DIR/install_deps.sh"
fi

step "building into ${build_dir#"$REPO_DIR"/}"
cmake -S "$REPO_DIR" -B "$build_dir" "${cmake_flags[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
((build_only)) && exit 0

# shellcheck source=../tests/support/ports.sh
source "$REPO_DIR/tests/support/ports.sh"

step "starting the sandbox database"
sandbox=$(mktemp -d /tmp/fam-test-pg.XXXXXX)
rmdir "$sandbox"  # pg_sandbox.sh creates it with the right owner
trap '"$SCRIPT_DIR/pg_sandbox.sh" stop "$sandbox" >/dev/null 2>&1 || true' EXIT
"$SCRIPT_DIR/pg_sandbox.sh" start "$sandbox" "$(free_port 55433)" >/dev/null
"$SCRIPT_DIR/pg_sandbox.sh" load "$sandbox" --scale small >/dev/null
eval "$("$SCRIPT_DIR/pg_sandbox.sh" env "$sandbox")"

# clients_test (tests/clients/clients_test.sh) installs the pinned npm clients on its first run, into
# this cache (its default): a download that size should not start without a word.
clients_cache=${FAM_NPM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fleet-analytics-mcp/clients}
warn_about_client_download() {
  compgen -G "$clients_cache/*/.complete" >/dev/null && return
  local listed
  listed=$(ctest --test-dir "$build_dir" -N "$@" 2>/dev/null || true)
  grep -qE ': clients_test$' <<<"$listed" || return 0
  printf '%s\n' "note: the first run of clients_test downloads the pinned clients (Claude Code, MCP Inspector, mcpb; ~700 MB, once, cached in $clients_cache); to skip them: scripts/test.sh -E clients_test" >&2
}

step "running the tests"
warn_about_client_download "$@"
# The ASan runtime reports leaks at exit; libpq and libssh2 keep nothing we own past exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A hung test fails after this long instead of hanging the run (each test program's own waits are
# bounded too; the slowest, integration_tests under ASan, takes about two minutes).
ctest --test-dir "$build_dir" --output-on-failure --timeout 900 "$@"
