#!/usr/bin/env bash
# Install everything needed to build and test fleet-analytics-mcp on Debian/Ubuntu.
#
#   scripts/install_deps.sh           install what is missing (apt-get, as root or via sudo)
#   scripts/install_deps.sh --check   only report what is missing; exit 1 if anything is
#
# Idempotent: when everything is installed it does nothing (not even `apt-get update`).
# It never starts a system service: while it installs, a temporary
# /usr/sbin/policy-rc.d answers 101 ("action forbidden") to invoke-rc.d and
# deb-systemd-invoke, so the postgresql and openssh-server packages install without
# starting their daemons (the tests run their own throwaway servers instead; see
# scripts/pg_sandbox.sh). A policy-rc.d that already exists is left alone.
# TimescaleDB, which Debian does not package, is built from ../shared/vendor when that folder is
# beside the repository (once, about 3 minutes); without it everything runs on plain PostgreSQL.
set -euo pipefail

readonly PROG="${0##*/}"
TIMESCALEDB_INSTALLER=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/../shared/vendor/install-timescaledb.sh
readonly TIMESCALEDB_INSTALLER

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
info() { printf '%s: %s\n' "$PROG" "$*" >&2; }

check_only=0
case "${1:-}" in
  '') ;;
  --check) check_only=1 ;;
  -h | --help)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 0
    ;;
  *) die "unknown argument '$1' (usage: $PROG [--check])" ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  die "this script needs a Debian/Ubuntu system (dpkg + apt-get). On other systems install the equivalents of: build-essential cmake pkg-config libpq-dev nlohmann-json3-dev libcli11-dev libssh2-1-dev catch2 libpg-query-dev postgresql + postgis 3 openssh-server openssh-client nodejs npm"
fi

export DEBIAN_FRONTEND=noninteractive

# Run as root, or through sudo when we are not root.
SUDO=()
if [[ $EUID -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -- env DEBIAN_FRONTEND=noninteractive)
  fi
fi
as_root() {
  if [[ $EUID -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    die "installing packages needs root: re-run as root, or install sudo and re-run"
  fi
  "${SUDO[@]}" "$@"
}

is_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) || return 1
  [[ $status == ii* ]]
}

BASE_PACKAGES=(
  build-essential cmake pkg-config
  libpq-dev nlohmann-json3-dev libcli11-dev libssh2-1-dev catch2 libpg-query-dev
  # export_query's XLSX files
  libxlsxwriter-dev
  postgresql
  openssh-server openssh-client
  # packaging: dpkg-shlibdeps (dpkg-dev) and file for CPack's .deb; man-db to check the man page
  dpkg-dev file man-db
  # scripts/lint.sh; and clang's libFuzzer for scripts/fuzz.sh
  clang-tidy clang
  # independent readers of exported files in the tests: openpyxl (XLSX) and ogrinfo (GeoJSON)
  python3-openpyxl gdal-bin
  # the MCP Apps views: the JavaScript libraries inlined at build time (src/views), and the
  # browser that tests/views drives
  libjs-leaflet libjs-leaflet.markercluster libjs-chart.js chromium
  # the end-to-end tests run again through a connection pooler (tests/integration/pgbouncer_test.sh)
  pgbouncer
)

updated=0
apt_update_once() {
  if [[ $updated -eq 0 ]]; then
    info "apt-get update"
    as_root apt-get -q -o Dpkg::Use-Pty=0 update >/dev/null
    updated=1
  fi
}

# "15+248+deb12u2" -> 15 ; "1:16+257build1" -> 16 (an epoch is dropped).
major_of() {
  local v=${1#*:}
  v=${v%%+*}
  v=${v%%.*}
  [[ $v =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$v"
}

missing=()
for p in "${BASE_PACKAGES[@]}"; do
  is_installed "$p" || missing+=("$p")
done

# The client tests (tests/clients) run Claude Code, the MCP Inspector and mcpb from npm. Any
# Node.js with npm will do (the clients bring the Node version they need), so only a missing npm
# command pulls in Debian's.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

# PostGIS must match the PostgreSQL major that the `postgresql` metapackage brings:
# the installed one if present, otherwise apt's candidate.
pg_major=""
if is_installed postgresql; then
  pg_major=$(major_of "$(dpkg-query -W -f='${Version}' postgresql)") || pg_major=""
fi
if [[ -z $pg_major ]]; then
  # Only reached when postgresql is missing, so an update is needed anyway.
  if [[ $check_only -eq 0 ]]; then apt_update_once; fi
  candidate=$(apt-cache policy postgresql 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
  if [[ -n $candidate && $candidate != "(none)" ]]; then
    pg_major=$(major_of "$candidate") || pg_major=""
  fi
fi
if [[ -n $pg_major ]]; then
  postgis_pkg="postgresql-${pg_major}-postgis-3"
  is_installed "$postgis_pkg" || missing+=("$postgis_pkg")
  # The server headers build TimescaleDB (below), where its source is at hand.
  if [[ -r $TIMESCALEDB_INSTALLER ]]; then
    is_installed "postgresql-server-dev-$pg_major" || missing+=("postgresql-server-dev-$pg_major")
  fi
elif [[ $check_only -eq 1 ]]; then
  missing+=("postgresql-<major>-postgis-3")
else
  die "cannot tell which PostgreSQL major apt would install (apt-cache policy postgresql shows no candidate); check /etc/apt/sources.list and run 'apt-get update'"
fi

# TimescaleDB is not in Debian: the project's shared vendor folder, beside the repository, holds its
# source and a script that builds it (about 3 minutes on 2 cores, once). Without it the tests and the
# demo run on plain PostgreSQL, which the product supports as well.
install_timescaledb() {
  if [[ ! -r $TIMESCALEDB_INSTALLER ]]; then
    info "TimescaleDB: no $TIMESCALEDB_INSTALLER here; the sandbox runs without TimescaleDB"
    return 0
  fi
  [[ $check_only -eq 0 ]] || return 0
  as_root bash "$TIMESCALEDB_INSTALLER" "/usr/lib/postgresql/$pg_major/bin/pg_config"
}

if [[ ${#missing[@]} -eq 0 ]]; then
  info "all build and test dependencies are installed${pg_major:+ (PostgreSQL $pg_major + PostGIS 3)}"
  install_timescaledb
  exit 0
fi

if [[ $check_only -eq 1 ]]; then
  info "missing packages: ${missing[*]}"
  info "install them with: scripts/install_deps.sh"
  exit 1
fi

info "installing: ${missing[*]}"
apt_update_once

# Keep maintainer scripts from starting daemons while we install (see header).
policy=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
  if [[ $created_policy -eq 1 ]]; then
    as_root rm -f "$policy" || info "warning: could not remove temporary $policy; remove it by hand"
  fi
}
trap cleanup EXIT
if [[ ! -e $policy ]]; then
  tmp_policy=$(mktemp)
  printf '#!/bin/sh\n# temporary, written by fleet-analytics-mcp scripts/install_deps.sh\nexit 101\n' >"$tmp_policy"
  as_root install -m 0755 "$tmp_policy" "$policy"
  rm -f "$tmp_policy"
  created_policy=1
fi

as_root apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends "${missing[@]}"

info "installed: ${missing[*]}"
install_timescaledb
