// Read replicas: a --database-url that lists the standby and the primary (libpq's multi-host form
// with target_session_attrs=prefer-standby) reads from the standby, and from the primary once the
// standby is gone; directly, and through the built-in SSH tunnel (issue 14).
// tests/integration/replica_test.sh makes the two clusters and sets the env, once per test case.
#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mcp_client.hpp"
#include "tunnel_setup.hpp"

using testing::CommandRun;
using testing::doctor_line;
using testing::doctor_status;
using testing::json;
using testing::McpClient;
using testing::run_command;

namespace {

// The database the query ran on: true on a standby.
json in_recovery(McpClient& client) {
  return client.call_tool("query", {{"sql", "SELECT pg_is_in_recovery() AS standby"}});
}

// Reads from the standby, stops it with `stop_standby`, then reads from the primary.
void reads_standby_then_primary(McpClient& client, const char* stop_standby) {
  json first = in_recovery(client);
  INFO(first.dump());
  REQUIRE(first["isError"] == false);
  CHECK(first["structuredContent"]["rows"][0][0] == true);
  CHECK(client.call_tool("query", {{"sql", "SELECT count(*) FROM tracksolid.devices"}})["isError"] == false);

  REQUIRE(std::system(stop_standby) == 0);
  // The pooled connection to the standby is dead: a call on it fails with a clean error, or is
  // retried on a fresh connection, which libpq makes to the primary.
  json after = in_recovery(client);
  if (after["isError"] == true) {
    CHECK_FALSE(after["content"][0]["text"].get<std::string>().empty());
    after = in_recovery(client);
  }
  INFO(after.dump());
  REQUIRE(after["isError"] == false);
  CHECK(after["structuredContent"]["rows"][0][0] == false);
  client.close_input();
  CHECK(client.wait_exit() == 0);
}

}  // namespace

TEST_CASE("calls read from the standby, and from the primary once the standby stops", "[replica]") {
  const char* url = std::getenv("FAM_REPLICA_URL");
  const char* stop_standby = std::getenv("FAM_REPLICA_STOP");
  if (url == nullptr || stop_standby == nullptr) {
    WARN("no replica set up: run tests/integration/replica_test.sh");
    return;
  }
  McpClient client({"--database-url", url, "--database-password-file", testing::ro_password_file()}, true);
  reads_standby_then_primary(client, stop_standby);
}

// The same URL through the built-in tunnel: one forward (socket) per host over one SSH session.
TEST_CASE("through the built-in SSH tunnel, a multi-host URL reads the standby, then the primary",
          "[replica][tunnel]") {
  const char* url = std::getenv("FAM_REPLICA_URL");
  const char* stop_standby = std::getenv("FAM_REPLICA_STOP");
  if (url == nullptr || stop_standby == nullptr) {
    WARN("no replica set up: run tests/integration/replica_test.sh");
    return;
  }
  testing::TunnelSetup setup(true);
  const std::vector<std::string> args = setup.server_args("", url);
  std::vector<std::string> doctor_args = args;
  doctor_args.insert(doctor_args.begin(), "doctor");
  // "127.0.0.1:STANDBY,127.0.0.1:PRIMARY", as the URL names them
  std::string hosts(url);
  hosts = hosts.substr(hosts.find('@') + 1, hosts.find('/', hosts.find('@')) - hosts.find('@') - 1);
  const std::string standby = hosts.substr(0, hosts.find(','));

  CommandRun healthy = run_command(doctor_args, true);
  INFO(healthy.out << healthy.err);
  CHECK(healthy.exit_code == 0);
  CHECK(doctor_line(healthy, "forward")
            .find(standby + ", " + hosts.substr(hosts.find(',') + 1) + " reachable from the SSH host") !=
        std::string::npos);

  const std::size_t logins_before = setup.sshd.log().size();
  McpClient client(args, true);
  reads_standby_then_primary(client, stop_standby);
  std::string log = setup.sshd.log().substr(logins_before);  // both hosts were reached through one SSH login
  CHECK(log.find("Accepted publickey") != std::string::npos);
  CHECK(log.find("Accepted publickey") == log.rfind("Accepted publickey"));

  // With the standby stopped, doctor names it: a host in the URL that cannot be reached.
  CommandRun degraded = run_command(doctor_args, true);
  INFO(degraded.out << degraded.err);
  CHECK(doctor_status(degraded, "forward") == "FAIL");
  CHECK(doctor_line(degraded, "forward").find("not listening at " + standby) != std::string::npos);
}
