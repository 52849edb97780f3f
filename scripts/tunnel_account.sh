#!/usr/bin/env bash
# Manage the analysts' keys of the dedicated SSH tunnel account on the database host.
#
#   tunnel_account.sh add    --key FILE_OR_STRING [--comment NAME] [options]
#   tunnel_account.sh revoke --key FILE_OR_STRING [options]
#   tunnel_account.sh list   [options]
#
# Options:
#   --account NAME          the tunnel account (default fleet-tunnel); as root, `add` creates it
#                           (no shell, /usr/sbin/nologin) if it does not exist
#   --authorized-keys FILE  work on this file instead of the account's (for testing)
#   --db-host HOST          where the key may forward to (default 127.0.0.1); give it once per
#                           host of a multi-host database URL (a standby and its primary)
#   --db-port PORT          (default 5432); one for every host, or one per --db-host, in order,
#                           as libpq pairs the hosts and ports of such a URL
#   --comment NAME          who the key belongs to (default: the key's own comment)
#
# Every key line is restricted to forwarding to those hosts and nothing else:
#   restrict,port-forwarding,permitopen="127.0.0.1:5432",command="/bin/false" ssh-ed25519 AAAA... ana
# Adding a key that is already there replaces its line (one line per key); revoke matches on the
# key material, not the comment. The file is replaced atomically, owned by root and read-only for
# the account, so the account cannot change its own keys. See docs/TUNNEL.md.
set -euo pipefail

die() {
  echo "tunnel_account.sh: error: $*" >&2
  exit 1
}

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

action=${1:-}
[[ $action == add || $action == revoke || $action == list ]] || usage
shift
key_arg="" account="fleet-tunnel" keys_file="" comment=""
db_hosts=() db_ports=()
while (($#)); do
  [[ $# -ge 2 ]] || die "$1 needs a value"
  case $1 in
    --key) key_arg=$2 ;;
    --account) account=$2 ;;
    --authorized-keys) keys_file=$2 ;;
    --db-host) db_hosts+=("$2") ;;
    --db-port) db_ports+=("$2") ;;
    --comment) comment=$2 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

[[ $account =~ ^[a-z_][a-z0-9_-]*$ ]] || die "--account must be a user name, not '$account'"
[[ $comment != *$'\n'* && $comment != *'"'* ]] || die "--comment must be one line without quotes"

# The permitted forwards, "host:port" each, from the --db-host and --db-port lists.
((${#db_hosts[@]})) || db_hosts=(127.0.0.1)
((${#db_ports[@]})) || db_ports=(5432)
if ((${#db_ports[@]} != 1 && ${#db_ports[@]} != ${#db_hosts[@]})); then
  die "${#db_hosts[@]} --db-host but ${#db_ports[@]} --db-port: give one --db-port for every host, or one per --db-host"
fi
forwards=()
for i in "${!db_hosts[@]}"; do
  host=${db_hosts[i]} port=${db_ports[0]}
  ((${#db_ports[@]} > 1)) && port=${db_ports[i]}
  [[ $port =~ ^[0-9]+$ && $port -ge 1 && $port -le 65535 ]] || die "--db-port must be a port number, not '$port'"
  [[ $host =~ ^[A-Za-z0-9.:_-]+$ ]] || die "--db-host must be a host name or address, not '$host'"
  [[ $host == *:* ]] && host="[$host]"  # IPv6 in permitopen
  forwards+=("$host:$port")
done

# The public key as "type base64 [comment]", read from a file or given as a string.
read_key() {
  local text
  if [[ -f $key_arg ]]; then
    text=$(grep -v '^[[:space:]]*\(#\|$\)' "$key_arg" | head -n 1) || true
  else
    text=$key_arg
  fi
  [[ -n $text ]] || die "--key is empty: give a public key file (~/.ssh/id_ed25519.pub) or its text"
  if [[ $text == *"PRIVATE KEY"* ]]; then
    die "$key_arg is a PRIVATE key: give the .pub file instead (and keep the private key on the laptop)"
  fi
  local type blob rest
  read -r type blob rest <<<"$text"
  [[ $type =~ ^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh.com|sk-ecdsa-sha2-nistp256@openssh.com)$ ]] ||
    die "not an OpenSSH public key (expected 'ssh-ed25519 AAAA... name', got '${text:0:40}')"
  local tmp
  tmp=$(mktemp)
  printf '%s %s\n' "$type" "$blob" >"$tmp"
  if ! ssh-keygen -l -f "$tmp" >/dev/null 2>&1; then
    rm -f "$tmp"
    die "malformed public key: ssh-keygen -l cannot read it (was it cut or wrapped when copied?)"
  fi
  rm -f "$tmp"
  key_type=$type key_blob=$blob key_comment=${comment:-$rest}
  key_comment=${key_comment//[^A-Za-z0-9@._ -]/_}
}

# The account's authorized_keys, creating the account (as root) when adding.
locate_keys_file() {
  [[ -n $keys_file ]] && return
  if ! home=$(getent passwd "$account" | cut -d: -f6) || [[ -z $home ]]; then
    [[ $action == add ]] || die "no account '$account' on this host"
    [[ $EUID -eq 0 ]] || die "account '$account' does not exist; run as root to create it"
    useradd --system --create-home --home-dir "/var/lib/$account" --shell /usr/sbin/nologin \
      --comment "fleet analytics SSH tunnel (port forwarding only)" "$account"
    home=/var/lib/$account
  fi
  [[ $EUID -eq 0 ]] || die "run as root to change $account's keys (or pass --authorized-keys FILE)"
  install -d -o root -g root -m 0755 "$home/.ssh"
  keys_file=$home/.ssh/authorized_keys
}

# Writes stdin to the keys file atomically: a temp file in the same directory, then rename.
replace_keys_file() {
  local dir tmp
  dir=$(dirname "$keys_file")
  mkdir -p "$dir"
  tmp=$(mktemp "$dir/.authorized_keys.XXXXXX")
  cat >"$tmp"
  chmod 0644 "$tmp"
  [[ $EUID -eq 0 ]] && chown root:root "$tmp"
  mv -f "$tmp" "$keys_file"
}

# Lines of the file whose key material is not $key_blob.
other_lines() {
  [[ -f $keys_file ]] || return 0
  awk -v blob="$key_blob" '{ for (i = 1; i <= NF; i++) if ($i == blob) next; print }' "$keys_file"
}

case $action in
  add)
    read_key
    locate_keys_file
    line="restrict,port-forwarding"
    for forward in "${forwards[@]}"; do line+=",permitopen=\"$forward\""; done
    line+=",command=\"/bin/false\" $key_type $key_blob"
    [[ -n $key_comment ]] && line+=" $key_comment"
    { other_lines; printf '%s\n' "$line"; } | replace_keys_file
    echo "added $(ssh-keygen -l -f <(printf '%s %s\n' "$key_type" "$key_blob") | awk '{print $2}') ($key_comment) to $keys_file: may forward to ${forwards[*]} only"
    ;;
  revoke)
    read_key
    locate_keys_file
    [[ -f $keys_file ]] || die "$keys_file does not exist"
    grep -qF -- " $key_blob" "$keys_file" || die "that key is not in $keys_file"
    other_lines | replace_keys_file
    echo "revoked $key_type key from $keys_file"
    ;;
  list)
    locate_keys_file
    [[ -f $keys_file ]] || exit 0
    while read -r opts type blob rest; do
      [[ -z $opts || $opts == \#* ]] && continue
      if [[ $opts =~ ^(ssh-|ecdsa-|sk-) ]]; then  # a line without options
        rest="$blob${rest:+ $rest}" blob=$type type=$opts opts=""
      fi
      fp=$(ssh-keygen -l -f <(printf '%s %s\n' "$type" "$blob") 2>/dev/null | awk '{print $2}') || fp="(unreadable)"
      target=$(grep -o 'permitopen="[^"]*"' <<<"$opts" | sed 's/permitopen="\(.*\)"/\1/' | paste -sd ' ') || true
      printf '%s\t%s\t%s\tforward to %s\n' "$fp" "$type" "${rest:-(no comment)}" "${target:-ANY (not restricted!)}"
    done <"$keys_file"
    ;;
esac
