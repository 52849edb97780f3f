#!/usr/bin/env bash
# End-to-end with the real clients: "from download to connected in Claude".
#
#   tests/clients/clients_test.sh
#
# Installs the clients pinned in tests/clients/package-lock.json from the npm registry (Claude Code,
# the MCP Inspector, the MCPB bundler, and a Node.js 22 binary for the last two), then:
#   - the README's analyst path through the SSH tunnel, against a throwaway OpenSSH server on
#     127.0.0.1 configured with the Match block of scripts/sshd_tunnel.conf (for the current user):
#     ssh-keygen in the throwaway HOME, scripts/tunnel_account.sh add authorises the key, `doctor`
#     passes with --ssh-accept-new and again without it, Claude Code reports the tunnelled server
#     connected, and after tunnel_account.sh revoke `doctor` stops at the SSH login;
#   - Claude Code, in a throwaway HOME with no credentials, offline: `claude mcp add` as the README
#     shows, `claude mcp list` reports the server connected (a server whose database port is
#     closed too: it starts without its database), `claude mcp get` shows the command;
#   - the Inspector CLI: tools/list returns the eight tools, tools/call of `query` returns the count
#     psql gives, and with the database port closed it answers with the cause and the fix;
#   - mcpb: the manifest validates, packaging/mcpb/build_bundle.sh packs a bundle holding the binary,
#     and the bundle, configured as Claude Desktop configures it, starts the binary with the
#     user's settings.
#
# Environment (CTest sets FAM_SERVER_BINARY and FAM_SOURCE_DIR; scripts/test.sh the database ones):
#   FAM_SERVER_BINARY                  the fleet-analytics-mcp binary under test
#   FAM_RO_URL, FAM_RO_PASSWORD_FILE   the sandbox database as analytics_ro (scripts/pg_sandbox.sh env)
#   FAM_ADMIN_URL                      optional: the sandbox superuser, to compute the expected count
#   FAM_NPM_CACHE                      where the clients are installed, one directory per lock file
#                                      (default ~/.cache/fleet-analytics-mcp/clients): later runs skip npm
#   FAM_CLIENTS_KEEP=1                 keep the temporary directory (HOME, logs, bundle, the sshd's
#                                      config and log) for a look; the sshd is stopped all the same
# Needs OpenSSH's sshd and ssh-keygen (as root, sshd also gets /run/sshd, its privilege separation
# directory).
#
# Updating a client: in tests/clients, `npm install --package-lock-only --save-exact PKG@VERSION`
# (and the pinned version in package.json's allowScripts for @anthropic-ai/claude-code), then run
# this test: its cache follows the lock file.
set -euo pipefail

readonly PROG="${0##*/}"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly SOURCE_DIR=${FAM_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}
readonly SERVER_NAME=fleet-analytics
readonly BROKEN_NAME=fleet-analytics-unreachable
# Added with the README's SSH options: through the throwaway sshd, with the analyst's default key.
readonly TUNNEL_NAME=fleet-analytics-tunnel
readonly SSHD=/usr/sbin/sshd  # absolute: sshd re-executes itself for each connection
# sshd listens well within a second; this bounds the wait for it (seconds).
readonly SSHD_READY_LIMIT=10
# Added with `claude mcp add-json` from the entry docs/ANALYTICS_MCP.md gives for Claude Desktop.
readonly DESKTOP_NAME=fleet-analytics-desktop
readonly TOOLS="query list_schemas list_tables describe_table list_functions sample_table explain export_query"
readonly COUNT_SQL="SELECT count(*) AS n FROM tracksolid.devices"
# Port 1 (tcpmux) is privileged and unused: nothing listens there, so the connection is refused.
readonly CLOSED_URL="postgresql://analytics_ro@127.0.0.1:1/tracksolid_db"
# Bounds on each client run; generous, since CI may run an AddressSanitizer build on shared cores.
readonly CLIENT_TIMEOUT=120
# mcpb pack compresses the whole binary in JavaScript: an AddressSanitizer build takes a while.
readonly PACK_TIMEOUT=600
readonly NPM_TIMEOUT=900

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
# Inside a step: explain the failure and end the step.
fail() {
  printf '      %s\n' "$@" >&2
  return 1
}
need_env() {
  [[ -n ${!1:-} ]] || die "$1 is not set: run the tests through scripts/test.sh, which starts the sandbox database"
}

need_env FAM_SERVER_BINARY
need_env FAM_RO_URL
need_env FAM_RO_PASSWORD_FILE
[[ -x $FAM_SERVER_BINARY ]] || die "FAM_SERVER_BINARY=$FAM_SERVER_BINARY is not an executable file"
command -v npm >/dev/null 2>&1 ||
  die "npm is not installed: the client tests need Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm)"
command -v psql >/dev/null 2>&1 || die "psql is not installed (Debian/Ubuntu: apt-get install postgresql-client)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is not installed"
if [[ ! -x $SSHD ]] || ! command -v ssh-keygen >/dev/null 2>&1; then
  die "no $SSHD or ssh-keygen: the SSH tunnel steps need OpenSSH (Debian/Ubuntu: apt-get install openssh-server openssh-client)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fam-clients.XXXXXX")
# The throwaway sshd's files: config, host key, authorized_keys, log, and its pid once started.
readonly sshd_dir=$work/sshd
cleanup() {
  stop_sshd
  if [[ ${FAM_CLIENTS_KEEP:-0} == 1 ]]; then
    printf '%s: kept %s\n' "$PROG" "$work" >&2
  else
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT
mkdir -p "$work/home/project" "$work/logs" "$sshd_dir"

# True while process $1 runs and is sshd (not a zombie that nobody reaped, nor a reused pid).
sshd_running() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ -r /proc/$1/stat ]] || return 0
  local stat
  stat=$(<"/proc/$1/stat") || return 1
  [[ $stat == *"(sshd) "* && $stat != *"(sshd) Z"* ]]
}
# The sshd started by step_sshd (in a subshell, so not a child of this shell): TERM, then KILL
# if it has not gone within 5 s.
stop_sshd() {
  [[ -s $sshd_dir/pid ]] || return 0
  local pid i
  pid=$(<"$sshd_dir/pid")
  sshd_running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    sshd_running "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
sshd_log() {
  tail -n 20 "$sshd_dir/sshd.log" 2>/dev/null || echo "(no log)"
}

# ---------------------------------------------------------------------------
# Steps: each runs in a subshell with errexit, so the first failing command ends it; the summary
# counts them. A step's output is in $work/logs. run_step must not be called in a condition
# (`if`, `||`): bash would then ignore errexit inside the step too.
passed=0
failed=0
run_step() {
  local name=$1 fn=$2 t0 rc
  t0=$(date +%s.%N)
  set +e
  (
    set -e
    "$fn"
  )
  rc=$?
  set -e
  local took
  took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if ((rc == 0)); then
    passed=$((passed + 1))
    printf 'ok    %s (%s s)\n' "$name" "$took"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s (%s s)\n' "$name" "$took"
  fi
}
summary() {
  printf '%s: %d passed, %d failed\n' "$PROG" "$passed" "$failed"
  ((failed == 0))
}

# Runs a client bounded by CLIENT_TIMEOUT (or $limit), in the throwaway HOME, with nothing of the
# caller's environment but what the server needs: no API keys or tokens reach Claude Code, and no
# SSH_AUTH_SOCK reaches the server: it logs in with the key in the throwaway ~/.ssh, as on a fresh
# machine, and records host keys in that HOME's ~/.ssh/known_hosts.
client() {
  local env=(
    PATH="${node%/*}:$modules/.bin:$PATH"
    HOME="$work/home"
    TMPDIR="${TMPDIR:-/tmp}"
    LANG=C.UTF-8
    TERM=dumb
    NO_COLOR=1
    # Claude Code: no update checks, telemetry, error reports or other network traffic.
    DISABLE_AUTOUPDATER=1
    DISABLE_TELEMETRY=1
    DISABLE_ERROR_REPORTING=1
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
  )
  local name
  for name in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS LD_LIBRARY_PATH; do
    if [[ -n ${!name:-} ]]; then env+=("$name=${!name}"); fi
  done
  (cd "$work/home/project" && env -i "${env[@]}" timeout "${limit:-$CLIENT_TIMEOUT}" "$@")
}

# Prints the value of the JavaScript expression $1 over the JSON document `x` read from stdin.
json() {
  "$node" -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      try {
        const x = JSON.parse(s);
        const v = eval(process.argv[1]);
        console.log(typeof v === "string" ? v : JSON.stringify(v));
      } catch (e) {
        console.error("      not JSON, or no " + process.argv[1] + " in it: " + e.message);
        process.exit(1);
      }
    });
  ' "$1"
}

# The one line of `claude mcp list` about server NAME ("NAME: command args - status").
list_line() {
  grep -- "^$1: " "$work/logs/claude-mcp-list.out" | head -n 1
}

expected_count() {
  if [[ -n ${FAM_ADMIN_URL:-} ]]; then
    psql -X -At -v ON_ERROR_STOP=1 -d "$FAM_ADMIN_URL" -c "$COUNT_SQL"
  else
    PGPASSWORD=$(head -n 1 "$FAM_RO_PASSWORD_FILE") psql -X -At -v ON_ERROR_STOP=1 -d "$FAM_RO_URL" -c "$COUNT_SQL"
  fi
}

# ---------------------------------------------------------------------------
# (a) The clients, installed once per lock file (and machine architecture) into the cache.
step_install() {
  local key root dir tmp
  key=$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -c1-16)-$(uname -m)
  root=${FAM_NPM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fleet-analytics-mcp/clients}
  dir=$root/$key
  mkdir -p "$root"
  # One installer at a time (ctest -j, or the plain and sanitizer runs side by side).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$root/.lock"
    flock -w "$NPM_TIMEOUT" 9 || fail "another run holds $root/.lock"
  fi
  if [[ -f $dir/.complete ]]; then
    printf '      cached: %s\n' "$dir"
  else
    tmp=$(mktemp -d "$root/.installing.XXXXXX")
    cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
    printf '      npm ci into %s (npm %s, node %s)\n' "$dir" "$(npm --version)" "$(node --version 2>/dev/null || echo none)"
    if ! (cd "$tmp" && timeout "$NPM_TIMEOUT" npm ci --no-audit --no-fund --engine-strict=false) >"$work/logs/npm-ci.log" 2>&1; then
      tail -n 40 "$work/logs/npm-ci.log" >&2
      rm -rf -- "$tmp"
      fail "npm ci failed (last lines above); is the npm registry reachable?"
    fi
    touch "$tmp/.complete"
    rm -rf -- "$dir"
    mv -- "$tmp" "$dir"
    # Installs for older lock files are dead weight (Claude Code alone is ~400 MB).
    find "$root" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf -- {} +
  fi
  printf '%s\n' "$dir/node_modules" >"$work/modules"
}

# ---------------------------------------------------------------------------
# (b) The README's analyst path through the SSH tunnel (steps 2 and 3; step 4 is in (c)).

# A 127.0.0.1 port nothing listens on (bound, then released: should another process take it before
# sshd binds it, sshd exits and says so).
free_port() {
  "$node" -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Sets db_host and db_port to where FAM_RO_URL points (postgresql://user@HOST:PORT/db): the
# endpoint the analyst's key may forward to.
db_endpoint() {
  local re='^postgres(ql)?://([^@/]*@)?(\[[^]/]*\]|[^]:/?[]+)(:([0-9]+))?([/?]|$)'
  [[ $FAM_RO_URL =~ $re ]] ||
    fail "FAM_RO_URL=$FAM_RO_URL does not name a TCP host (postgresql://user@HOST:PORT/db): nothing to forward to"
  db_host=${BASH_REMATCH[3]}
  db_host=${db_host#[}
  db_host=${db_host%]}
  db_port=${BASH_REMATCH[5]:-5432}
}

# An OpenSSH server on 127.0.0.1 for the current user, set up as docs/ANALYTICS_MCP.md's host
# set-up: the Match block of scripts/sshd_tunnel.conf, with the user and PermitOpen adapted.
step_sshd() {
  local user port match permit pid deadline
  user=$(id -un)
  db_endpoint
  permit="$db_host:$db_port"
  [[ $db_host != *:* ]] || permit="[$db_host]:$db_port"
  # As root, sshd needs its privilege separation directory.
  if ((EUID == 0)); then mkdir -p /run/sshd; fi
  ssh-keygen -q -t ed25519 -N '' -C fam-clients-host -f "$sshd_dir/host_ed25519" >"$work/logs/ssh-keygen-host.out" 2>&1 ||
    fail "ssh-keygen could not make the host key:" "$(cat "$work/logs/ssh-keygen-host.out")"
  port=$(free_port) || fail "could not find a free port on 127.0.0.1"
  [[ $port =~ ^[0-9]+$ ]] || fail "could not find a free port on 127.0.0.1 (node said '$port')"
  match=$(sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' \
    -e "s/^Match User fleet-tunnel\$/Match User $user/" \
    -e "s/^\\([[:space:]]*PermitOpen\\) 127\\.0\\.0\\.1:5432\$/\\1 $permit/" "$SOURCE_DIR/scripts/sshd_tunnel.conf")
  if ! grep -qx "Match User $user" <<<"$match" || ! grep -qx "[[:space:]]*PermitOpen $permit" <<<"$match"; then
    fail "scripts/sshd_tunnel.conf no longer has the 'Match User fleet-tunnel' and 'PermitOpen 127.0.0.1:5432'" \
      "lines this test adapts to user $user and $permit:" "$match"
  fi
  cat >"$sshd_dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $sshd_dir/host_ed25519
PidFile $sshd_dir/sshd.pid
AuthorizedKeysFile $sshd_dir/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
LogLevel VERBOSE
$match
EOF
  "$SSHD" -D -e -f "$sshd_dir/sshd_config" </dev/null >"$sshd_dir/sshd.log" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$sshd_dir/pid"
  # Ready once it accepts a connection (bounded: it does within a second).
  deadline=$((SECONDS + SSHD_READY_LIMIT))
  # shellcheck disable=SC2016 # $1 is the inner shell's
  until timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$port" 2>/dev/null; do
    sshd_running "$pid" ||
      fail "sshd exited before it listened on 127.0.0.1:$port; its log ($sshd_dir/sshd.log):" "$(sshd_log)"
    ((SECONDS < deadline)) ||
      fail "sshd did not listen on 127.0.0.1:$port within $SSHD_READY_LIMIT s; its log:" "$(sshd_log)"
    sleep 0.05
  done
  printf '%s\n' "$port" >"$sshd_dir/port"
  printf '      sshd %s on 127.0.0.1:%s for user %s, forwarding to %s only\n' \
    "$(ssh -V 2>&1 | cut -d' ' -f1 | tr -d ,)" "$port" "$user" "$permit"
}

# README step 2: the analyst makes a key in HOME; the operator authorises it with tunnel_account.sh.
step_tunnel_key() {
  install -d -m 0700 "$work/home/.ssh"
  client ssh-keygen -q -t ed25519 -N '' -f "$work/home/.ssh/id_ed25519" >"$work/logs/ssh-keygen.out" 2>&1 ||
    fail "ssh-keygen could not make the analyst's key:" "$(cat "$work/logs/ssh-keygen.out")"
  db_endpoint
  "$SOURCE_DIR/scripts/tunnel_account.sh" add --key "$work/home/.ssh/id_ed25519.pub" --comment analyst \
    --authorized-keys "$sshd_dir/authorized_keys" --db-host "$db_host" --db-port "$db_port" \
    >"$work/logs/tunnel-account-add.out" 2>&1 ||
    fail "tunnel_account.sh add failed:" "$(cat "$work/logs/tunnel-account-add.out")"
  printf '      %s\n' "$(cat "$work/logs/tunnel-account-add.out")"
  grep -q '^restrict,port-forwarding,permitopen=".*",command="/bin/false" ssh-ed25519 ' "$sshd_dir/authorized_keys" ||
    fail "authorized_keys has no restricted line for the key:" "$(cat "$sshd_dir/authorized_keys")"
}

# The README's options for the tunnel, as the analyst types them (no --ssh-identity: the key is
# the default ~/.ssh/id_ed25519; no --ssh-known-hosts: ~/.ssh/known_hosts).
tunnel_options() {
  [[ -s $sshd_dir/port ]] || fail "no sshd (its step failed)"
  tunnel=(--ssh-host 127.0.0.1 --ssh-port "$(<"$sshd_dir/port")" --ssh-user "$(id -un)"
    --database-url "$FAM_RO_URL" --database-password-file "$FAM_RO_PASSWORD_FILE")
}

# Runs doctor with the tunnel options and "$@" in the analyst's HOME; its output in
# $work/logs/$name.out, its exit status in doctor_rc.
tunnel_doctor() {
  local name=$1
  shift
  tunnel_options
  doctor_out=$work/logs/$name.out
  doctor_rc=0
  client "$FAM_SERVER_BINARY" doctor "${tunnel[@]}" "$@" >"$doctor_out" 2>&1 || doctor_rc=$?
}

# doctor's line for check $1.
doctor_line() {
  grep -E "^(ok|FAIL|skip) +$1( |\$)" "$doctor_out" | head -n 1
}

expect_doctor_ok() {
  local check line
  for check in "ssh config" "host key" "SSH login" "forward" "database login"; do
    line=$(doctor_line "$check")
    printf '      %s\n' "${line:-(no line for $check)}"
    [[ $line == "ok "* ]] ||
      fail "doctor's '$check' check did not pass (exit $doctor_rc); doctor said:" "$(cat "$doctor_out")" \
        "sshd's log:" "$(sshd_log)"
  done
  ((doctor_rc == 0)) || fail "doctor exited with $doctor_rc, not 0:" "$(cat "$doctor_out")"
  [[ $(doctor_line "ssh config") == *"keys: $work/home/.ssh/id_ed25519"* ]] ||
    fail "doctor did not take the key from the analyst's ~/.ssh/id_ed25519 alone:" "$(doctor_line "ssh config")"
}

# README step 3: the first run meets an unknown host key; --ssh-accept-new records it.
step_tunnel_doctor_new() {
  tunnel_doctor doctor-accept-new --ssh-accept-new
  expect_doctor_ok
  grep -q "^\\[127.0.0.1\\]:$(<"$sshd_dir/port") ssh-ed25519 " "$work/home/.ssh/known_hosts" ||
    fail "doctor --ssh-accept-new did not record the host key in ~/.ssh/known_hosts:" \
      "$(cat "$work/home/.ssh/known_hosts" 2>&1)"
}

step_tunnel_doctor_known() {
  tunnel_doctor doctor-known
  expect_doctor_ok
}

# The operator revokes the key: the next login fails, and doctor says where.
step_tunnel_revoked() {
  tunnel_options
  "$SOURCE_DIR/scripts/tunnel_account.sh" revoke --key "$work/home/.ssh/id_ed25519.pub" \
    --authorized-keys "$sshd_dir/authorized_keys" >"$work/logs/tunnel-account-revoke.out" 2>&1 ||
    fail "tunnel_account.sh revoke failed:" "$(cat "$work/logs/tunnel-account-revoke.out")"
  printf '      %s\n' "$(cat "$work/logs/tunnel-account-revoke.out")"
  tunnel_doctor doctor-revoked
  local line
  line=$(doctor_line "SSH login")
  printf '      %s\n' "${line:-(no line for SSH login)}"
  [[ $line == "FAIL "* ]] ||
    fail "doctor did not stop at 'FAIL  SSH login' after the key was revoked (exit $doctor_rc):" \
      "$(cat "$doctor_out")" "sshd's log:" "$(sshd_log)"
  ((doctor_rc == 1)) || fail "doctor exited with $doctor_rc, not 1, after a failed check:" "$(cat "$doctor_out")"
}

# ---------------------------------------------------------------------------
# (c) Claude Code.
step_claude_add() {
  local out
  out=$(client "$claude" --version) || fail "claude --version failed: $out"
  printf '      %s\n' "$out"
  client "$claude" mcp add --transport stdio "$SERVER_NAME" -- "$FAM_SERVER_BINARY" \
    --database-url "$FAM_RO_URL" --database-password-file "$FAM_RO_PASSWORD_FILE" \
    >"$work/logs/claude-mcp-add.out" 2>&1 ||
    fail "claude mcp add failed:" "$(cat "$work/logs/claude-mcp-add.out")"
  client "$claude" mcp add --transport stdio "$BROKEN_NAME" -- "$FAM_SERVER_BINARY" \
    --database-url "$CLOSED_URL" --database-password-file "$FAM_RO_PASSWORD_FILE" \
    >>"$work/logs/claude-mcp-add.out" 2>&1 ||
    fail "claude mcp add (the unreachable server) failed:" "$(cat "$work/logs/claude-mcp-add.out")"
  # The claude_desktop_config.json entry of the guide, as it is: command, args.
  local entry
  entry=$(printf '{"command": "%s", "args": ["--database-url", "%s", "--database-password-file", "%s"]}' \
    "$FAM_SERVER_BINARY" "$FAM_RO_URL" "$FAM_RO_PASSWORD_FILE")
  client "$claude" mcp add-json "$DESKTOP_NAME" "$entry" >>"$work/logs/claude-mcp-add.out" 2>&1 ||
    fail "claude mcp add-json (the Claude Desktop entry) failed:" "$(cat "$work/logs/claude-mcp-add.out")"
}

# README step 4: the same options as doctor, without --ssh-accept-new (the key is known by now).
step_claude_add_tunnel() {
  tunnel_options
  client "$claude" mcp add --transport stdio "$TUNNEL_NAME" -- "$FAM_SERVER_BINARY" "${tunnel[@]}" \
    >"$work/logs/claude-mcp-add-tunnel.out" 2>&1 ||
    fail "claude mcp add (the tunnel server) failed:" "$(cat "$work/logs/claude-mcp-add-tunnel.out")"
}

step_claude_tunnel_connected() {
  [[ -s $work/logs/claude-mcp-list.out ]] || fail "no output of claude mcp list (its step failed)"
  tunnel_options
  local line
  line=$(list_line "$TUNNEL_NAME")
  [[ -n $line ]] || fail "claude mcp list does not mention $TUNNEL_NAME:" "$(cat "$work/logs/claude-mcp-list.out")"
  printf '      %s\n' "$line"
  [[ $line == *"${tunnel[*]:0:6}"* ]] || fail "the $TUNNEL_NAME line does not show the SSH options ${tunnel[*]:0:6}"
  [[ $line == *"✔ Connected"* ]] ||
    fail "claude mcp list does not report $TUNNEL_NAME as '✔ Connected'; the server's log as Claude Code saw it:" \
      "$(cat "$work"/home/.cache/claude-cli-nodejs/*/mcp-logs-"$TUNNEL_NAME"/*.jsonl 2>/dev/null | tail -n 20)" \
      "sshd's log:" "$(sshd_log)"
}

step_claude_desktop_entry() {
  [[ -s $work/logs/claude-mcp-list.out ]] || fail "no output of claude mcp list (its step failed)"
  local line
  line=$(list_line "$DESKTOP_NAME")
  printf '      %s\n' "$line"
  [[ $line == *"✔ Connected"* ]] ||
    fail "claude mcp list does not report the Claude Desktop style entry as '✔ Connected':" \
      "$(cat "$work/logs/claude-mcp-list.out")"
}

step_claude_connected() {
  # `claude mcp list` starts every server, and exits 0 whatever their state: its output tells.
  client "$claude" mcp list >"$work/logs/claude-mcp-list.out" 2>&1 ||
    fail "claude mcp list failed or timed out:" "$(cat "$work/logs/claude-mcp-list.out")"
  local line
  line=$(list_line "$SERVER_NAME")
  [[ -n $line ]] || fail "claude mcp list does not mention $SERVER_NAME:" "$(cat "$work/logs/claude-mcp-list.out")"
  printf '      %s\n' "$line"
  [[ $line == *"$FAM_SERVER_BINARY"* ]] || fail "the $SERVER_NAME line does not show the binary $FAM_SERVER_BINARY"
  [[ $line == *"✔ Connected"* ]] ||
    fail "claude mcp list does not report $SERVER_NAME as '✔ Connected'; the server's log as Claude Code saw it:" \
      "$(cat "$work"/home/.cache/claude-cli-nodejs/*/mcp-logs-"$SERVER_NAME"/*.jsonl 2>/dev/null | tail -n 20)"
}

step_claude_failed() {
  [[ -s $work/logs/claude-mcp-list.out ]] || fail "no output of claude mcp list (its step failed)"
  local line
  line=$(list_line "$BROKEN_NAME")
  [[ -n $line ]] || fail "claude mcp list does not mention $BROKEN_NAME:" "$(cat "$work/logs/claude-mcp-list.out")"
  printf '      %s\n' "$line"
  # The server starts without its database, so that the model keeps its tools and can say why.
  [[ $line == *"✔ Connected"* ]] || fail "claude mcp list does not report $BROKEN_NAME as '✔ Connected'"
}

step_claude_get() {
  local out
  out=$(client "$claude" mcp get "$SERVER_NAME" 2>&1) || fail "claude mcp get failed:" "$out"
  [[ $out == *"Type: stdio"* ]] || fail "claude mcp get does not say 'Type: stdio':" "$out"
  [[ $out == *"Command: $FAM_SERVER_BINARY"* ]] || fail "claude mcp get does not show 'Command: $FAM_SERVER_BINARY':" "$out"
  [[ $out == *"Args: --database-url $FAM_RO_URL --database-password-file $FAM_RO_PASSWORD_FILE"* ]] ||
    fail "claude mcp get does not show the arguments given to claude mcp add:" "$out"
  [[ $out == *"Status: ✔ Connected"* ]] || fail "claude mcp get does not say 'Status: ✔ Connected':" "$out"
}

# ---------------------------------------------------------------------------
# (d) The MCP Inspector CLI.
inspector() {
  client "$node" "$modules/.bin/mcp-inspector" --cli "$FAM_SERVER_BINARY" \
    --database-url "$FAM_RO_URL" --database-password-file "$FAM_RO_PASSWORD_FILE" "$@"
}

step_inspector_list() {
  inspector --method tools/list >"$work/logs/tools-list.json" 2>"$work/logs/tools-list.err" ||
    fail "mcp-inspector --cli --method tools/list failed:" "$(tail -n 20 "$work/logs/tools-list.err")"
  local names
  names=$(json 'x.tools.map((t) => t.name).join(" ")' <"$work/logs/tools-list.json") ||
    fail "tools/list did not print a JSON result with tools:" "$(head -c 2000 "$work/logs/tools-list.json")"
  printf '      %s\n' "$names"
  [[ $names == "$TOOLS" ]] || fail "tools/list returned [$names], expected [$TOOLS]"
}

# A host that renders MCP Apps (--advertise-apps) is offered the two view tools, each with its view.
step_inspector_app_info() {
  inspector --advertise-apps --method tools/list --app-info >"$work/logs/app-info.ndjson" \
    2>"$work/logs/app-info.err" ||
    fail "mcp-inspector --cli --app-info failed:" "$(tail -n 20 "$work/logs/app-info.err")"
  local apps
  apps=$("$node" -e 'for (const line of require("fs").readFileSync(0, "utf8").trim().split("\n")) {
      const x = JSON.parse(line);
      if (x.hasApp) console.log(x.toolName + " " + x.resourceUri + " " + x.resourceMimeType);
    }' <"$work/logs/app-info.ndjson" | tr '\n' ';') || true
  printf '      %s\n' "$apps"
  [[ $apps == *"show_map ui://fleet-analytics/map text/html;profile=mcp-app"* &&
    $apps == *"show_chart ui://fleet-analytics/chart text/html;profile=mcp-app"* ]] ||
    fail "--app-info does not list the map and chart views:" "$(cat "$work/logs/app-info.ndjson")"
}

step_inspector_call() {
  local expected result
  expected=$(expected_count) || fail "psql could not count tracksolid.devices"
  result=$(inspector --method tools/call --tool-name query --tool-arg "sql=$COUNT_SQL" 2>"$work/logs/tools-call.err") ||
    fail "mcp-inspector --cli --method tools/call failed:" "$(tail -n 20 "$work/logs/tools-call.err")"
  printf '%s\n' "$result" >"$work/logs/tools-call.json"
  [[ $(json 'x.isError === true' <<<"$result") == false ]] || fail "the query tool answered with an error:" "$result"
  local got
  got=$(json 'String(x.structuredContent.rows[0][0])' <<<"$result") || fail "no rows in the result:" "$result"
  printf '      %s -> %s (psql: %s)\n' "$COUNT_SQL" "$got" "$expected"
  [[ $got == "$expected" ]] || fail "the query tool counted $got devices, psql counts $expected"
  # The text block, for hosts that show only text: a summary line, then the table ("n", then the count).
  [[ $(json 'x.content[0].text.split("\n").pop()' <<<"$result") == "$expected" ]] ||
    fail "the text content does not show the count:" "$result"
}

# The Inspector CLI exits 1 on an isError result, but prints the result: the cause and the fix.
step_inspector_outage() {
  local result text
  result=$(client "$node" "$modules/.bin/mcp-inspector" --cli "$FAM_SERVER_BINARY" \
    --database-url postgresql://analytics_ro@127.0.0.1:1/tracksolid_db \
    --database-password-file "$FAM_RO_PASSWORD_FILE" \
    --method tools/call --tool-name query --tool-arg "sql=$COUNT_SQL" 2>"$work/logs/tools-outage.err") &&
    fail "a call with the database down succeeded:" "$result"
  [[ $(json 'x.isError === true' <<<"$result") == true ]] ||
    fail "a call with the database down is not an isError result:" "$result" "$(tail -n 5 "$work/logs/tools-outage.err")"
  text=$(json 'x.content[0].text' <<<"$result")
  printf '      %s\n' "${text:0:150}…"
  [[ $text == *"cannot connect to the database"* && $text == *"fleet-analytics-mcp doctor"* ]] ||
    fail "the answer does not name the cause and doctor:" "$text"
}

# ---------------------------------------------------------------------------
# (e) The Claude Desktop bundle.
mcpb() {
  client "$node" "$modules/.bin/mcpb" "$@"
}

step_mcpb_validate() {
  local out
  out=$(mcpb validate "$SOURCE_DIR/packaging/mcpb/manifest.json" 2>&1) || fail "mcpb validate rejects the manifest:" "$out"
  [[ $out == *"Manifest schema validation passes!"* ]] || fail "mcpb validate did not say the manifest passes:" "$out"
}

step_mcpb_pack() {
  local bundle
  bundle=$(limit=$PACK_TIMEOUT client env MCPB="$modules/.bin/mcpb" "$SOURCE_DIR/packaging/mcpb/build_bundle.sh" \
    "$FAM_SERVER_BINARY" "$work/bundle" 2>"$work/logs/build-bundle.err") ||
    fail "build_bundle.sh failed:" "$(tail -n 20 "$work/logs/build-bundle.err")"
  [[ -s $bundle ]] || fail "build_bundle.sh printed '$bundle', which is not a file"
  printf '      %s (%s bytes)\n' "${bundle##*/}" "$(stat -c %s "$bundle")"
  mcpb info "$bundle" >"$work/logs/mcpb-info.out" 2>&1 || fail "mcpb info rejects the bundle:" "$(cat "$work/logs/mcpb-info.out")"
  mcpb unpack "$bundle" "$work/unpacked" >"$work/logs/mcpb-unpack.out" 2>&1 ||
    fail "mcpb unpack failed:" "$(cat "$work/logs/mcpb-unpack.out")"
  local packed=$work/unpacked/server/fleet-analytics-mcp
  [[ -x $packed ]] || fail "the unpacked bundle has no executable server/fleet-analytics-mcp:" "$(cd "$work/unpacked" && find . | head)"
  cmp -s "$packed" "$FAM_SERVER_BINARY" || fail "server/fleet-analytics-mcp in the bundle differs from $FAM_SERVER_BINARY"
  local version
  version=$("$FAM_SERVER_BINARY" --version | awk '{ print $2 }')
  [[ $(json 'x.version' <"$work/unpacked/manifest.json") == "$version" ]] ||
    fail "the bundle's manifest version is not the binary's ($version)"
}

# tools/list checks that the server serves TOOLS; this, that the manifest declares them.
step_manifest_tools() {
  local declared
  declared=$(json 'x.tools.map((t) => t.name).join(" ")' <"$SOURCE_DIR/packaging/mcpb/manifest.json")
  [[ $declared == "$TOOLS" ]] || fail "packaging/mcpb/manifest.json declares [$declared]; the server serves [$TOOLS]"
}

# The unpacked bundle started through run_bundle.mjs (mcpb's getMcpConfigForManifest, as Claude
# Desktop does) with `doctor` appended, which prints the configuration it was given.
bundle_doctor() {
  [[ -x $work/unpacked/server/fleet-analytics-mcp ]] || fail "no unpacked bundle (its step failed)"
  # doctor exits 1 here: nothing answers SSH on the address given. Its first lines are what counts.
  client "$node" "$HERE/run_bundle.mjs" "$modules/@anthropic-ai/mcpb" "$work/unpacked" "$1" doctor 2>&1 || true
}

step_bundle_settings() {
  local key=$work/home/id_test out
  printf 'not a real key\n' >"$key"
  chmod 0600 "$key"
  out=$(bundle_doctor "{\"ssh_host\": \"127.0.0.1\", \"ssh_user\": \"bundle-user\", \"ssh_identity\": \"$key\",
    \"ssh_accept_new\": true, \"database_url\": \"$FAM_RO_URL\", \"database_password_file\": \"$FAM_RO_PASSWORD_FILE\"}")
  printf '%s\n' "$out" >"$work/logs/bundle-doctor.out"
  local want
  for want in "\"command\":\"$work/unpacked/server/fleet-analytics-mcp\"" "through SSH host 127.0.0.1" \
    "password from $FAM_RO_PASSWORD_FILE" "user bundle-user" "keys: $key"; do
    [[ $out == *"$want"* ]] || fail "the bundle did not hand '$want' to the binary:" "$out"
  done
}

step_bundle_empty_optionals() {
  # Claude Desktop hands over only what the user filled in; optional fields fall back to the
  # manifest's "" defaults. Without those, "${user_config.ssh_user}" would reach the binary verbatim.
  local out
  out=$(bundle_doctor "{\"ssh_host\": \"127.0.0.1\", \"database_url\": \"$FAM_RO_URL\"}")
  printf '%s\n' "$out" >"$work/logs/bundle-doctor-minimal.out"
  [[ $out != *"\${"* ]] || fail "an unfilled optional setting reached the binary as a literal \${...}:" "$out"
  [[ $out == *"ok    configuration"* ]] || fail "the binary refused the configuration the bundle gave it:" "$out"
  [[ $out == *"through SSH host 127.0.0.1"* ]] || fail "the SSH host did not reach the binary:" "$out"
}

# The Inspector needs Node >= 22.19 (Debian 12 has 18): the node-linux-* package of the lock file
# where it installed (npm 9 does not link its bin), else the system's node if it is recent enough.
pick_node() {
  local arch major
  case $(uname -m) in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  node=$modules/node-linux-$arch/bin/node
  [[ -x $node ]] || node=$(command -v node) || die "no node to run the Inspector and mcpb with"
  major=$("$node" -p 'process.versions.node.split(".")[0]')
  ((major >= 20)) || die "$node is Node.js $major; the Inspector needs 22 (node-linux-$arch did not install)"
  printf '      node for the Inspector and mcpb: %s (%s)\n' "$node" "$("$node" --version)"
}

# ---------------------------------------------------------------------------
main() {
  run_step "the pinned clients install (npm ci, cached per lock file)" step_install
  if [[ ! -s $work/modules ]]; then
    summary || true
    die "cannot run the clients without them"
  fi
  modules=$(<"$work/modules")
  claude=$modules/.bin/claude
  pick_node

  run_step "a throwaway sshd listens on 127.0.0.1 with the Match block of scripts/sshd_tunnel.conf" step_sshd
  run_step "README step 2: ssh-keygen in HOME, tunnel_account.sh add authorises the key" step_tunnel_key
  run_step "README step 3: doctor --ssh-accept-new passes through the tunnel" step_tunnel_doctor_new
  run_step "doctor passes again without --ssh-accept-new: the host key was recorded" step_tunnel_doctor_known
  run_step "claude mcp add registers the server, as the README shows" step_claude_add
  run_step "README step 4: claude mcp add registers the server with the SSH options" step_claude_add_tunnel
  run_step "claude mcp list reports $SERVER_NAME connected" step_claude_connected
  run_step "claude mcp list reports $TUNNEL_NAME connected through sshd" step_claude_tunnel_connected
  run_step "claude mcp list reports a server whose database port is closed as connected" step_claude_failed
  run_step "claude mcp add-json with the guide's Claude Desktop entry is connected" step_claude_desktop_entry
  run_step "claude mcp get shows the command and its arguments" step_claude_get
  run_step "after tunnel_account.sh revoke, doctor stops at FAIL SSH login" step_tunnel_revoked
  run_step "Inspector CLI tools/list returns the eight tools" step_inspector_list
  run_step "Inspector CLI --app-info lists the map and chart views" step_inspector_app_info
  run_step "Inspector CLI tools/call of query counts tracksolid.devices as psql does" step_inspector_call
  run_step "Inspector CLI tools/call with the database down names the cause and doctor" step_inspector_outage
  run_step "mcpb validate accepts packaging/mcpb/manifest.json" step_mcpb_validate
  run_step "build_bundle.sh packs a .mcpb that holds the binary" step_mcpb_pack
  run_step "the manifest declares the tools the server serves" step_manifest_tools
  run_step "the bundle, configured as Claude Desktop does, hands the settings to the binary" step_bundle_settings
  run_step "the bundle leaves unfilled optional settings unset" step_bundle_empty_optionals
  summary
}

main "$@"
