// A TCP relay on loopback in front of the sandbox database, that a test opens and closes: the
// database "goes away" and "comes back" for the server under test without touching PostgreSQL.
#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace testing {

class Relay {
 public:
  // Picks a free loopback port; nothing listens on it until open().
  explicit Relay(int target_port);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  int port() const { return port_; }
  // Starts accepting and forwarding each connection to the target port.
  void open();
  // Stops accepting and cuts every forwarded connection.
  void close();

 private:
  void serve(int listener);

  int target_port_;
  int port_ = 0;
  int stop_pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace testing
