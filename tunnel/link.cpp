#include "tunnel/link.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "tunnel/posix.hpp"
#include "tunnel/session.hpp"

namespace tunnel {
namespace {

// Per direction and connection: several 32 KiB SSH packets per poll round, so a large result
// moves in few system calls.
constexpr size_t kBufferBytes = size_t{256} * 1024;

// A session whose socket takes no data for this long is treated as lost.
constexpr int kSendStallMs = 30'000;

// A client that went away must fail the send (EPIPE), not raise SIGPIPE. Where there is no
// MSG_NOSIGNAL (macOS), the Link constructor sets SO_NOSIGPIPE on the socket instead.
#ifdef MSG_NOSIGNAL
constexpr int kNoSignal = MSG_NOSIGNAL;
#else
constexpr int kNoSignal = 0;
#endif

// Errors that concern one channel; any other error means the session itself is gone.
bool channel_only(ssize_t rc) {
  switch (rc) {
    case LIBSSH2_ERROR_CHANNEL_CLOSED:
    case LIBSSH2_ERROR_CHANNEL_EOF_SENT:
    case LIBSSH2_ERROR_CHANNEL_FAILURE:
    case LIBSSH2_ERROR_CHANNEL_UNKNOWN:
    case LIBSSH2_ERROR_CHANNEL_WINDOW_EXCEEDED:
    case LIBSSH2_ERROR_CHANNEL_PACKET_EXCEEDED:
    case LIBSSH2_ERROR_CHANNEL_OUTOFORDER:
    case LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED:
      return true;
    default:
      return false;
  }
}

Step failed(ssize_t rc, Wire wire, std::string& error) {
  if (channel_only(rc)) return Step::kDone;
  error = describe_loss(wire.session);
  return Step::kSessionLost;
}

// channel -> to_local -> local socket
Step pump_down(Link& l, Wire wire, std::string& error, bool& moved) {
  while (l.wants_channel_input()) {
    ssize_t n = finish_sending(
        wire, [&] { return libssh2_channel_read(l.channel.get(), l.to_local.tail(), l.to_local.space()); },
        would_block);
    if (n > 0) {
      l.to_local.commit(static_cast<size_t>(n));
      moved = true;
      continue;
    }
    if (n < 0 && n != LIBSSH2_ERROR_EAGAIN) return failed(n, wire, error);
    if (libssh2_channel_eof(l.channel.get())) l.channel_eof = moved = true;
    break;
  }
  while (!l.to_local.empty()) {
    ssize_t n = send(l.local.get(), l.to_local.head(), l.to_local.size(), kNoSignal | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      return Step::kDone;  // the local client went away
    }
    l.to_local.consume(static_cast<size_t>(n));
    moved = true;
  }
  if (l.channel_eof && l.to_local.empty() && !l.local_shut) {
    shutdown(l.local.get(), SHUT_WR);
    l.local_shut = moved = true;
  }
  return Step::kIdle;
}

// local socket -> to_channel -> channel
Step pump_up(Link& l, Wire wire, std::string& error, bool& moved) {
  if (l.wants_local_input()) {
    ssize_t n = recv(l.local.get(), l.to_channel.tail(), l.to_channel.space(), MSG_DONTWAIT);
    if (n > 0) l.to_channel.commit(static_cast<size_t>(n));
    if (n == 0) l.local_eof = true;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return Step::kDone;
    moved |= n >= 0;
  }
  while (!l.to_channel.empty()) {
    ssize_t n = finish_sending(
        wire,
        [&] { return libssh2_channel_write(l.channel.get(), l.to_channel.head(), l.to_channel.size()); },
        would_block);
    if (n == LIBSSH2_ERROR_EAGAIN) break;  // the remote window is full
    if (n < 0) return failed(n, wire, error);
    l.to_channel.consume(static_cast<size_t>(n));
    moved = true;
  }
  if (l.local_eof && l.to_channel.empty() && !l.eof_sent) {
    int rc = finish_sending(
        wire, [&] { return libssh2_channel_send_eof(l.channel.get()); }, would_block);
    if (rc < 0 && rc != LIBSSH2_ERROR_EAGAIN) return failed(rc, wire, error);
    l.eof_sent = moved = rc == 0;
  }
  return Step::kIdle;
}

}  // namespace

void Buffer::consume(size_t n) {
  begin_ += n;
  if (begin_ == end_) begin_ = end_ = 0;
}

Link::Link(Fd fd, std::size_t target_index)
    : local(std::move(fd)), target(target_index), to_channel(kBufferBytes), to_local(kBufferBytes) {
  set_nosigpipe(local.get());
}

bool has_buffered_work(const Link& l) {
  LIBSSH2_CHANNEL* ch = l.channel.get();
  if (!ch) return false;
  if (l.wants_channel_input() && (libssh2_poll_channel_read(ch, 0) == 1 || libssh2_channel_eof(ch) == 1))
    return true;
  return !l.to_channel.empty() && libssh2_channel_window_write(ch) > 0;
}

LIBSSH2_CHANNEL* open_direct_tcpip(LIBSSH2_SESSION* session, const Target& t) {
  return libssh2_channel_direct_tcpip_ex(session, t.host.c_str(), t.port, "127.0.0.1", 0);
}

std::string channel_refusal(LIBSSH2_SESSION* session, const Endpoint& e, const Target& t) {
  std::string target = address_of(t);
  std::string why = last_ssh_error(session);
  if (why.find("prohibited") != std::string::npos) {
    return "ssh: the server refused to forward to " + target + " (" + why +
           "): check permitopen for this key and AllowTcpForwarding/PermitOpen in sshd_config";
  }
  if (why.find("connect failed") != std::string::npos) {
    return "ssh: " + e.address() + " could not connect to " + target + " (" + why +
           "): the database is not listening at " + target +
           " as seen from the SSH host; check the host and port in the database URL, or publish the database "
           "on the SSH host's loopback";
  }
  return "ssh: could not open a channel to " + target + " through " + e.address() + " (" + why + ")";
}

bool wait_writable(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return poll(&p, 1, kSendStallMs) > 0;
}

Step open_channel(Link& link, Wire wire, const Endpoint& e, std::string& error) {
  const Target& target = e.targets.at(link.target);
  auto blocked = [&](LIBSSH2_CHANNEL* c) {
    return !c && libssh2_session_last_errno(wire.session) == LIBSSH2_ERROR_EAGAIN;
  };
  LIBSSH2_CHANNEL* channel = finish_sending(
      wire, [&] { return open_direct_tcpip(wire.session, target); }, blocked);
  if (channel) {
    link.channel.reset(channel);
    return Step::kProgress;
  }
  int rc = libssh2_session_last_errno(wire.session);
  if (rc == LIBSSH2_ERROR_EAGAIN) return Step::kIdle;
  if (rc == LIBSSH2_ERROR_CHANNEL_FAILURE) {
    error = channel_refusal(wire.session, e, target);
    return Step::kDone;
  }
  error = describe_loss(wire.session);
  return Step::kSessionLost;
}

Step pump(Link& link, Wire wire, std::string& error) {
  bool moved = false;
  Step step = pump_down(link, wire, error, moved);
  if (step == Step::kIdle) step = pump_up(link, wire, error, moved);
  if (step != Step::kIdle) return step;
  if (link.local_shut && link.eof_sent) return Step::kDone;
  return moved ? Step::kProgress : Step::kIdle;
}

}  // namespace tunnel
