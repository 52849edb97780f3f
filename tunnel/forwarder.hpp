// The tunnel's thread: owns the SSH session (libssh2 sessions are not thread-safe) and every
// forwarded connection, and multiplexes them with poll() over the SSH socket, the listening
// socket, the accepted sockets and a wake-up pipe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tunnel/endpoint.hpp"
#include "tunnel/link.hpp"
#include "tunnel/session.hpp"

namespace tunnel {

class Forwarder {
 public:
  // Takes over a logged-in session; serves connections accepted on listen_fd (not owned).
  Forwarder(Endpoint endpoint, Session session, int listen_fd);
  ~Forwarder();  // wakes the thread, joins it; every channel, socket and the session are closed
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  std::string last_error() const;

 private:
  void run();
  bool pump_all();
  bool settle(size_t& i, Step step);
  void accept_all();
  bool ensure_session();
  void check_idle_session();
  void lose_session(const std::string& why);
  void drop_session();
  int keepalive_ms();
  void close_channels();
  void set_error(std::string message);
  Wire wire() const { return {session_->ssh.get(), session_->socket.get()}; }

  const Endpoint endpoint_;
  const int listen_fd_;
  std::optional<Session> session_;  // empty after a loss, until the next accepted connection
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<ChannelPtr> closing_;  // channels being closed without blocking
  Fd wake_read_;
  Fd wake_write_;
  mutable std::mutex error_mutex_;
  std::string last_error_;
  bool idle_data_ = false;     // the server sent something while no channel could read it
  bool rechecked_ = false;     // the last pass ran only for has_buffered_work()
  std::string error_scratch_;  // filled by a pumping step, read by settle()
  std::thread thread_;         // last: starts once everything above exists
};

}  // namespace tunnel
