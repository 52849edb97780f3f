#!/usr/bin/env bash
# End-to-end test of the MCP Apps views in a real browser: tests/views/views_test.mjs, driving
# Debian's Chromium with puppeteer-core (no browser download).
#
#   tests/views/views_test.sh [--fixtures-only]
#
# Installs puppeteer-core as pinned in tests/views/package-lock.json from the npm registry on its
# first run, into a cache, then runs views_test.mjs (its header says what it checks).
#
# Environment (CTest sets the first three; scripts/test.sh the database ones):
#   FAM_SERVER_BINARY                  the fleet-analytics-mcp binary (not with --fixtures-only)
#   FAM_VIEWS_HTML_DIR                 the built map.html and chart.html (BUILD/src/views)
#   FAM_VIEWS_ARTIFACTS                where the screenshots go (default: the current directory)
#   FAM_RO_URL, FAM_RO_PASSWORD_FILE   the sandbox database as analytics_ro (scripts/pg_sandbox.sh env)
#   FAM_VIEWS_NPM_CACHE                where puppeteer-core is installed, one directory per lock file
#                                      (default ~/.cache/fleet-analytics-mcp/views). Not FAM_NPM_CACHE:
#                                      clients_test.sh removes every other directory in its cache.
#   FAM_CHROMIUM                       the browser (default /usr/lib/chromium/chromium)
#
# Updating puppeteer-core: in tests/views, `npm install --package-lock-only --save-exact
# puppeteer-core@VERSION`; its cache follows the lock file.
set -euo pipefail

readonly PROG="${0##*/}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly NPM_TIMEOUT=600

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  die "node and npm are not installed (Debian/Ubuntu: apt-get install nodejs npm)"
[[ -x ${FAM_CHROMIUM:-/usr/lib/chromium/chromium} || -x /usr/bin/chromium ]] ||
  die "no Chromium (Debian/Ubuntu: apt-get install chromium, or set FAM_CHROMIUM)"
[[ -n ${FAM_VIEWS_HTML_DIR:-} ]] || die "FAM_VIEWS_HTML_DIR is not set: the directory of the built map.html and chart.html"

# puppeteer-core, installed once per lock file into the cache (as tests/clients does).
install() {
  local key root dir tmp log
  key=$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -c1-16)
  root=${FAM_VIEWS_NPM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fleet-analytics-mcp/views}
  dir=$root/$key
  mkdir -p "$root"
  # One installer at a time (ctest -j, or the plain and sanitizer runs side by side).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$root/.lock"
    flock -w "$NPM_TIMEOUT" 9 || die "another run holds $root/.lock"
  fi
  if [[ ! -f $dir/.complete ]]; then
    tmp=$(mktemp -d "$root/.installing.XXXXXX")
    log=$tmp.log
    cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
    printf '      npm ci into %s (npm %s, node %s)\n' "$dir" "$(npm --version)" "$(node --version)" >&2
    if ! (cd "$tmp" && timeout "$NPM_TIMEOUT" npm ci --no-audit --no-fund --ignore-scripts) >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      rm -rf -- "$tmp" "$log"
      die "npm ci failed (last lines above); is the npm registry reachable?"
    fi
    rm -f -- "$log"
    touch "$tmp/.complete"
    rm -rf -- "$dir"
    mv -- "$tmp" "$dir"
    # Installs for older lock files are dead weight.
    find "$root" -mindepth 1 -maxdepth 1 -type d ! -name "$key" ! -name '.installing.*' -exec rm -rf -- {} +
  fi
  printf '%s\n' "$dir/node_modules"
}

FAM_VIEWS_MODULES=$(install)
export FAM_VIEWS_MODULES
exec node "$HERE/views_test.mjs" "$@"
