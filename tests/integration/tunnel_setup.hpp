// A real sshd that knows a client key, for the end-to-end tests that reach the database through
// the built-in SSH tunnel (tunnel_e2e_test.cpp, replica_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../tunnel/support.hpp"
#include "mcp_client.hpp"

namespace testing {

// A real sshd that knows the client's key; the client's known_hosts starts as `known`.
struct TunnelSetup {
  explicit TunnelSetup(bool host_known, std::optional<std::string> key_options = "",
                       const tunnel_test::SshServerOptions& sshd_options = {})
      : sshd(sshd_options) {
    if (key_options) sshd.authorize(key, *key_options);
    tunnel_test::write_file(known_hosts, host_known ? sshd.known_hosts_line() + "\n" : "");
  }
  // The server's arguments to reach `url` (as the SSH host sees it) through this sshd; `command`
  // (e.g. "doctor") comes first when given.
  std::vector<std::string> server_args(const std::string& command = "",
                                       const std::string& url = ro_url()) const {
    std::vector<std::string> args{"--database-url",
                                  url,
                                  "--database-password-file",
                                  ro_password_file(),
                                  "--ssh-host",
                                  "127.0.0.1",
                                  "--ssh-port",
                                  std::to_string(sshd.port()),
                                  "--ssh-user",
                                  sshd.user(),
                                  "--ssh-identity",
                                  key.private_path,
                                  "--ssh-known-hosts",
                                  known_hosts};
    if (!command.empty()) args.insert(args.begin(), command);
    return args;
  }
  tunnel_test::ClientEnv client_env;
  tunnel_test::SshServer sshd;
  tunnel_test::KeyPair key = tunnel_test::make_key(client_env.home.path(), "id_ed25519", "ed25519");
  std::string known_hosts = client_env.home / "known_hosts";
};

}  // namespace testing
