#include "tunnel/forwarder.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "tunnel/posix.hpp"

namespace tunnel {
namespace {

// The peer closed its end, reported even while unread data waits ahead of the FIN. Linux only;
// elsewhere an idle session's end shows as POLLIN or POLLHUP, or is found by the next connection.
#ifdef POLLRDHUP
constexpr short kPollPeerClosed = POLLRDHUP;
#else
constexpr short kPollPeerClosed = 0;
#endif

// How long the socket of a target found unreachable stays closed. Then it listens again, and the next
// connection tries the target; if it is still down, that connection goes on to another host. The
// tunnel never probes on its own: a channel opening holds the session's only one for as long as the
// SSH host's TCP connect takes (minutes, to a host that drops packets), and no connection to any
// target could open meanwhile; nor does it log in again while nobody connects.
constexpr std::chrono::seconds kReopenAfter{10};

// The earlier of two poll() timeouts, where -1 means none.
int sooner(int a, int b) {
  return a < 0 ? b : b < 0 ? a : std::min(a, b);
}

// Both ends close-on-exec and non-blocking (what pipe2 does on Linux); false (errno set) on failure.
bool open_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return set_cloexec_nonblock(fds[0]) && set_cloexec_nonblock(fds[1]);
}

}  // namespace

Forwarder::Forwarder(Endpoint endpoint, Session session, std::vector<SocketDir*> sockets)
    : endpoint_(std::move(endpoint)),
      sockets_(std::move(sockets)),
      reopen_at_(sockets_.size()),
      session_(std::move(session)),
      serving_(sockets_.size(), true) {
  if (!open_pipe(wake_read_, wake_write_)) {
    set_error(std::string("tunnel: cannot start the forwarding thread: pipe: ") + std::strerror(errno));
    return;
  }
  libssh2_session_set_blocking(session_->ssh.get(), 0);
  thread_ = std::thread([this] { run(); });
}

Forwarder::~Forwarder() {
  if (!thread_.joinable()) return;
  char byte = 0;
  while (write(wake_write_.get(), &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

std::string Forwarder::last_error() const {
  std::lock_guard lock(error_mutex_);
  return last_error_;
}

bool Forwarder::serving(std::size_t target) const {
  std::lock_guard lock(error_mutex_);
  return serving_.at(target);
}

void Forwarder::set_error(std::string message) {
  std::lock_guard lock(error_mutex_);
  last_error_ = std::move(message);
}

// The poll set: the wake-up pipe, the SSH socket, one listening socket per target, then the links.
void Forwarder::run() {
  std::vector<pollfd> fds;
  for (;;) {
    bool progress = pump_all();
    int timeout = progress ? 0 : sooner(keepalive_ms(), reopen_ms());  // may lose the session: first
    fds.assign({{wake_read_.get(), POLLIN, 0}, {-1, 0, 0}});
    for (const SocketDir* socket : sockets_) fds.push_back({socket->listen_fd(), POLLIN, 0});  // -1: ignored
    if (session_) {
      bool reading = (links_.empty() && !idle_data_) || !closing_.empty() ||
                     std::any_of(links_.begin(), links_.end(),
                                 [](const auto& l) { return !l->channel || l->wants_channel_input(); });
      bool writing = libssh2_session_block_directions(session_->ssh.get()) & LIBSSH2_SESSION_BLOCK_OUTBOUND;
      auto events = static_cast<short>((reading ? POLLIN : 0) | (writing ? POLLOUT : 0) |
                                       (links_.empty() && closing_.empty() ? kPollPeerClosed : 0));
      fds[1] = {events ? session_->socket.get() : -1, events, 0};
    }
    for (const auto& l : links_) {
      auto events =
          static_cast<short>((l->wants_local_input() ? POLLIN : 0) | (l->to_local.empty() ? 0 : POLLOUT));
      fds.push_back({events ? l->local.get() : -1, events, 0});
    }
    if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) break;
    if (fds[0].revents) break;
    for (std::size_t t = 0; t < sockets_.size(); ++t) {
      if (fds[2 + t].revents & POLLIN) accept_all(t);
    }
    if (fds[1].revents && session_ && links_.empty() && closing_.empty()) check_idle_session();
  }
  drop_session();
}

// One pass over every connection; true if anything moved (or is waiting in libssh2's buffers).
// The channel opening goes last: it is the pass's last read of the socket, and what that read
// queues for other channels is found by has_buffered_work() instead of waiting for the socket.
bool Forwarder::pump_all() {
  reopen_due();
  if (!session_ && !links_.empty() && !ensure_session()) links_.clear();
  if (!session_) return false;
  if (!links_.empty()) idle_data_ = false;  // channel calls read whatever was waiting
  bool progress = false;
  for (size_t i = 0; i < links_.size() && session_;) {
    progress |= links_[i]->channel ? settle(i, pump(*links_[i], wire(), error_scratch_)) : (++i, false);
  }
  if (session_) close_channels();
  progress |= open_pending();
  // One extra pass for work libssh2 holds; not two in a row, so a wrong guess cannot spin.
  bool recheck =
      !progress && !rechecked_ && session_ &&
      std::any_of(links_.begin(), links_.end(), [](const auto& l) { return has_buffered_work(*l); });
  rechecked_ = recheck;
  return progress || recheck;
}

// Opens the channel of the first connection that has none yet; a refusal says its target is down.
bool Forwarder::open_pending() {
  auto pending = std::find_if(links_.begin(), links_.end(), [](const auto& l) { return !l->channel; });
  if (!session_ || pending == links_.end()) return false;
  size_t i = static_cast<size_t>(pending - links_.begin());
  std::size_t target = links_[i]->target;
  Step step = open_channel(*links_[i], wire(), endpoint_, error_scratch_);
  if (step == Step::kDone) close_unreachable(target);
  return settle(i, step);
}

// With several targets, closes the socket of one that cannot be reached, for kReopenAfter. A lone
// target keeps its socket: libpq has no other host to try, and the next connection finds out at
// once whether the target is back.
void Forwarder::close_unreachable(std::size_t target) {
  if (sockets_.size() < 2) return;
  sockets_[target]->close();
  reopen_at_[target] = std::chrono::steady_clock::now() + kReopenAfter;
  std::lock_guard lock(error_mutex_);
  serving_[target] = false;
}

// Lets each target whose socket was closed be tried again once its time is up.
void Forwarder::reopen_due() {
  auto now = std::chrono::steady_clock::now();
  for (std::size_t t = 0; t < sockets_.size(); ++t) {
    if (sockets_[t]->listen_fd() >= 0 || now < reopen_at_[t]) continue;
    if (std::string error = sockets_[t]->reopen(); !error.empty()) {
      set_error(error);
      reopen_at_[t] = now + kReopenAfter;
      continue;
    }
    std::lock_guard lock(error_mutex_);
    serving_[t] = true;
  }
}

// Milliseconds until the next closed socket opens again (-1: every target's socket is open).
int Forwarder::reopen_ms() const {
  int soonest = -1;
  auto now = std::chrono::steady_clock::now();
  for (std::size_t t = 0; t < sockets_.size(); ++t) {
    if (sockets_[t]->listen_fd() >= 0) continue;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(reopen_at_[t] - now).count();
    soonest = sooner(soonest, static_cast<int>(std::max<decltype(wait)>(wait, 0)));
  }
  return soonest;
}

// Acts on what a step did to links_[i]; advances i past it unless it was removed. True = progress.
bool Forwarder::settle(size_t& i, Step step) {
  std::string error = std::exchange(error_scratch_, "");
  if (step == Step::kSessionLost) {
    lose_session(error);
    return true;
  }
  if (!error.empty()) set_error(error);
  if (step != Step::kDone) {
    ++i;
    return step == Step::kProgress;
  }
  if (links_[i]->channel) closing_.push_back(std::move(links_[i]->channel));
  links_.erase(links_.begin() + static_cast<std::ptrdiff_t>(i));
  return true;
}

// Frees closed connections' channels; libssh2_channel_free waits for the server's CLOSE.
void Forwarder::close_channels() {
  for (size_t i = 0; i < closing_.size();) {
    int rc = finish_sending(
        wire(), [&] { return libssh2_channel_free(closing_[i].get()); }, would_block);
    if (rc == LIBSSH2_ERROR_EAGAIN) {
      ++i;
      continue;
    }
    (void)closing_[i].release();  // freed by libssh2, whatever rc says
    closing_.erase(closing_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void Forwarder::accept_all(std::size_t target) {
  for (;;) {
    Fd fd(accept(sockets_[target]->listen_fd(), nullptr, nullptr));
    if (!fd) return;
    // If either fails, fd closes: the client sees the connection drop.
    if (!set_cloexec_nonblock(fd.get()) || !ensure_session()) continue;
    links_.push_back(std::make_unique<Link>(std::move(fd), target));
  }
}

// Reconnects after a loss, with the same checks (host key, login) as the first time.
bool Forwarder::ensure_session() {
  if (session_ && links_.empty() && closing_.empty()) check_idle_session();  // died while idle?
  if (session_) return true;
  auto fresh = open_session(endpoint_);
  if (!fresh) {
    set_error(fresh.error());
    return false;
  }
  session_.emplace(std::move(*fresh));
  libssh2_session_set_blocking(session_->ssh.get(), 0);
  return true;
}

// Without channels libssh2 offers no call that reads the socket, so what the server sends to an
// idle session (its host keys after login, a keepalive probe) waits there for the next channel;
// meanwhile only the connection's end is watched (kPollPeerClosed). An idle session that ended is
// dropped quietly: nothing was lost, and the next connection logs in again.
void Forwarder::check_idle_session() {
  pollfd p{session_->socket.get(), POLLIN | kPollPeerClosed, 0};
  if (poll(&p, 1, 0) <= 0) return;
  if (p.revents & (kPollPeerClosed | POLLHUP | POLLERR)) return drop_session();
  idle_data_ = true;
}

void Forwarder::lose_session(const std::string& why) {
  set_error("ssh: connection to " + endpoint_.address() + " lost (" + why +
            "); reconnecting on the next connection");
  // Connections whose channel was not open yet have lost nothing: they get one new session.
  std::vector<std::unique_ptr<Link>> waiting;
  for (auto& link : links_) {
    if (!link->channel && !link->retried) {
      link->retried = true;
      waiting.push_back(std::move(link));
    }
  }
  drop_session();
  links_ = std::move(waiting);  // pump_all() reconnects for them
}

// Closes every local connection (their clients see the drop) and the session.
void Forwarder::drop_session() {
  if (session_) {
    libssh2_session_set_blocking(session_->ssh.get(), 1);
    libssh2_session_set_timeout(session_->ssh.get(), 1000);
  }
  links_.clear();
  closing_.clear();
  session_.reset();
  idle_data_ = false;
}

// Milliseconds until the next keepalive is due (-1: no session, nothing to keep alive).
int Forwarder::keepalive_ms() {
  if (!session_) return -1;
  if (libssh2_session_block_directions(session_->ssh.get()) & LIBSSH2_SESSION_BLOCK_OUTBOUND) return 1000;
  int next = 0;
  if (libssh2_keepalive_send(session_->ssh.get(), &next) != 0) {
    lose_session(describe_loss(session_->ssh.get()));
    return 0;
  }
  return std::max(next, 1) * 1000;
}

}  // namespace tunnel
