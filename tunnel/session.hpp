// One logged-in SSH session: TCP connect, handshake, host key check, public-key login.
#pragma once

#include "tunnel/endpoint.hpp"
#include "tunnel/handles.hpp"
#include "tunnel/packet_pool.hpp"
#include "tunnel/result.hpp"

namespace tunnel {

struct Session {
  Fd socket;                         // declared first: destroyed after the session that uses it
  std::unique_ptr<PacketPool> pool;  // libssh2's memory: outlives the session too
  SessionPtr ssh;                    // left in blocking mode; the forwarder switches it to non-blocking
};

// Blocks for at most about endpoint.timeout per step.
Result<Session> open_session(const Endpoint& endpoint);

// libssh2's description of the session's most recent error.
std::string last_ssh_error(LIBSSH2_SESSION* session);
// Why a session stopped working, in words: "the server closed the connection", ...
std::string describe_loss(LIBSSH2_SESSION* session);

}  // namespace tunnel
