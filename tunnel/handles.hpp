// RAII owners for the C handles this library uses: file descriptors and libssh2 objects.
#pragma once

#include <libssh2.h>
#include <unistd.h>

#include <memory>
#include <utility>

namespace tunnel {

// An owned file descriptor; -1 when empty.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct KnownHostsFree {
  void operator()(LIBSSH2_KNOWNHOSTS* hosts) const { libssh2_knownhost_free(hosts); }
};
using KnownHostsPtr = std::unique_ptr<LIBSSH2_KNOWNHOSTS, KnownHostsFree>;

struct AgentFree {
  void operator()(LIBSSH2_AGENT* agent) const {
    libssh2_agent_disconnect(agent);
    libssh2_agent_free(agent);
  }
};
using AgentPtr = std::unique_ptr<LIBSSH2_AGENT, AgentFree>;

// Sessions are switched to blocking mode with a short timeout before being freed, so that the
// goodbye messages either go out or fail fast instead of returning EAGAIN forever.
struct SessionFree {
  void operator()(LIBSSH2_SESSION* session) const {
    libssh2_session_set_blocking(session, 1);
    libssh2_session_set_timeout(session, 1000);
    libssh2_session_disconnect(session, "fleet-analytics-mcp tunnel closed");
    libssh2_session_free(session);
  }
};
using SessionPtr = std::unique_ptr<LIBSSH2_SESSION, SessionFree>;

// Freed only while the session is blocking (teardown); in the forwarding loop channels are closed
// with non-blocking retries instead (see Forwarder::close_channels).
struct ChannelFree {
  void operator()(LIBSSH2_CHANNEL* channel) const { libssh2_channel_free(channel); }
};
using ChannelPtr = std::unique_ptr<LIBSSH2_CHANNEL, ChannelFree>;

// libssh2_init once per process, libssh2_exit at process exit (a function-local static:
// thread-safe initialisation, no mutable global).
void ensure_libssh2();

}  // namespace tunnel
