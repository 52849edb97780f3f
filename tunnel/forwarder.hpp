// The tunnel's thread: owns the SSH session (libssh2 sessions are not thread-safe) and every
// forwarded connection, and multiplexes them with poll() over the SSH socket, the listening
// sockets (one per target), the accepted sockets and a wake-up pipe.
//
// With several targets (a multi-host database URL), a target that cannot be reached has its socket
// closed for a while: libpq passes over a host only when connect() fails, not when a connected
// socket is closed on it, so this is what lets it try the next host.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tunnel/endpoint.hpp"
#include "tunnel/link.hpp"
#include "tunnel/session.hpp"
#include "tunnel/socket_dir.hpp"

namespace tunnel {

class Forwarder {
 public:
  // Takes over a logged-in session; forwards connections accepted on sockets[i] (not owned; they
  // outlive the forwarder) to endpoint.targets[i].
  Forwarder(Endpoint endpoint, Session session, std::vector<SocketDir*> sockets);
  ~Forwarder();  // wakes the thread, joins it; every channel, socket and the session are closed
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  std::string last_error() const;
  bool serving(std::size_t target) const;  // see Tunnel::serving

 private:
  void run();
  bool pump_all();
  bool open_pending();
  void close_unreachable(std::size_t target);
  void reopen_due();
  int reopen_ms() const;
  bool settle(size_t& i, Step step);
  void accept_all(std::size_t target);
  bool ensure_session();
  void check_idle_session();
  void lose_session(const std::string& why);
  void drop_session();
  int keepalive_ms();
  void close_channels();
  void set_error(std::string message);
  Wire wire() const { return {session_->ssh.get(), session_->socket.get()}; }

  const Endpoint endpoint_;
  const std::vector<SocketDir*> sockets_;
  // When each target whose socket is closed (see above) listens again; unused for a lone target.
  std::vector<std::chrono::steady_clock::time_point> reopen_at_;
  std::optional<Session> session_;  // empty after a loss, until the next accepted connection
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<ChannelPtr> closing_;  // channels being closed without blocking
  Fd wake_read_;
  Fd wake_write_;
  mutable std::mutex error_mutex_;  // guards last_error_ and serving_
  std::string last_error_;
  std::vector<bool> serving_;  // per target: its socket listens
  bool idle_data_ = false;     // the server sent something while no channel could read it
  bool rechecked_ = false;     // the last pass ran only for has_buffered_work()
  std::string error_scratch_;  // filled by a pumping step, read by settle()
  std::thread thread_;         // last: starts once everything above exists
};

}  // namespace tunnel
