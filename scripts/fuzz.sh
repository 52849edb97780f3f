#!/usr/bin/env bash
# Builds the libFuzzer harnesses in tests/fuzz (clang, AddressSanitizer and UBSan) and runs each
# for a while, starting from its seed corpus in tests/fuzz/corpus/<target>.
#
#   scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--build-only] [TARGET...]
#
#   --seconds N    how long each harness runs (default 15: about 90 s for all six, the CI run)
#   --build-dir    where to build (default build-fuzz/)
#   --build-only   build the harnesses, run none (CI builds them while other tests run)
#   TARGET         only these harnesses (fuzz_mcp fuzz_guard fuzz_values fuzz_ewkb fuzz_known_hosts
#                  fuzz_ssh_config); default all
#
# Inputs the fuzzer finds that add coverage go to build-fuzz/corpus/<target> (the seeds stay as they
# are); a crash, a hang (over 10 s for one input) or a sanitizer report stops that harness, and the
# script fails naming the input that did it under build-fuzz/crashes/<target>/, with the command that
# replays it. Runs one fuzzer process at a time, at nice 10. Needs clang (apt-get install clang).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR REPO_DIR PROG="${0##*/}"
readonly ALL_TARGETS=(fuzz_mcp fuzz_guard fuzz_values fuzz_ewkb fuzz_known_hosts fuzz_ssh_config)

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
step() { printf '\n==> %s (%s)\n' "$*" "$(date -u +%H:%M:%S)" >&2; }

seconds=15
build_dir=$REPO_DIR/build-fuzz
build_only=0
targets=()
while (($#)); do
  case $1 in
    --seconds)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--seconds needs a whole number of seconds, e.g. --seconds 600"
      seconds=$2
      shift
      ;;
    --build-dir)
      [[ -n ${2:-} ]] || die "--build-dir needs a directory"
      build_dir=$(realpath -m "$2")
      shift
      ;;
    --build-only) build_only=1 ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    fuzz_*)
      [[ " ${ALL_TARGETS[*]} " == *" $1 "* ]] || die "no harness '$1' (have: ${ALL_TARGETS[*]})"
      targets+=("$1")
      ;;
    *) die "unknown argument '$1' (usage: $PROG [--seconds N] [--build-dir DIR] [TARGET...])" ;;
  esac
  shift
done
((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")

command -v clang++ >/dev/null 2>&1 || die "clang++ not found: install Debian's clang (apt-get install clang)"

step "building the harnesses into ${build_dir#"$REPO_DIR"/}"
# fuzzer-no-link on every library gives libFuzzer its coverage feedback; FAM_SANITIZE adds
# AddressSanitizer and UBSan (every report fatal). Tests that need npm or a browser are not built.
CC=clang CXX=clang++ nice -n 10 cmake -S "$REPO_DIR" -B "$build_dir" -DFAM_FUZZ=ON -DFAM_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFAM_VIEW_TESTS=OFF -DFAM_CLIENT_TESTS=OFF >/dev/null
nice -n 10 cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}"
((build_only)) && exit 0

# Leaks inside libssh2 itself (see the file) are not ours to fix; every other leak stops a run.
export LSAN_OPTIONS="suppressions=$REPO_DIR/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

failed=()
for target in "${targets[@]}"; do
  name=${target#fuzz_}
  seeds=$REPO_DIR/tests/fuzz/corpus/$name
  corpus=$build_dir/corpus/$name
  crashes=$build_dir/crashes/$target
  log=$build_dir/logs/$target.log
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  step "$target for ${seconds}s (log: ${log#"$REPO_DIR"/})"
  # The first corpus directory receives new inputs; the seeds are read only. One process (no -jobs:
  # libFuzzer would move the output to fuzz-N.log in the current directory).
  status=0
  (cd "$crashes" && nice -n 10 "$build_dir/tests/fuzz/$target" "$corpus" "$seeds" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/") >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 >&2 || true
  if ((status != 0)); then
    found=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //')
    grep -E 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|SUMMARY:' "$log" |
      head -n 5 >&2 || true
    printf '%s: %s FAILED (exit %d): input %s\n  replay: %s %s\n  log: %s\n' "$PROG" "$target" "$status" \
      "${found:-(none written; see the log)}" "$build_dir/tests/fuzz/$target" "${found:-}" "$log" >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  die "${#failed[@]} harness(es) found a crash, hang or sanitizer report: ${failed[*]}"
fi
step "no crash in ${targets[*]}"
