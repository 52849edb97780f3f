#include "tunnel/tunnel.hpp"

#include <string>

#include "tunnel/auth.hpp"
#include "tunnel/endpoint.hpp"
#include "tunnel/link.hpp"
#include "tunnel/session.hpp"

namespace tunnel {
namespace {

// "127.0.0.1:5432" or, for several targets, "10.0.0.7:5432, 10.0.0.8:5432".
std::string targets_of(const Endpoint& e) {
  std::string out;
  for (const Target& t : e.targets) out += (out.empty() ? "" : ", ") + address_of(t);
  return out;
}

// "ssh config": where the options and the ssh config file lead, e.g. "fleet-db (HostName 10.1.2.3)
// port 22, user alice, keys: ssh-agent (...), /home/alice/.ssh/id_ed25519, known_hosts ..., database ...".
std::string describe_endpoint(const Options& o, const Endpoint& e) {
  std::string host = o.host == e.hostname ? e.hostname : o.host + " (HostName " + e.hostname + ")";
  return host + " port " + std::to_string(e.port) + ", user " + e.user + ", keys: " + describe_keys(e) +
         ", known_hosts " + e.known_hosts + ", database " + targets_of(e);
}

// "forward": one direct-tcpip channel to each target, opened (blocking, within the session timeout)
// and closed again, as the forwarder opens one per connection. Every target must answer: libpq
// would pass over one that does not, but a host in the URL that cannot be reached is worth fixing.
Result<std::string> probe_forward(LIBSSH2_SESSION* s, const Endpoint& e) {
  for (const Target& t : e.targets) {
    ChannelPtr channel(open_direct_tcpip(s, t));
    if (channel) continue;
    if (libssh2_session_last_errno(s) == LIBSSH2_ERROR_CHANNEL_FAILURE)
      return Error{channel_refusal(s, e, t)};
    return Error{"ssh: connection to " + e.address() + " lost while opening a channel to " + address_of(t) +
                 " (" + describe_loss(s) + ")"};
  }
  return targets_of(e) + " reachable from the SSH host";
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
