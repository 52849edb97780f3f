#!/usr/bin/env bash
# Keeps docs/ANALYTICS_MCP.md honest:
#   - every command block (```sh, ```json) is preceded by `<!-- checked by: PATH: TEXT -->`, where
#     PATH is a file of the repository that contains TEXT (the test or CI step that runs it);
#   - every option in the configuration table exists in `fleet-analytics-mcp --help`, and every
#     option of --help is in the table;
#   - every scripts/… file the guide names exists.
#
#   tests/docs/check_guide.sh BINARY SOURCE_DIR
set -euo pipefail

readonly PROG="${0##*/}"
[[ $# -eq 2 ]] || { echo "usage: $PROG BINARY SOURCE_DIR" >&2; exit 2; }
readonly BINARY=$1 SOURCE_DIR=$2
readonly GUIDE=$SOURCE_DIR/docs/ANALYTICS_MCP.md
problems=0
problem() {
  printf '%s: %s\n' "$PROG" "$*" >&2
  problems=$((problems + 1))
}

# 1. Each command block names what runs it.
blocks=0
previous=""
line_number=0
while IFS= read -r line; do
  line_number=$((line_number + 1))
  if [[ $line =~ ^[[:space:]]*\`\`\`(sh|json)$ ]]; then
    blocks=$((blocks + 1))
    if [[ $previous =~ \<!--\ checked\ by:\ ([^:]+):\ (.*)\ --\> ]]; then
      path=${BASH_REMATCH[1]} text=${BASH_REMATCH[2]}
      if [[ ! -f $SOURCE_DIR/$path ]]; then
        problem "line $line_number: $path (named as the check of this block) does not exist"
      elif ! grep -qF -- "$text" "$SOURCE_DIR/$path"; then
        problem "line $line_number: $path does not contain \"$text\""
      fi
    else
      problem "line $line_number: this command block has no '<!-- checked by: PATH: TEXT -->' line above it"
    fi
  fi
  [[ -n ${line//[[:space:]]/} ]] && previous=$line
done <"$GUIDE"
((blocks > 0)) || problem "found no command blocks in $GUIDE"

# 2. The configuration table and --help list the same options.
help_options=$("$BINARY" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
table_options=$(grep -E '^\| `(query )?--' "$GUIDE" | grep -oE -- '`(query )?--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u)
query_options=$("$BINARY" query --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
for option in $help_options; do
  [[ $option == --help || $option == --version ]] && continue
  grep -qxF -- "$option" <<<"$table_options" || problem "option $option (in --help) is missing from the configuration table"
done
for option in $table_options; do
  grep -qxF -- "$option" <<<"$help_options"$'\n'"$query_options" ||
    problem "option $option (in the configuration table) is not an option of $BINARY"
done

# 3. Named scripts exist.
for script in $(grep -oE 'scripts/[a-z_]+\.(sh|sql|conf)' "$GUIDE" | sort -u); do
  [[ -f $SOURCE_DIR/$script ]] || problem "$script is named in the guide but does not exist"
done

if ((problems > 0)); then
  echo "$PROG: $problems problem(s) in docs/ANALYTICS_MCP.md" >&2
  exit 1
fi
echo "$PROG: $blocks command blocks each name their check; options and scripts match"
