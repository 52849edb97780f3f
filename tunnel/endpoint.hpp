// Options + ~/.ssh/config + environment defaults → the one place that says where to log in.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tunnel/result.hpp"
#include "tunnel/tunnel.hpp"

namespace tunnel {

struct Endpoint {
  std::string hostname;  // to connect to and to look up in known_hosts (HostName, else the alias)
  int port = 22;
  std::string user;
  std::vector<std::string> identities;  // candidate identity files, in order
  bool identities_defaulted = true;     // true = the ~/.ssh/id_* defaults (only existing ones tried)
  std::string known_hosts;
  bool accept_new = false;
  std::vector<Target> targets;  // never empty
  std::chrono::milliseconds timeout{10000};
  SettingNames names;  // the caller's names of the settings, for the fixes messages suggest

  std::string address() const { return hostname + ":" + std::to_string(port); }
};

inline std::string address_of(const Target& target) {
  return target.host + ":" + std::to_string(target.port);
}

Result<Endpoint> resolve_endpoint(const Options& options);

}  // namespace tunnel
