# Sourced by the scripts that start a service of their own on loopback (scripts/test.sh,
# tests/support/pgbouncer.sh, tests/integration/replica_test.sh).

# Prints the first port from FIRST to FIRST+100 on 127.0.0.1 that nothing listens on.
free_port() {
  local port
  for port in $(seq "$1" "$(($1 + 100))"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port on 127.0.0.1 from $1 to $(($1 + 100))" >&2
  return 1
}
