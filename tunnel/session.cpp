#include "tunnel/session.hpp"

#include <cerrno>

#include "tunnel/auth.hpp"
#include "tunnel/known_hosts.hpp"
#include "tunnel/net.hpp"

namespace tunnel {
namespace {

// Sent without asking for a reply (an idle session cannot read one, see Forwarder); a dead peer is
// then noticed when the unacknowledged keepalive hits the socket's TCP user timeout.
constexpr int kKeepaliveSeconds = 15;

// AES-CTR first: AES-NI makes it the fastest cipher libssh2 1.10 offers (it has neither
// chacha20-poly1305 nor AES-GCM).
constexpr const char* kCiphers = "aes128-ctr,aes256-ctr,aes192-ctr";
constexpr const char* kMacs = "hmac-sha2-256,hmac-sha2-512,hmac-sha1";

// libssh2's reads of the SSH socket, each acknowledged at once (see recv_and_ack).
LIBSSH2_RECV_FUNC(receive_and_ack) {
  (void)abstract;
  ssize_t n = recv_and_ack(socket, buffer, length, flags);
  return n < 0 ? -errno : n;  // libssh2's own recv answers -errno, EAGAIN included
}

std::string handshake_error(LIBSSH2_SESSION* s, const Endpoint& e) {
  if (libssh2_session_last_errno(s) == LIBSSH2_ERROR_TIMEOUT) {
    return "ssh: " + e.address() + " accepted the connection but the SSH handshake did not finish within " +
           std::to_string(e.timeout.count()) + " ms";
  }
  return "ssh: SSH handshake with " + e.address() + " failed (" + last_ssh_error(s) +
         "): is it an SSH server?";
}

// "host key": the SSH handshake on the connected socket, then the server's key against known_hosts.
Result<std::string> greet(Session& session, const Endpoint& e) {
  ensure_libssh2();
  session.ssh.reset(libssh2_session_init_ex(PacketPool::allocate, PacketPool::release, PacketPool::reallocate,
                                            session.pool.get()));
  LIBSSH2_SESSION* s = session.ssh.get();
  if (!s) return Error{"ssh: out of memory starting an SSH session"};
  libssh2_session_callback_set(s, LIBSSH2_CALLBACK_RECV, reinterpret_cast<void*>(&receive_and_ack));
  libssh2_session_set_blocking(s, 1);
  libssh2_session_set_timeout(s, static_cast<long>(e.timeout.count()));
  libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, hostkey_preference(s, e).c_str());
  libssh2_session_method_pref(s, LIBSSH2_METHOD_CRYPT_CS, kCiphers);
  libssh2_session_method_pref(s, LIBSSH2_METHOD_CRYPT_SC, kCiphers);
  libssh2_session_method_pref(s, LIBSSH2_METHOD_MAC_CS, kMacs);
  libssh2_session_method_pref(s, LIBSSH2_METHOD_MAC_SC, kMacs);
  if (libssh2_session_handshake(s, session.socket.get()) != 0) return Error{handshake_error(s, e)};
  return verify_host_key(s, e);
}

}  // namespace

std::string last_ssh_error(LIBSSH2_SESSION* session) {
  char* message = nullptr;
  int len = 0;
  libssh2_session_last_error(session, &message, &len, 0);
  return message && len > 0 ? std::string(message, len) : "unknown error";
}

std::string describe_loss(LIBSSH2_SESSION* session) {
  switch (libssh2_session_last_errno(session)) {
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
      return "the server closed the connection";
    case LIBSSH2_ERROR_SOCKET_RECV:
      return "network error while receiving";
    case LIBSSH2_ERROR_SOCKET_SEND:
      return "network error while sending";
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
    case LIBSSH2_ERROR_TIMEOUT:
      return "no answer from the server";
    default:
      return last_ssh_error(session);
  }
}

Result<Session> open_session(const Endpoint& e, const StepReport& report) {
  auto addresses = resolve_host(e.hostname, e.port);
  auto listed = [&](const Addresses& a) { return e.hostname + " -> " + a.numeric(); };
  if (!addresses)
    addresses = Error{addresses.error() + " (check " + e.names.host + ", or HostName in the ssh config)"};
  if (!passed(report, "DNS", addresses, listed)) return Error{addresses.error()};
  auto tcp = connect_tcp(*addresses, e.timeout, e.names.port);
  if (!passed(report, "TCP", tcp, [](const Connection& c) { return "connected to " + c.peer; }))
    return Error{tcp.error()};
  Session session{std::move(tcp->socket), std::make_unique<PacketPool>(), nullptr};
  auto host_key = greet(session, e);
  if (!passed(report, "host key", host_key, [](const std::string& found) { return found; }))
    return Error{host_key.error()};
  auto login = authenticate(session.ssh.get(), e);
  auto logged_in = [&](const std::string& key) { return "as " + e.user + " with " + key; };
  if (!passed(report, "SSH login", login, logged_in)) return Error{login.error()};
  // Only now: a blocking libssh2 call sends due keepalives while it waits, which would break the
  // key exchange (and the first one is due at once).
  libssh2_keepalive_config(session.ssh.get(), 0, kKeepaliveSeconds);
  return session;
  // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks): false positive, session.pool owns the PacketPool
}

}  // namespace tunnel
