#include "relay.hpp"

#include "loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace testing {
namespace {

int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address = loopback(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 16) != 0) {
    ::close(fd);
    throw std::runtime_error("relay: cannot listen on 127.0.0.1:" + std::to_string(port));
  }
  return fd;
}

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Copies what is readable on `from` to `to`; false when `from` is done.
bool pass(int from, int to) {
  char buffer[16384];
  ssize_t got = read(from, buffer, sizeof buffer);
  if (got <= 0) return false;
  for (ssize_t sent = 0; sent < got;) {
    ssize_t n = write(to, buffer + sent, static_cast<std::size_t>(got - sent));
    if (n <= 0) return false;
    sent += n;
  }
  return true;
}

}  // namespace

Relay::Relay(int target_port) : target_port_(target_port) {
  int probe = listen_on(0);
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  ::close(probe);
}

Relay::~Relay() {
  close();
}

void Relay::open() {
  if (thread_.joinable()) return;
  if (pipe(stop_pipe_) != 0) throw std::runtime_error("relay: pipe");
  int listener = listen_on(port_);
  thread_ = std::thread([this, listener] { serve(listener); });
}

void Relay::close() {
  if (!thread_.joinable()) return;
  char byte = 1;
  [[maybe_unused]] auto n = write(stop_pipe_[1], &byte, 1);
  thread_.join();
  for (int& fd : stop_pipe_) {
    ::close(fd);
    fd = -1;
  }
}

// One thread for everything: the listener, then each pair of forwarded sockets.
void Relay::serve(int listener) {
  std::vector<std::pair<int, int>> pairs;
  for (;;) {
    std::vector<pollfd> fds = {{stop_pipe_[0], POLLIN, 0}, {listener, POLLIN, 0}};
    for (auto [a, b] : pairs) fds.insert(fds.end(), {{a, POLLIN, 0}, {b, POLLIN, 0}});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents) break;
    const std::size_t polled = pairs.size();  // a pair accepted now has no entry in fds yet
    if (fds[1].revents) {
      int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      int server = client >= 0 ? connect_to(target_port_) : -1;
      if (server >= 0) pairs.emplace_back(client, server);
      else if (client >= 0) ::close(client);
    }
    for (std::size_t i = 0; i < polled; ++i) {
      auto [a, b] = pairs[i];
      bool alive = (!fds[2 + 2 * i].revents || pass(a, b)) && (!fds[3 + 2 * i].revents || pass(b, a));
      if (!alive) {
        ::close(a);
        ::close(b);
        pairs[i] = {-1, -1};
      }
    }
    std::erase(pairs, std::pair<int, int>{-1, -1});
  }
  for (auto [a, b] : pairs) {
    ::close(a);
    ::close(b);
  }
  ::close(listener);
}

}  // namespace testing
