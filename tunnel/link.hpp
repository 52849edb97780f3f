// One forwarded connection: a local Unix socket joined to a direct-tcpip channel, pumped without
// blocking. Only the forwarder thread touches links.
#pragma once

#include <libssh2.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tunnel/endpoint.hpp"
#include "tunnel/handles.hpp"

namespace tunnel {

// A byte queue over one fixed allocation: filled at the tail, drained from the head.
class Buffer {
 public:
  explicit Buffer(size_t capacity) : data_(capacity) {}
  char* tail() { return data_.data() + end_; }
  size_t space() const { return data_.size() - end_; }
  void commit(size_t n) { end_ += n; }
  const char* head() const { return data_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  void consume(size_t n);

 private:
  std::vector<char> data_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

// What one pumping pass did.
enum class Step {
  kIdle,         // nothing could move
  kProgress,     // bytes moved or a state changed: pump again before sleeping
  kDone,         // both directions finished, or this connection failed: close it
  kSessionLost,  // the SSH session is unusable: close everything
};

struct Link {
  Link(Fd fd, std::size_t target);
  Fd local;
  std::size_t target = 0;    // which of the endpoint's targets the channel goes to
  ChannelPtr channel;        // null until the direct-tcpip channel is open
  Buffer to_channel;         // read from the local socket, not yet written to the channel
  Buffer to_local;           // read from the channel, not yet sent to the local socket
  bool local_eof = false;    // the local client will send nothing more
  bool eof_sent = false;     // ... and the channel was told so
  bool channel_eof = false;  // the remote side will send nothing more
  bool local_shut = false;   // ... and the local socket was told so
  bool retried = false;      // already moved to a new session once (see Forwarder::lose_session)

  bool wants_local_input() const { return channel && !local_eof && to_channel.space() > 0; }
  bool wants_channel_input() const { return channel && !channel_eof && to_local.space() > 0; }
};

// The session and its socket, as the pumping functions need them.
struct Wire {
  LIBSSH2_SESSION* session;
  int fd;
};

// Opens the link's channel to its target (call only for one link at a time: libssh2 keeps one
// channel-opening state per session). kDone with `error` set = the server refused or failed.
Step open_channel(Link& link, Wire wire, const Endpoint& endpoint, std::string& error);

// libssh2_channel_direct_tcpip_ex to `target`; null = see libssh2_session_last_errno
// (LIBSSH2_ERROR_EAGAIN on a non-blocking session that must call again).
LIBSSH2_CHANNEL* open_direct_tcpip(LIBSSH2_SESSION* session, const Target& target);

// After the server answered a channel open with a failure (LIBSSH2_ERROR_CHANNEL_FAILURE): why, and
// what to do (permitopen refused it, or nothing listens at the target as seen from the SSH host).
std::string channel_refusal(LIBSSH2_SESSION* session, const Endpoint& endpoint, const Target& target);

// Moves bytes both ways; on kSessionLost `error` says why.
Step pump(Link& link, Wire wire, std::string& error);

// Whether libssh2 already holds something for this link that pump() would act on without reading
// the socket (data, EOF, or window to write into): poll() cannot tell, since it is off the socket.
bool has_buffered_work(const Link& link);

// libssh2 insists that after an EAGAIN while sending, the same call is repeated until the packet is
// out (any other packet gets LIBSSH2_ERROR_BAD_USE). So a call that blocked on output is repeated,
// waiting for the socket, before anything else runs. `blocked(result)` says the call would block.
template <class Call, class Blocked>
auto finish_sending(Wire wire, Call call, Blocked blocked) -> decltype(call());

// The `blocked` of finish_sending for calls that return a libssh2 error code.
inline bool would_block(ssize_t rc) {
  return rc == LIBSSH2_ERROR_EAGAIN;
}

bool wait_writable(int fd);  // false after kSendStallMs without room

template <class Call, class Blocked>
auto finish_sending(Wire wire, Call call, Blocked blocked) -> decltype(call()) {
  auto result = call();
  while (blocked(result) &&
         (libssh2_session_block_directions(wire.session) & LIBSSH2_SESSION_BLOCK_OUTBOUND)) {
    if (!wait_writable(wire.fd)) break;
    result = call();
  }
  return result;
}

}  // namespace tunnel
