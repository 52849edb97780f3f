// The real binary reaching the database through its own SSH tunnel, against a real sshd.
#include <catch2/catch.hpp>

#include "../tunnel/support.hpp"
#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

// A real sshd that knows the client's key; the client's known_hosts starts as `known`.
struct TunnelSetup {
  explicit TunnelSetup(bool host_known) {
    sshd.authorize(key);
    tunnel_test::write_file(known_hosts, host_known ? sshd.known_hosts_line() + "\n" : "");
  }
  std::vector<std::string> server_args() const {
    return {"--database-url",
            testing::ro_url(),
            "--database-password-file",
            testing::ro_password_file(),
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
  }
  tunnel_test::ClientEnv client_env;
  tunnel_test::SshServer sshd;
  tunnel_test::KeyPair key = tunnel_test::make_key(client_env.home.path(), "id_ed25519", "ed25519");
  std::string known_hosts = client_env.home / "known_hosts";
};

}  // namespace

TEST_CASE("queries through the built-in tunnel return what a direct connection returns", "[tunnel]") {
  TunnelSetup setup(true);

  const std::string sql = "SELECT imei, count(*) FROM tracksolid.positions GROUP BY imei ORDER BY imei";
  McpClient direct;
  McpClient tunnelled(setup.server_args(), true);
  json through = tunnelled.call_tool("query", {{"sql", sql}});
  REQUIRE(through["isError"] == false);
  CHECK(through["structuredContent"] == direct.call_tool("query", {{"sql", sql}})["structuredContent"]);
  // The SSH user travels to the database as the analyst's name.
  json who = tunnelled.call_tool("query", {{"sql", "SELECT current_setting('application_name')"}});
  CHECK(who["structuredContent"]["rows"][0][0] == "fleet-analytics-mcp/" + setup.sshd.user());
}

TEST_CASE("an unknown SSH host key stops the server before it serves", "[tunnel]") {
  TunnelSetup setup(false);
  McpClient refused(setup.server_args(), true);
  CHECK(refused.wait_exit() == 5);
  std::string err = refused.stderr_text();
  CHECK(err.find(setup.sshd.fingerprint()) != std::string::npos);
  CHECK(err.find("--ssh-accept-new") != std::string::npos);
}
