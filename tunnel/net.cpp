#include "tunnel/net.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "tunnel/posix.hpp"

namespace tunnel {
namespace {

using Clock = std::chrono::steady_clock;

// Writes that stay unacknowledged this long fail the socket, so a host that vanished without a
// FIN/RST is noticed after a keepalive instead of after the kernel's ~15 minutes of retries.
constexpr unsigned kTcpUserTimeoutMs = 60'000;

std::string numeric_address(const addrinfo* ai) {
  char host[NI_MAXHOST] = "";
  getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
  return host;
}

// "10.0.0.5:22", "[::1]:22"
std::string peer_name(const addrinfo* ai, int port) {
  std::string address = numeric_address(ai);
  if (ai->ai_family == AF_INET6) address = "[" + address + "]";
  return address + ":" + std::to_string(port);
}

// Linux counts the timeout in milliseconds (TCP_USER_TIMEOUT), macOS in seconds
// (TCP_RXT_CONNDROPTIME); a system with neither keeps its default.
void set_unacknowledged_timeout([[maybe_unused]] int fd) {
#if defined(TCP_USER_TIMEOUT)
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &kTcpUserTimeoutMs, sizeof kTcpUserTimeoutMs);
#elif defined(TCP_RXT_CONNDROPTIME)
  int seconds = static_cast<int>(kTcpUserTimeoutMs / 1000);
  setsockopt(fd, IPPROTO_TCP, TCP_RXT_CONNDROPTIME, &seconds, sizeof seconds);
#endif
}

void tune(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // queries are small: no Nagle delay
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  set_unacknowledged_timeout(fd);
  set_nosigpipe(fd);  // a dropped connection is an error from libssh2, not a signal
}

// 0 on success, else an errno value (ETIMEDOUT when the deadline passes).
int connect_one(const addrinfo* ai, Clock::time_point deadline, Fd& out) {
  Fd fd(socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol));
  if (!fd || !set_cloexec_nonblock(fd.get())) return errno;
  if (connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return errno;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd.get(), POLLOUT, 0};
    int ready = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready == 0) return ETIMEDOUT;
    if (ready < 0) return errno;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return err;
  }
  tune(fd.get());
  out = std::move(fd);
  return 0;
}

std::string describe_failure(int err, const std::string& where, const std::string& tried,
                             std::chrono::milliseconds timeout, const std::string& port_setting) {
  std::string prefix = "ssh: connection to " + where;
  if (err == ECONNREFUSED) {
    return prefix + " refused (" + tried + "): is sshd running there, and is the port right (" +
           port_setting + ")?";
  }
  if (err == ETIMEDOUT) {
    return prefix + " timed out after " + std::to_string(timeout.count()) + " ms (" + tried +
           "): is the host up and reachable from here (VPN, firewall)?";
  }
  if (err == ENETUNREACH || err == EHOSTUNREACH) {
    return prefix + " failed: host unreachable (" + tried + "): check the network or VPN";
  }
  return prefix + " failed (" + tried + "): " + std::strerror(err);
}

}  // namespace

ssize_t recv_and_ack(int fd, void* buffer, size_t length, int flags) {
  ssize_t n = recv(fd, buffer, length, flags);
#ifdef TCP_QUICKACK
  if (n > 0) {
    int saved = errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    errno = saved;
  }
#endif
  return n;
}

void AddrInfoFree::operator()(addrinfo* list) const {
  freeaddrinfo(list);
}

std::string Addresses::numeric() const {
  std::string out;
  for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next)
    out += (out.empty() ? "" : ", ") + numeric_address(ai);
  return out;
}

Result<Addresses> resolve_host(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoFree> list(raw);
  if (rc != 0 || !list) {
    return Error{"ssh: cannot resolve " + host + ": " + (rc != 0 ? gai_strerror(rc) : "no address")};
  }
  return Addresses{host, port, std::move(list)};
}

Result<Connection> connect_tcp(const Addresses& addresses, std::chrono::milliseconds timeout,
                               const std::string& port_setting) {
  auto deadline = Clock::now() + timeout;
  int last_err = ETIMEDOUT;
  std::string tried;
  for (const addrinfo* ai = addresses.list.get(); ai; ai = ai->ai_next) {
    Fd fd;
    last_err = connect_one(ai, deadline, fd);
    if (last_err == 0) return Connection{std::move(fd), peer_name(ai, addresses.port)};
    tried += (tried.empty() ? "" : ", ") + numeric_address(ai);
  }
  return Error{describe_failure(last_err, addresses.host + ":" + std::to_string(addresses.port), tried,
                                timeout, port_setting)};
}

}  // namespace tunnel
