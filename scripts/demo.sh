#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu checkout to a working fleet-analytics-mcp demo.
#
#   scripts/demo.sh [--reset] [--port PORT] [--scale small|demo|bench] [--no-deps] [--no-build]
#
#   1. installs the build/test dependencies (scripts/install_deps.sh; sudo if not root)
#   2. builds the server: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build
#   3. starts a local PostgreSQL + PostGIS sandbox (scripts/pg_sandbox.sh) in
#      ${XDG_CACHE_HOME:-$HOME/.cache}/fleet-analytics-mcp/demo (or $FAM_DEMO_DIR), reusing
#      it if it already runs, and loads the demo dataset into it unless already loaded
#   4. runs the real binary over MCP stdio (one JSON-RPC message per line) with a few requests
#      and prints what comes back
#   5. prints the `claude mcp add` line to use it from Claude Code
#
#   --reset      delete and recreate the sandbox (new cluster, new data, new password)
#   --port PORT  TCP port for a new sandbox on 127.0.0.1 (default 55432)
#   --scale S    dataset size (default demo: 10 vehicles x the 35 days up to yesterday)
#   --no-deps    skip step 1;  --no-build: skip step 2 (use the existing build/)
#   Environment: FAM_DEMO_DIR (sandbox directory), FAM_BINARY (server binary to run).
#
# The sandbox keeps running afterwards so Claude can use it; stop it with the command printed
# at the end (scripts/pg_sandbox.sh stop DIR).
set -euo pipefail

readonly PROG="${0##*/}"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR REPO_DIR
readonly PROTOCOL_VERSION=2026-07-28

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*" >&2; }

reset=0 port="" scale=demo do_deps=1 do_build=1
while (($#)); do
  case $1 in
    --reset) reset=1 ;;
    --port)
      (($# >= 2)) || die "--port needs a value"
      port=$2
      shift
      ;;
    --scale)
      (($# >= 2)) || die "--scale needs a value: small, demo or bench"
      scale=$2
      shift
      ;;
    --no-deps) do_deps=0 ;;
    --no-build) do_build=0 ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    *) die "unknown argument '$1' (see $PROG --help)" ;;
  esac
  shift
done
case $scale in small | demo | bench) ;; *) die "unknown scale '$scale': use small, demo or bench" ;; esac

cd "$REPO_DIR"
sandbox=$SCRIPT_DIR/pg_sandbox.sh
binary=${FAM_BINARY:-$REPO_DIR/build/fleet-analytics-mcp}

# --- 1. dependencies --------------------------------------------------------
if [[ $do_deps -eq 1 ]]; then
  step "Checking build and test dependencies"
  "$SCRIPT_DIR/install_deps.sh"
fi

# --- 2. build ---------------------------------------------------------------
if [[ $do_build -eq 1 ]]; then
  step "Building fleet-analytics-mcp (Release)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
  cmake --build build --target fleet-analytics-mcp -j"$(nproc)"
fi

# --- 3. sandbox -------------------------------------------------------------
demo_dir=${FAM_DEMO_DIR:-${XDG_CACHE_HOME:-${HOME:?HOME is not set; set FAM_DEMO_DIR}/.cache}/fleet-analytics-mcp/demo}
if [[ $EUID -eq 0 && -z ${FAM_DEMO_DIR:-} ]]; then
  # As root the server runs as the postgres OS user, which usually cannot enter /root
  # (mode 0700). Then use a directory it can reach.
  probe=$demo_dir
  while [[ ! -e $probe ]]; do probe=$(dirname "$probe"); done
  if id -u postgres >/dev/null 2>&1 && ! (cd / && runuser -u postgres -- test -x "$probe"); then
    printf '%s: note: the postgres OS user cannot reach %s; using /var/tmp/fleet-analytics-mcp-demo instead (set FAM_DEMO_DIR to choose)\n' \
      "$PROG" "$demo_dir" >&2
    demo_dir=/var/tmp/fleet-analytics-mcp-demo
  fi
fi

step "PostgreSQL sandbox in $demo_dir"
if [[ $reset -eq 1 ]]; then
  "$sandbox" stop "$demo_dir"
fi
if [[ -e $demo_dir/port ]]; then
  if [[ -n $port && $port != "$(<"$demo_dir/port")" ]]; then
    die "the sandbox in $demo_dir uses port $(<"$demo_dir/port"); drop --port, or add --reset to recreate it on port $port"
  fi
  "$sandbox" start "$demo_dir"
else
  mkdir -p "$(dirname "$demo_dir")"
  "$sandbox" start "$demo_dir" "${port:-55432}"
fi
"$sandbox" load "$demo_dir" --scale "$scale" --if-missing
eval "$("$sandbox" env "$demo_dir")"
[[ -r $FAM_RO_PASSWORD_FILE ]] || die "cannot read $FAM_RO_PASSWORD_FILE; re-run with --reset"

# --- 4. talk to the server over stdio --------------------------------------
[[ -x $binary ]] || die "$binary does not exist; build it (drop --no-build, or: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j\"\$(nproc)\"). The sandbox is up: $sandbox env $demo_dir"
step "Running $binary over MCP stdio"
meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"'$PROTOCOL_VERSION'","io.modelcontextprotocol/clientCapabilities":{}}'
call() { # id tool arguments-json
  printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{%s,"name":"%s","arguments":%s}}' "$1" "$meta" "$2" "$3"
}
trips_sql='SELECT imei, vehicle_plate, round(sum(distance_km),1) AS km FROM reporting.trips JOIN tracksolid.devices USING (imei) GROUP BY 1,2 ORDER BY km DESC LIMIT 5'
requests=(
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{$meta}}"
  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{$meta}}"
  "$(call 3 list_schemas '{}')"
  "$(call 4 list_tables '{"schema":"reporting"}')"
  "$(call 5 describe_table '{"schema":"tracksolid","table":"positions"}')"
  "$(call 6 query "{\"sql\":\"$trips_sql\"}")"
)
labels=("server/discover" "tools/list" "list_schemas" "list_tables reporting" "describe_table tracksolid.positions" "query: top 5 vehicles by km")

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
out=$work/responses.jsonl
err=$work/stderr.log
: >"$out"

# Send every request, keep stdin open until each has an answer (or 60 s passed), then close
# stdin so the server exits.
set +e
# shellcheck disable=SC2094 # reading the server's output file while it writes it is the point
{
  printf '%s\n' "${requests[@]}"
  for ((i = 0; i < 300; i++)); do
    answered=$(grep -c '"id"' "$out" 2>/dev/null)
    ((${answered:-0} >= ${#requests[@]})) && break
    sleep 0.2
  done
} | timeout 90 "$binary" --database-url "$FAM_RO_URL" --database-password-file "$FAM_RO_PASSWORD_FILE" >"$out" 2>"$err"
status=${PIPESTATUS[1]}
set -e

if [[ ! -s $out ]]; then
  printf '%s: the server answered nothing (exit status %s). Its stderr:\n' "$PROG" "$status" >&2
  sed 's/^/  | /' "$err" >&2
  die "see the server's messages above"
fi

if command -v python3 >/dev/null 2>&1; then
  labels_json=$(printf '%s\n' "${labels[@]}")
  python3 - "$out" "$labels_json" <<'PY'
import json, sys

path, labels = sys.argv[1], sys.argv[2].split("\n")
MAX_LINES, WIDTH = 15, 110

def fmt(obj, indent=0):
    """Pretty JSON that keeps short arrays/objects (e.g. one result row) on one line."""
    flat = json.dumps(obj, ensure_ascii=False)
    pad = "  " * indent
    if len(flat) + len(pad) <= WIDTH or not isinstance(obj, (dict, list)) or not obj:
        return [pad + flat]
    if isinstance(obj, dict):
        lines = [pad + "{"]
        for i, (k, v) in enumerate(obj.items()):
            sub = fmt(v, indent + 1)
            sub[0] = "  " * (indent + 1) + json.dumps(k, ensure_ascii=False) + ": " + sub[0].lstrip()
            if i < len(obj) - 1:
                sub[-1] += ","
            lines += sub
        return lines + [pad + "}"]
    lines = [pad + "["]
    for i, v in enumerate(obj):
        sub = fmt(v, indent + 1)
        if i < len(obj) - 1:
            sub[-1] += ","
        lines += sub
    return lines + [pad + "]"]

def show(obj):
    lines = fmt(obj)
    for line in lines[:MAX_LINES]:
        print("    " + (line if len(line) <= 160 else line[:157] + "..."))
    if len(lines) > MAX_LINES:
        print(f"    ... ({len(lines) - MAX_LINES} more lines)")

responses = {}
with open(path, encoding="utf-8") as f:
    for raw in f:
        raw = raw.strip()
        if not raw:
            continue
        try:
            msg = json.loads(raw)
        except ValueError:
            print(f"--- (not JSON) {raw[:200]}")
            continue
        if msg.get("id") is None:
            print(f"--- notification {msg.get('method', '?')}")
            continue
        responses[msg["id"]] = msg

for mid in sorted(responses, key=str):
    msg = responses[mid]
    label = labels[mid - 1] if isinstance(mid, int) and 0 < mid <= len(labels) else f"id {mid}"
    print(f"--- [{mid}] {label}")
    if "error" in msg:
        print("    JSON-RPC error:")
        show(msg["error"])
        continue
    result = msg.get("result", {})
    if label == "tools/list":
        for tool in result.get("tools", []):
            desc = (tool.get("description") or "").strip().splitlines()
            print(f"    - {tool.get('name')}: {desc[0][:100] if desc else ''}")
        continue
    if result.get("isError"):
        print("    (the tool reported an error)")
    if "structuredContent" in result:
        show(result["structuredContent"])
    elif result.get("content"):
        for line in result["content"][0].get("text", "").splitlines()[:MAX_LINES]:
            print("    " + line)
    else:
        show({k: v for k, v in result.items() if k != "_meta"})
missing = [i + 1 for i in range(len(labels)) if i + 1 not in responses]
if missing:
    print(f"--- no answer to request id(s) {missing}")
PY
else
  i=0
  while IFS= read -r line; do
    i=$((i + 1))
    printf -- '--- response %s\n    %.1500s\n' "$i" "$line"
  done <"$out"
fi
if [[ $status -ne 0 ]]; then
  printf '%s: note: the server exited with status %s; its stderr:\n' "$PROG" "$status" >&2
  sed 's/^/  | /' "$err" | tail -n 20 >&2
fi

# --- 5. the same binary in a terminal ----------------------------------------
db_args=(--database-url "$FAM_RO_URL" --database-password-file "$FAM_RO_PASSWORD_FILE")
step "$binary doctor (checks every step to the database)"
timeout 60 "$binary" doctor "${db_args[@]}" || die "doctor found a problem with the demo set-up (its FAIL line above says what)"
step "$binary query (the query tool in a terminal; --format csv|json also work)"
timeout 60 "$binary" query "${db_args[@]}" "$trips_sql" || die "the query command failed (see above)"

# --- 6. how to use it ------------------------------------------------------
step "Use it from Claude Code"
printf 'claude mcp add --transport stdio fleet-analytics -- %s --database-url %s --database-password-file %s\n' \
  "$binary" "'$FAM_RO_URL'" "$FAM_RO_PASSWORD_FILE"
printf '\nThe sandbox keeps running (port %s). Stop and delete it with:\n  %s stop %s\n' \
  "$FAM_SANDBOX_PORT" "$sandbox" "$FAM_SANDBOX_DIR"
