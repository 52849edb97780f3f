// TCP to the SSH host: every address getaddrinfo gives (IPv4 and IPv6), within one deadline.
#pragma once

#include <chrono>
#include <string>

#include "tunnel/handles.hpp"
#include "tunnel/result.hpp"

namespace tunnel {

// A connected, non-blocking, close-on-exec socket with TCP_NODELAY and a TCP user timeout, or
// "ssh: cannot resolve ..." / "ssh: connection to host:port refused|timed out|unreachable ...".
Result<Fd> connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace tunnel
