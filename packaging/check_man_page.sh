#!/usr/bin/env bash
# Checks the man page against the binary it documents.
#
#   packaging/check_man_page.sh BINARY MANPAGE
#
#   1. every long option and every environment variable that `BINARY --help` prints, and that
#      `BINARY COMMAND --help` prints for each command listed under "Subcommands", appears in MANPAGE
#   2. the version in MANPAGE's .TH line is the release that `BINARY --version` prints
#   3. MANPAGE renders without warnings: with `man -l` (package man-db) as lintian runs it, and
#      with `groff -man -Tutf8 -ww` (package groff-base). Whichever is not installed is skipped,
#      with a note; nothing is installed.
#
# Exits 1, naming every missing option or variable and every warning, if any check fails.
set -euo pipefail

readonly PROG="${0##*/}"
die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

(($# == 2)) || die "usage: $PROG BINARY MANPAGE"
binary=$1
page=$2
[[ -x $binary ]] || die "$binary is not an executable"
[[ -r $page ]] || die "cannot read $page"

failures=0
fail() {
  printf '%s: FAIL: %s\n' "$PROG" "$*" >&2
  failures=$((failures + 1))
}

# The names CLI11 lists under "Subcommands:", up to the next blank or unindented line.
commands_in() {
  awk '/^[A-Za-z ]*[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:$/ { on = 1; next }
       on && /^[ \t]+[a-z]/ { print $1; next }
       { on = 0 }' <<<"$1"
}

# "WHERE<TAB>NAME" for each long option (--name) and environment variable (NAME) a help prints.
names_in() {
  { grep -oE -- '--[a-z][a-z0-9-]*' <<<"$2" || true; } | sed "s|^|$1\t|"
  { grep -oE 'Env:[A-Z_][A-Z0-9_]*' <<<"$2" || true; } | sed -e 's/^Env://' -e "s|^|$1\t|"
}

main_help=$("$binary" --help) || die "$binary --help failed"
names=$(names_in "$binary --help" "$main_help")
for command in $(commands_in "$main_help"); do
  help=$("$binary" "$command" --help) || die "$binary $command --help failed"
  names+=$'\n'$(names_in "$binary $command --help" "$help")
done
# Each name once, with the first help that printed it.
names=$(awk -F '\t' '!seen[$2]++' <<<"$names")
grep -q $'\t--' <<<"$names" || die "$binary --help printed no long options"

# The page as text: \- is a dash; font changes, \& and \% are invisible.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\[&%]//g' "$page")
options=0 variables=0
while IFS=$'\t' read -r where name; do
  [[ -n $name ]] || continue
  if [[ $name == --* ]]; then
    options=$((options + 1))
    pattern="(^|[^A-Za-z0-9-])$name([^A-Za-z0-9-]|\$)" what=$name
  else
    variables=$((variables + 1))
    pattern="(^|[^A-Za-z0-9_])$name([^A-Za-z0-9_]|\$)" what="the environment variable $name"
  fi
  grep -qE -- "$pattern" <<<"$text" || fail "$where prints $what, but $page does not document it"
done <<<"$names"

release=$("$binary" --version | awk '{ print $2 }')
grep -qE "^\.TH .*\"fleet-analytics-mcp $release\"" <<<"$text" ||
  fail "the .TH line of $page does not name release $release (from $binary --version)"

if command -v man >/dev/null 2>&1; then
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null) ||
    fail "man -l $page failed: $warnings"
  [[ -z $warnings ]] || fail "man -l $page warns: $warnings"
else
  note "skipped: man -l (install man-db to check it)"
fi
if command -v groff >/dev/null 2>&1; then
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff -man $page failed: $warnings"
  [[ -z $warnings ]] || fail "groff -man -ww $page warns: $warnings"
else
  note "skipped: groff -man (install groff-base to check it)"
fi

if ((failures)); then
  die "$failures problem(s) with $page"
fi
printf '%s: %s documents all %d options and %d environment variables of %s\n' \
  "$PROG" "$page" "$options" "$variables" "$binary"
