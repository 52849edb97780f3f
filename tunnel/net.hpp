// TCP to the SSH host in two steps: resolve the name (IPv4 and IPv6), then try each address within
// one deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "tunnel/handles.hpp"
#include "tunnel/result.hpp"

struct addrinfo;

namespace tunnel {

struct AddrInfoFree {
  void operator()(addrinfo* list) const;
};

// What getaddrinfo answered for host:port, in the order to try.
struct Addresses {
  std::string host;
  int port = 0;
  std::unique_ptr<addrinfo, AddrInfoFree> list;  // never empty

  std::string numeric() const;  // "10.0.0.5, ::1"
};

// The addresses, or "ssh: cannot resolve host: ... (check --ssh-host, or HostName in the ssh config)".
Result<Addresses> resolve_host(const std::string& host, int port);

struct Connection {
  Fd socket;         // connected, non-blocking, close-on-exec, TCP_NODELAY and a TCP user timeout
  std::string peer;  // the address that answered: "10.0.0.5:22", "[::1]:22"
};

// recv(2), and then what arrived is acknowledged at once instead of after the delayed-ACK timer
// (Linux: TCP_QUICKACK, which the kernel clears again by itself, hence once per read; elsewhere a
// plain recv). The SSH server may leave Nagle's algorithm on: it then holds a small packet back
// until its previous one is acknowledged, and a call's answer leaves PostgreSQL as several small
// flushes (see "Latency" in docs/TUNNEL.md).
ssize_t recv_and_ack(int fd, void* buffer, size_t length, int flags);

// The first address that accepts, or "ssh: connection to host:port refused|timed out|unreachable ...".
// `port_setting` names the setting to check when the connection is refused.
Result<Connection> connect_tcp(const Addresses& addresses, std::chrono::milliseconds timeout,
                               const std::string& port_setting);

}  // namespace tunnel
