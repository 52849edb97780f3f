#include "tunnel/tunnel.hpp"

#include <string>

#include "tunnel/auth.hpp"
#include "tunnel/endpoint.hpp"
#include "tunnel/link.hpp"
#include "tunnel/session.hpp"

namespace tunnel {
namespace {

// "ssh config": where the options and the ssh config file lead, e.g. "fleet-db (HostName 10.1.2.3)
// port 22, user alice, keys: ssh-agent (...), /home/alice/.ssh/id_ed25519, known_hosts ..., database ...".
std::string describe_endpoint(const Options& o, const Endpoint& e) {
  std::string host = o.host == e.hostname ? e.hostname : o.host + " (HostName " + e.hostname + ")";
  return host + " port " + std::to_string(e.port) + ", user " + e.user + ", keys: " + describe_keys(e) +
         ", known_hosts " + e.known_hosts + ", database " + e.target();
}

// "forward": one direct-tcpip channel to the target, opened (blocking, within the session timeout)
// and closed again, as the forwarder opens one per connection.
Result<std::string> probe_forward(LIBSSH2_SESSION* s, const Endpoint& e) {
  ChannelPtr channel(open_direct_tcpip(s, e));
  if (channel) return e.target() + " reachable from the SSH host";
  if (libssh2_session_last_errno(s) == LIBSSH2_ERROR_CHANNEL_FAILURE) return Error{channel_refusal(s, e)};
  return Error{"ssh: connection to " + e.address() + " lost while opening a channel to " + e.target() + " (" +
               describe_loss(s) + ")"};
}

}  // namespace

bool diagnose(const Options& options, const std::function<void(const Check&)>& report) {
  auto endpoint = resolve_endpoint(options);
  auto described = [&](const Endpoint& e) { return describe_endpoint(options, e); };
  if (!passed(report, "ssh config", endpoint, described)) return false;
  auto session = open_session(*endpoint, report);
  if (!session) return false;
  auto forward = probe_forward(session->ssh.get(), *endpoint);
  return passed(report, "forward", forward, [](const std::string& found) { return found; });
}

}  // namespace tunnel
