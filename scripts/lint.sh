#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy over every .cpp file of ours that a build compiles.
#
#   scripts/lint.sh [BUILD_DIR [FILE...]]   BUILD_DIR defaults to build-tests/ (any configured build
#                                          works); FILEs narrow the run to those sources
#
#   - takes the files under src/, tunnel/ and tests/ from BUILD_DIR/compile_commands.json, so each
#     is checked with the flags it is built with; runs nproc of them at a time
#   - prints only the warnings, each file's together; exits 1 if any file has a warning or error
# The compiler's own flags reach clang-tidy too: -Wno-unknown-warning-option lets it skip the GCC-only
# ones (-Wno-restrict). Environment: CLANG_TIDY overrides the clang-tidy binary.
set -euo pipefail

readonly PROG="${0##*/}"
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR REPO_DIR

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

build_dir=${1:-$REPO_DIR/build-tests}
shift $(($# ? 1 : 0))
[[ -f $build_dir/compile_commands.json ]] ||
  die "no $build_dir/compile_commands.json (configure first: cmake -S $REPO_DIR -B $build_dir)"
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}
command -v "$CLANG_TIDY" >/dev/null || die "$CLANG_TIDY not found (apt-get install clang-tidy)"
BUILD_DIR=$(cd "$build_dir" && pwd)
export CLANG_TIDY BUILD_DIR

# One file: its warnings, or nothing. clang-tidy's "N warnings generated." counts the ones it
# suppressed in headers that are not ours, so it is dropped.
lint_one() {
  local out status=0
  out=$("$CLANG_TIDY" -p "$BUILD_DIR" --quiet --extra-arg=-Wno-unknown-warning-option "$1" 2>&1) || status=$?
  out=$(grep -vE '^[0-9]+ (warning|error)s? (and [0-9]+ errors? )?generated\.$' <<<"$out" || true)
  if ((status != 0)) || grep -qE '(warning|error):' <<<"$out"; then
    printf '%s\n' "${out:-$1: clang-tidy failed (exit $status)}"
    return 1
  fi
}
export -f lint_one

mapfile -t files < <(sed -nE 's/^ *"file": "(.*)",?$/\1/p' "$BUILD_DIR/compile_commands.json" |
  grep -E "^$REPO_DIR/(src|tunnel|tests)/.*\.cpp$" | sort -u)
((${#files[@]})) || die "$BUILD_DIR/compile_commands.json lists no .cpp file under $REPO_DIR/{src,tunnel,tests}"
if (($#)); then
  wanted=()
  for file in "$@"; do
    path=$(realpath -m "$file")
    [[ " ${files[*]} " == *" $path "* ]] || die "$file is not one of the sources in $BUILD_DIR/compile_commands.json"
    wanted+=("$path")
  done
  files=("${wanted[@]}")
fi

if ! printf '%s\0' "${files[@]}" | xargs -0 -n1 -P"$(nproc)" bash -c 'lint_one "$1"' _; then
  die "clang-tidy reported warnings (checks and why: $REPO_DIR/.clang-tidy)"
fi
