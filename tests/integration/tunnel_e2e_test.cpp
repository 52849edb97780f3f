// The real binary reaching the database through its own SSH tunnel, against a real sshd.
#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <optional>

#include "../tunnel/support.hpp"
#include "mcp_client.hpp"
#include "tunnel_setup.hpp"

using testing::CommandRun;
using testing::doctor_line;
using testing::doctor_status;
using testing::json;
using testing::McpClient;
using testing::run_command;
using testing::TunnelSetup;

namespace {

// Runs `doctor` and checks that it stopped at `failed` with `hint` in its line, and skipped `next`.
void expect_doctor_stops_at(const std::vector<std::string>& args, const std::string& failed,
                            const std::string& hint, const std::string& next) {
  CommandRun run = run_command(args, true);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 1);
  CHECK(doctor_status(run, failed) == "FAIL");
  CHECK(doctor_line(run, failed).find(hint) != std::string::npos);
  CHECK(doctor_status(run, next) == "skip");
  CHECK(doctor_status(run, "database login") == "skip");
}

std::vector<std::string> with_option(std::vector<std::string> args, const std::string& option,
                                     const std::string& value) {
  auto it = std::find(args.begin(), args.end(), option);
  REQUIRE(it != args.end());
  *(it + 1) = value;
  return args;
}

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

TEST_CASE("an unknown SSH host key is explained on each call, and nothing is served", "[tunnel]") {
  TunnelSetup setup(false);
  McpClient refused(setup.server_args(), true);
  CHECK(refused.request(1, "tools/list")["result"]["tools"].size() == 8);
  json result = refused.call_tool("query", {{"sql", "SELECT 1"}});
  REQUIRE(result["isError"] == true);
  std::string why = result["content"][0]["text"];
  CHECK(why.find(setup.sshd.fingerprint()) != std::string::npos);
  CHECK(why.find("--ssh-accept-new") != std::string::npos);
  refused.close_input();
  CHECK(refused.wait_exit() == 0);
}

TEST_CASE("doctor passes every check through a working tunnel", "[tunnel][doctor]") {
  TunnelSetup setup(true);
  CommandRun run = run_command(setup.server_args("doctor"), true);
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  for (const char* check :
       {"configuration", "ssh config", "DNS", "TCP", "host key", "SSH login", "forward", "database login",
        "read-only role", "least privilege", "data access", "extensions"}) {
    INFO(check);
    CHECK(doctor_status(run, check) == "ok");
  }
  CHECK(doctor_line(run, "host key").find(setup.sshd.fingerprint()) != std::string::npos);
}

TEST_CASE("doctor names each tunnel failure and how to fix it", "[tunnel][doctor]") {
  SECTION("an unresolvable SSH host") {
    TunnelSetup setup(true);
    expect_doctor_stops_at(with_option(setup.server_args("doctor"), "--ssh-host", "no-such-host.invalid"),
                           "DNS", "no-such-host.invalid", "TCP");
  }
  SECTION("nothing listening on the SSH port") {
    TunnelSetup setup(true);
    expect_doctor_stops_at(
        with_option(setup.server_args("doctor"), "--ssh-port", std::to_string(tunnel_test::free_port())),
        "TCP", "refused", "host key");
  }
  SECTION("an unknown host key") {
    TunnelSetup setup(false);
    expect_doctor_stops_at(setup.server_args("doctor"), "host key", setup.sshd.fingerprint(), "SSH login");
  }
  SECTION("a changed host key") {
    TunnelSetup setup(false);
    auto impostor = tunnel_test::make_key(setup.client_env.home.path(), "impostor", "ed25519");
    tunnel_test::write_file(setup.known_hosts, "[127.0.0.1]:" + std::to_string(setup.sshd.port()) + " " +
                                                   impostor.public_line + "\n");
    expect_doctor_stops_at(setup.server_args("doctor"), "host key", "CHANGED", "SSH login");
  }
  SECTION("a key the SSH host does not accept") {
    TunnelSetup setup(true, std::nullopt);
    expect_doctor_stops_at(setup.server_args("doctor"), "SSH login", "tunnel_account.sh add", "forward");
  }
  SECTION("a key with a passphrase and no ssh-agent") {
    TunnelSetup setup(true);
    auto locked = tunnel_test::make_key(setup.client_env.home.path(), "id_locked", "ed25519", "a passphrase");
    setup.sshd.authorize(locked);
    expect_doctor_stops_at(with_option(setup.server_args("doctor"), "--ssh-identity", locked.private_path),
                           "SSH login", "ssh-add", "forward");
  }
  SECTION("no database listening where the URL points, as the SSH host sees it") {
    TunnelSetup setup(true);
    std::string url =
        "postgresql://analytics_ro@127.0.0.1:" + std::to_string(tunnel_test::free_port()) + "/tracksolid_db";
    expect_doctor_stops_at(with_option(setup.server_args("doctor"), "--database-url", url), "forward",
                           "not listening", "database login");
  }
  SECTION("a key whose permitopen forbids the database") {
    TunnelSetup setup(true, "permitopen=\"127.0.0.1:1\"");
    expect_doctor_stops_at(setup.server_args("doctor"), "forward", "permitopen", "database login");
  }
}

TEST_CASE("an SSH connection cut mid-query fails that call cleanly; the next call opens a new one",
          "[tunnel][faults]") {
  TunnelSetup setup(true);
  McpClient client(setup.server_args(), true);
  REQUIRE(client.call_tool("query", {{"sql", "SELECT 1"}})["isError"] == false);
  const std::string running =
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fleet-analytics-mcp/" +
      setup.sshd.user() + "' AND state = 'active' AND query LIKE 'FETCH%'";
  client.send_call("cut", "query",
                   {{"sql", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s"}});
  REQUIRE(testing::admin_value_becomes(running, "1"));

  setup.sshd.kill_connections();  // what a network drop or an sshd killed on the host does
  json cut = client.response_to("cut");
  INFO(cut.dump());
  REQUIRE(cut["result"]["isError"] == true);
  CHECK_FALSE(cut["result"]["content"][0]["text"].get<std::string>().empty());
  json next = client.call_tool("query", {{"sql", "SELECT count(*) FROM tracksolid.devices"}});
  INFO(next.dump());
  CHECK(next["isError"] == false);
}

namespace {

json call_query(McpClient& client, const std::string& sql) {
  return client.call_tool("query", {{"sql", sql}});
}

std::string error_of(const json& result) {
  INFO(result.dump());
  REQUIRE(result["isError"] == true);
  return result["content"][0]["text"];
}

const std::string kEndless = "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s";
const std::string kDevices = "SELECT count(*) FROM tracksolid.devices";

}  // namespace

TEST_CASE("sshd stopped mid-query fails that call and the next cleanly; started again, calls work",
          "[tunnel][faults]") {
  TunnelSetup setup(true);
  // Its own application_name: backends that other tests' cut connections left running have another.
  const std::string analyst = "sshd-stopped";
  auto args = setup.server_args();
  args.insert(args.end(), {"--analyst", analyst});
  McpClient client(args, true);
  REQUIRE(call_query(client, "SELECT 1")["isError"] == false);
  const std::string ours =
      "FROM pg_stat_activity WHERE application_name = 'fleet-analytics-mcp/" + analyst + "'";
  client.send_call("cut", "query", {{"sql", kEndless}});
  REQUIRE(testing::admin_value_becomes(
      "SELECT count(*) " + ours + " AND state = 'active' AND query LIKE 'FETCH%'", "1"));

  setup.sshd.stop();  // listener and every connection: a host rebooting, or `systemctl stop ssh`
  json cut = client.response_to("cut");
  std::string lost = error_of(cut["result"]);  // lost, or (retried on a fresh connection) refused
  const std::string ssh_address = "127.0.0.1:" + std::to_string(setup.sshd.port());
  CHECK_THAT(lost, Catch::Contains("ssh: connection to " + ssh_address));
  CHECK_THAT(lost, Catch::Contains("fleet-analytics-mcp doctor"));  // what to do

  // While sshd is down, a call fails at once and says that nothing listens there.
  std::string down = error_of(call_query(client, kDevices));
  CHECK_THAT(down, Catch::Contains("ssh: connection to " + ssh_address + " refused"));
  CHECK_THAT(down, Catch::Contains("fleet-analytics-mcp doctor"));

  setup.sshd.start();  // same port, same host key: the tunnel logs in again by itself
  json back = call_query(client, kDevices);
  INFO(back.dump());
  CHECK(back["isError"] == false);
  client.close_input();
  CHECK(client.wait_exit() == 0);
  // The backend cut off from its client computes on until it next writes: end it.
  testing::admin_value("SELECT count(pg_terminate_backend(pid)) " + ours);
}

// Our process frozen (SIGSTOP: a laptop put to sleep, a debugger) for longer than the SSH host
// waits for an answer. The tunnel's own keepalive (15 s, tunnel/session.cpp) and TCP user timeout
// (60 s, tunnel/net.cpp) matter only while the process runs; what a long freeze does is make the
// host give up on the session, so the test shortens the host's window instead (ClientAlive*: sshd
// drops a client that has not answered for about 2 s) and waits until sshd has dropped it.
TEST_CASE("a server frozen past the SSH host's keepalive window recovers after SIGCONT", "[tunnel][faults]") {
  TunnelSetup setup(true, "", {{"ed25519"}, "ClientAliveInterval 1\nClientAliveCountMax 1"});
  McpClient client(setup.server_args(), true);
  REQUIRE(call_query(client, kDevices)["isError"] == false);
  REQUIRE(setup.sshd.has_connections());

  client.send_signal(SIGSTOP);
  bool dropped = tunnel_test::eventually([&] { return !setup.sshd.has_connections(); });
  client.send_signal(SIGCONT);
  REQUIRE(dropped);

  json next = call_query(client, kDevices);
  if (next["isError"] == true) {  // at most once, with a message that says what to do
    CHECK_THAT(error_of(next), Catch::Contains("fleet-analytics-mcp doctor"));
    next = call_query(client, kDevices);
  }
  INFO(next.dump());
  CHECK(next["isError"] == false);
  client.close_input();
  CHECK(client.wait_exit() == 0);
}
