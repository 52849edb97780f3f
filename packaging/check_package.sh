#!/usr/bin/env bash
# Builds the packages from a build tree and checks that each installs what an analyst and an
# operator need. CI runs it as root after the tests; it leaves the machine as it found it.
#
#   packaging/check_package.sh BUILD_DIR
#
#   BUILD_DIR   a configured and built tree of this project (e.g. build-tests)
#
#   1. `cpack` in BUILD_DIR: fleet-analytics-mcp_VERSION_ARCH.deb and
#      fleet-analytics-mcp-VERSION-linux-ARCH.tar.gz; the .deb must depend on libpq5 and libssh2-1
#   2. `cmake --install BUILD_DIR --prefix TMP`: the installed tree
#   3. the tarball, unpacked: the same tree
#   4. `apt-get install ./….deb`: the same tree under /usr, `man -w fleet-analytics-mcp` finds the
#      page (when man-db is installed); then `apt-get remove`, also when a check failed
#   In every tree, bin/fleet-analytics-mcp --version must print the release and the git commit,
#   exactly as the binary in BUILD_DIR does.
#
# Needs: cmake/cpack, dpkg-dev (dpkg-shlibdeps), apt-get, and root for step 4. Refuses to run if
# fleet-analytics-mcp is already installed on the machine (remove it first).
set -euo pipefail

readonly PROG="${0##*/}"
readonly NAME=fleet-analytics-mcp
die() {
  printf '%s: error: %s\n' "$PROG" "$*" >&2
  exit 1
}
step() { printf '\n==> %s\n' "$*" >&2; }
ok() { printf '%s: ok: %s\n' "$PROG" "$*" >&2; }

(($# == 1)) || die "usage: $PROG BUILD_DIR"
[[ -f $1/CPackConfig.cmake ]] ||
  die "$1 has no CPackConfig.cmake: configure it first (cmake -S . -B $1) with packaging/ included"
build_dir=$(cd "$1" && pwd)
((EUID == 0)) || die "installing the .deb needs root (CI runs this as root)"
if dpkg-query -W -f='${db:Status-Abbrev}' "$NAME" 2>/dev/null | grep -q '^.i'; then
  die "$NAME is already installed; remove it first (apt-get remove -y $NAME), so that this check can leave the machine as it found it"
fi
[[ ! -e /usr/bin/$NAME ]] || die "/usr/bin/$NAME exists but belongs to no package; remove it first"

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
[[ -n $version ]] || die "no CPACK_PACKAGE_VERSION in $build_dir/CPackConfig.cmake"
expected=$("$build_dir/$NAME" --version) || die "$build_dir/$NAME --version failed (is the tree built?)"
[[ $expected =~ ^$NAME\ ${version//./\\.}\ \([0-9a-f]{7,40}\)$ ]] ||
  die "$build_dir/$NAME --version prints '$expected', not '$NAME $version (<git commit>)': was it configured outside a git clone?"

work=$(mktemp -d /tmp/fam-check-package.XXXXXX)
installed_deb=0
cleanup() {
  if ((installed_deb)); then
    step "removing the package again"
    apt-get remove -y -q -o Dpkg::Use-Pty=0 "$NAME" >/dev/null ||
      printf '%s: error: could not remove %s; run: apt-get remove -y %s\n' "$PROG" "$NAME" "$NAME" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# check_tree ROOT WHAT [no-docs]: the files an install must hold, under ROOT (a prefix such as
# /usr); with no-docs, without the man page and README.md (see dpkg_leaves_out_docs).
check_tree() {
  local root=$1 what=$2 docs=${3:-docs} file
  [[ -x $root/bin/$NAME ]] || die "$what: no executable bin/$NAME under $root"
  local printed
  printed=$("$root/bin/$NAME" --version) || die "$what: $root/bin/$NAME --version failed"
  [[ $printed == "$expected" ]] || die "$what: $root/bin/$NAME --version prints '$printed', expected '$expected'"
  "$root/bin/$NAME" --help >/dev/null || die "$what: $root/bin/$NAME --help failed"
  if [[ $docs == docs ]]; then
    [[ -f $root/share/man/man1/$NAME.1.gz || -f $root/share/man/man1/$NAME.1 ]] ||
      die "$what: no man page share/man/man1/$NAME.1[.gz] under $root"
    [[ -f $root/share/doc/$NAME/README.md ]] || die "$what: no share/doc/$NAME/README.md under $root"
  fi
  for file in analytics_ro_role.sql sshd_tunnel.conf; do
    [[ -f $root/share/$NAME/$file ]] || die "$what: no share/$NAME/$file under $root"
  done
  for file in bootstrap_analytics_ro.sh tunnel_account.sh; do
    [[ -x $root/share/$NAME/$file ]] || die "$what: no executable share/$NAME/$file under $root"
  done
  if [[ $docs == docs ]]; then
    ok "$what: $root holds the binary ($printed), the man page, the docs and the host scripts"
  else
    ok "$what: $root holds the binary ($printed) and the host scripts"
  fi
}

# Minimal images (Docker's *-slim, Ubuntu minimal) tell dpkg to leave out man pages and docs.
dpkg_leaves_out_docs() {
  grep -rqsE '^path-exclude[= ]+/usr/share/(man|doc)' /etc/dpkg/dpkg.cfg.d/
}

step "building the packages (cpack in ${build_dir})"
cpack_log=$work/cpack.log
(cd "$build_dir" && cpack) >"$cpack_log" 2>&1 || {
  cat "$cpack_log" >&2
  die "cpack failed (is dpkg-dev installed? CPACK_DEBIAN_PACKAGE_SHLIBDEPS needs dpkg-shlibdeps)"
}
arch=$(dpkg --print-architecture)
deb=$build_dir/${NAME}_${version}_${arch}.deb
tarball=$(sed -n "s|^CPack: - package: \(.*\.tar\.gz\) generated\.\$|\1|p" "$cpack_log")
[[ -f $deb ]] || die "cpack did not make $deb; its output: $(cat "$cpack_log")"
[[ -n $tarball && -f $tarball ]] || die "cpack made no .tar.gz; its output: $(cat "$cpack_log")"
ok "made ${deb##*/} and ${tarball##*/}"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libpq5 libssh2-1; do
  pattern="(^|[ ,])$lib([ ,(]|\$)"
  [[ $depends =~ $pattern ]] || die "${deb##*/} does not depend on $lib (Depends: $depends)"
done
ok "${deb##*/} depends on: $depends"

step "cmake --install into a temporary prefix"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null || die "cmake --install $build_dir failed"
check_tree "$work/prefix" "cmake --install"

step "unpacking ${tarball##*/}"
tar -tzf "$tarball" | grep -qE "^[^/]+/bin/$NAME\$" || die "${tarball##*/} does not list */bin/$NAME"
mkdir "$work/tar"
tar -xzf "$tarball" -C "$work/tar"
unpacked=("$work"/tar/*)
((${#unpacked[@]} == 1)) || die "${tarball##*/} does not hold exactly one top-level directory"
check_tree "${unpacked[0]}" "${tarball##*/}"

step "apt-get install ${deb##*/}"
installed_deb=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "$deb" >"$work/apt.log" 2>&1 || {
  cat "$work/apt.log" >&2
  die "apt-get install $deb failed"
}
installed=$(dpkg-query -W -f='${Version}' "$NAME")
[[ $installed == "$version" ]] || die "dpkg reports $NAME $installed installed, expected $version"
[[ $(command -v "$NAME") == /usr/bin/$NAME ]] || die "$NAME is not on PATH as /usr/bin/$NAME after installing"
if dpkg_leaves_out_docs; then
  printf '%s: skipped: the man page and docs of the .deb (dpkg path-exclude in /etc/dpkg/dpkg.cfg.d/)\n' "$PROG" >&2
  check_tree /usr "the .deb" no-docs
elif ! command -v man >/dev/null 2>&1; then
  check_tree /usr "the .deb"
  printf '%s: skipped: man -w %s (install man-db to check it)\n' "$PROG" "$NAME" >&2
else
  check_tree /usr "the .deb"
  page=$(man -w "$NAME") || die "man -w $NAME finds no man page after installing the .deb"
  [[ $page == /usr/share/man/man1/$NAME.1* ]] || die "man -w $NAME finds $page, not the installed page"
  warnings=$(man "$NAME" 2>&1 >/dev/null) || die "man $NAME failed: $warnings"
  [[ -z $warnings ]] || die "man $NAME warns: $warnings"
  ok "man -w $NAME: $page"
fi

step "all package checks passed"
