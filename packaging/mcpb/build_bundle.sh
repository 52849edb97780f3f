#!/usr/bin/env bash
# Packs a Claude Desktop bundle (.mcpb) around a built fleet-analytics-mcp binary.
#
#   packaging/mcpb/build_bundle.sh BINARY OUTDIR
#
# Stages manifest.json (its version set to the binary's own) and BINARY as
# server/fleet-analytics-mcp, checks the manifest with `mcpb validate`, packs it with
# `mcpb pack` into OUTDIR/fleet-analytics-mcp-VERSION-linux-ARCH.mcpb, and prints that path
# on stdout (everything else goes to stderr).
#
# Needs node and the official bundler, @anthropic-ai/mcpb: `mcpb` on PATH, or MCPB=/path/to/mcpb
# (tests/clients/package.json pins it; `npx @anthropic-ai/mcpb` works too).
# The binary links libpq and libssh2 dynamically: the machine that installs the bundle needs them
# (Debian/Ubuntu: libpq5 libssh2-1).
set -euo pipefail

readonly PROG="${0##*/}"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

(($# == 2)) || die "usage: $PROG BINARY OUTDIR"
binary=$1
out_dir=$2
[[ -x $binary && -f $binary ]] || die "$binary is not an executable file; build it first (cmake --build BUILD --target fleet-analytics-mcp)"
mcpb=${MCPB:-$(command -v mcpb || true)}
[[ -n $mcpb ]] || die "mcpb not found: install @anthropic-ai/mcpb (npm ci in tests/clients) and put its bin on PATH, or set MCPB"
command -v node >/dev/null 2>&1 || die "node not found (mcpb runs on Node.js)"

# "fleet-analytics-mcp 0.1.0 (4ab1e65d30c0)" -> 0.1.0
version=$("$binary" --version | awk '{ print $2 }')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "cannot read a version from '$binary --version'"
case $(uname -m) in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac

stage=$(mktemp -d "${TMPDIR:-/tmp}/fam-mcpb.XXXXXX")
trap 'rm -rf -- "$stage"' EXIT
mkdir "$stage/server"
cp -- "$binary" "$stage/server/fleet-analytics-mcp"
chmod 0755 "$stage/server/fleet-analytics-mcp"
# The manifest's version follows the binary, so the two never disagree.
node -e '
  const fs = require("fs");
  const [from, to, version] = process.argv.slice(1);
  const manifest = JSON.parse(fs.readFileSync(from, "utf8"));
  manifest.version = version;
  fs.writeFileSync(to, JSON.stringify(manifest, null, 2) + "\n");
' "$SCRIPT_DIR/manifest.json" "$stage/manifest.json" "$version"

"$mcpb" validate "$stage/manifest.json" >&2 || die "mcpb validate rejected $SCRIPT_DIR/manifest.json"
mkdir -p -- "$out_dir"
bundle=$(cd "$out_dir" && pwd)/fleet-analytics-mcp-$version-linux-$arch.mcpb
rm -f -- "$bundle"
"$mcpb" pack "$stage" "$bundle" >&2 || die "mcpb pack failed"
[[ -s $bundle ]] || die "mcpb pack reported success but wrote no $bundle"
printf '%s\n' "$bundle"
