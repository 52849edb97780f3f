// One logged-in SSH session: DNS, TCP connect, handshake, host key check, public-key login. The
// same steps, in the same function, serve Tunnel::open(), reconnecting, and diagnose().
#pragma once

#include <functional>

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

// Hears how each step went (diagnose's reporter); may be empty.
using StepReport = std::function<void(const Check&)>;

// Runs the steps "DNS", "TCP", "host key" and "SSH login" in order, telling `report` after each,
// and stops at the first failure, whose error it returns. Blocks for at most about
// endpoint.timeout per step.
Result<Session> open_session(const Endpoint& endpoint, const StepReport& report = {});

// Tells `report` (if any) how step `name` went, with describe(value) as the detail when it passed.
// Returns whether it passed.
template <class T, class Describe>
bool passed(const StepReport& report, const char* name, Result<T>& result, Describe describe) {
  if (report) report(result ? Check{name, true, describe(*result)} : Check{name, false, result.error()});
  return static_cast<bool>(result);
}

// libssh2's description of the session's most recent error.
std::string last_ssh_error(LIBSSH2_SESSION* session);
// Why a session stopped working, in words: "the server closed the connection", ...
std::string describe_loss(LIBSSH2_SESSION* session);

}  // namespace tunnel
