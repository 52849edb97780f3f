#!/usr/bin/env bash
# Create or update the read-only role analytics_ro and give it a fresh password.
#
#   scripts/bootstrap_analytics_ro.sh [--admin-url URL] [--password-file PATH]
#
#   --admin-url URL       libpq URL/conninfo of tracksolid_db as a superuser or a role with
#                         CREATEROLE that owns the schemas (default: $FAM_ADMIN_URL, else the
#                         PG* environment variables / local socket defaults of psql, database
#                         tracksolid_db).
#   --password-file PATH  where to store the generated password (default ~/.analytics_ro.pw).
#
# What it does: applies scripts/analytics_ro_role.sql (idempotent), generates a strong random
# password, sets it with ALTER ROLE ... PASSWORD fed to psql on stdin (never on a command
# line, so it does not show in `ps`), and writes it to PATH atomically with mode 0600. The
# file holds the password alone, without a trailing newline. Re-running rotates the password.
set -euo pipefail

readonly PROG="${0##*/}"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
info() { printf '%s: %s\n' "$PROG" "$*" >&2; }

admin_url=${FAM_ADMIN_URL:-}
password_file=${HOME:-}/.analytics_ro.pw
[[ -n ${HOME:-} ]] || password_file=""

while (($#)); do
  case $1 in
    --admin-url)
      (($# >= 2)) || die "--admin-url needs a value"
      admin_url=$2
      shift 2
      ;;
    --admin-url=*)
      admin_url=${1#*=}
      shift
      ;;
    --password-file)
      (($# >= 2)) || die "--password-file needs a value"
      password_file=$2
      shift 2
      ;;
    --password-file=*)
      password_file=${1#*=}
      shift
      ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    *) die "unknown argument '$1' (see $PROG --help)" ;;
  esac
done
[[ -n $password_file ]] || die "HOME is not set; pass --password-file PATH"
command -v psql >/dev/null 2>&1 || die "psql not found; run scripts/install_deps.sh (package postgresql-client)"
role_sql=$SCRIPT_DIR/analytics_ro_role.sql
[[ -r $role_sql ]] || die "missing $role_sql"
pw_dir=$(dirname -- "$password_file")
[[ -d $pw_dir ]] || die "directory $pw_dir does not exist (for --password-file $password_file)"
[[ -w $pw_dir ]] || die "cannot write into $pw_dir (for --password-file $password_file)"


conn=()
if [[ -n $admin_url ]]; then
  conn=(-d "$admin_url")
else
  conn=(-d "${PGDATABASE:-tracksolid_db}")
fi
psql_admin() {
  PGAPPNAME=bootstrap_analytics_ro psql -X -q -v ON_ERROR_STOP=1 "${conn[@]}" "$@"
}

# Make sure we can connect, and find out where the database actually is (for the URL
# printed at the end). The URL may contain an admin password, so never print it.
if ! target=$(psql_admin -tA -F '|' -c \
  "SELECT current_database(), coalesce(host(inet_server_addr()), ''), current_setting('port'), current_user" 2>&1); then
  printf '%s\n' "$target" >&2
  die "cannot connect as an administrator; pass --admin-url 'postgresql://USER@HOST:PORT/tracksolid_db' (a superuser, or a CREATEROLE role owning the schemas)"
fi
IFS='|' read -r db_name server_addr server_port admin_user <<<"$target"
info "applying $role_sql to database $db_name as $admin_user"
psql_admin -f "$role_sql" >/dev/null

# Strong URL-safe password: 30 random bytes -> 40 base64url characters (240 bits).
password=$(head -c 30 /dev/urandom | base64 -w0 | tr '+/' '-_')
[[ ${#password} -eq 40 ]] || die "could not generate a password from /dev/urandom"

# Write the new password next to the target first, so a failure leaves the old file (and
# the old password, which still matches it) in place.
tmp=$(umask 077 && mktemp "$pw_dir/.analytics_ro.pw.XXXXXX")
cleanup() { rm -f -- "$tmp"; }
trap cleanup EXIT
printf '%s' "$password" >"$tmp"
chmod 0600 "$tmp"

# The secret travels over psql's stdin only (printf is a shell builtin: no argv, no ps).
# Statement logging is switched off for this session first (when we may: superuser only)
# so that a server with log_statement=all or an error does not log the password.
{
  printf '%s\n' "DO \$\$ BEGIN PERFORM set_config('log_statement', 'none', false); PERFORM set_config('log_min_error_statement', 'panic', false); EXCEPTION WHEN insufficient_privilege THEN NULL; END \$\$;"
  printf "\\\\set ro_password '%s'\n" "$password"
  printf "ALTER ROLE analytics_ro PASSWORD :'ro_password';\n"
} | psql_admin -f - >/dev/null || die "setting the analytics_ro password failed; the old password file (if any) is unchanged"

mv -f -- "$tmp" "$password_file"
trap - EXIT
unset password

host=${server_addr:-127.0.0.1}
case $host in *:*) host="[$host]" ;; esac
info "analytics_ro is ready (password rotated)"
printf 'password file:  %s\n' "$password_file"
printf 'database URL:   postgresql://analytics_ro@%s:%s/%s\n' "$host" "$server_port" "$db_name"
printf 'use with:       fleet-analytics-mcp --database-url '\''postgresql://analytics_ro@%s:%s/%s'\'' --database-password-file %s\n' \
  "$host" "$server_port" "$db_name" "$password_file"
if [[ -z $server_addr ]]; then
  printf '(connected over a Unix socket: if the server listens elsewhere, replace the host/port accordingly)\n'
fi
