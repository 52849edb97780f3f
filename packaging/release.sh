#!/usr/bin/env bash
# Makes the source tarball of a release and writes its address and checksum into the Homebrew
# formula (packaging/homebrew/fleet-analytics-mcp.rb).
#
#   packaging/release.sh [--ref REF] [--out DIR] [--url URL]
#   packaging/release.sh --tarball FILE --commit COMMIT [--url URL]
#
#   --ref REF       the commit or tag to archive with `git archive` (default HEAD; uncommitted
#                   changes are not in it)
#   --out DIR       where to write fleet-analytics-mcp-VERSION.tar.gz (default: build-release/ in
#                   the repository, which .gitignore leaves out)
#   --url URL       where the tarball will be published (default: the formula's homepage +
#                   /releases/download/vVERSION/fleet-analytics-mcp-VERSION.tar.gz)
#   --tarball FILE  a tarball made already (e.g. by CI); then --commit says which commit it holds
#
# VERSION is the one in project() of CMakeLists.txt. The formula gets the url, the sha256, and the
# commit (12 digits, as `--version` shows it), since a tarball has no .git to ask. Then: publish
# the tarball at the url, commit the formula, and copy it to the Homebrew tap.
set -euo pipefail

readonly PROG="${0##*/}"
readonly NAME=fleet-analytics-mcp
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR REPO_DIR
readonly FORMULA=$SCRIPT_DIR/homebrew/$NAME.rb

die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}

ref=HEAD out=$REPO_DIR/build-release url="" tarball="" commit=""
while (($#)); do
  (($# >= 2)) || die "$1 needs a value (see the top of $0)"
  case $1 in
    --ref) ref=$2 ;;
    --out) out=$2 ;;
    --url) url=$2 ;;
    --tarball) tarball=$2 ;;
    --commit) commit=$2 ;;
    *) die "unknown argument '$1' (see the top of $0)" ;;
  esac
  shift 2
done

version=$(sed -n "s/^project($NAME VERSION \([0-9][0-9.]*\).*/\1/p" "$REPO_DIR/CMakeLists.txt")
[[ -n $version ]] || die "no 'project($NAME VERSION x.y.z' line in $REPO_DIR/CMakeLists.txt"
[[ -f $FORMULA ]] || die "no formula at $FORMULA"

if [[ -n $tarball ]]; then
  [[ -f $tarball ]] || die "no tarball at $tarball"
  [[ -n $commit ]] || die "--tarball needs --commit: the commit the tarball was made from"
else
  [[ -z $commit ]] || die "--commit goes with --tarball; without it the commit is REF's"
  commit=$(git -C "$REPO_DIR" rev-parse --verify "$ref^{commit}") || die "$ref is not a commit"
  mkdir -p "$out"
  tarball=$out/$NAME-$version.tar.gz
  git -C "$REPO_DIR" archive --format=tar.gz --prefix="$NAME-$version/" -o "$tarball" "$commit" ||
    die "git archive failed"
fi
[[ $commit =~ ^[0-9a-f]{12,40}$ ]] || die "'$commit' is not a git commit of at least 12 hex digits"
commit=${commit:0:12}

if command -v sha256sum >/dev/null 2>&1; then
  sha256=$(sha256sum "$tarball" | cut -d' ' -f1)
else
  sha256=$(shasum -a 256 "$tarball" | cut -d' ' -f1)  # macOS
fi
if [[ -z $url ]]; then
  homepage=$(sed -n 's/^  homepage "\(.*\)"$/\1/p' "$FORMULA")
  [[ -n $homepage ]] || die "no homepage line in $FORMULA; pass --url"
  url=$homepage/releases/download/v$version/$NAME-$version.tar.gz
fi

# Replaces the url, sha256 and FAM_GIT_COMMIT values in the formula, and checks each was there.
escaped_url=$(printf '%s' "$url" | sed -e 's/[\\|&]/\\&/g')
updated=$(sed -e "s|^  url \"[^\"]*\"\$|  url \"$escaped_url\"|" \
  -e "s|^  sha256 \"[0-9a-f]*\"\$|  sha256 \"$sha256\"|" \
  -e "s|-DFAM_GIT_COMMIT=[0-9a-z]*|-DFAM_GIT_COMMIT=$commit|" "$FORMULA")
grep -qxF "  url \"$url\"" <<<"$updated" || die "found no 'url \"...\"' line to update in $FORMULA"
grep -qxF "  sha256 \"$sha256\"" <<<"$updated" || die "found no 'sha256 \"...\"' line to update in $FORMULA"
grep -qF -- "-DFAM_GIT_COMMIT=$commit" <<<"$updated" || die "found no -DFAM_GIT_COMMIT= to update in $FORMULA"
printf '%s\n' "$updated" >"$FORMULA.tmp"
mv "$FORMULA.tmp" "$FORMULA"

cat <<EOF
tarball: $tarball
sha256:  $sha256
commit:  $commit
url:     $url
Updated ${FORMULA#"$REPO_DIR"/}. Next: publish the tarball at that url (e.g. as an asset of the
GitHub release v$version), commit the formula, and copy it into the Homebrew tap.
EOF
