// The server's life around its database: it starts and lists its tools without one, explains an
// outage on each call, works again once the database is back, and a stop leaves nothing running.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "mcp_client.hpp"
#include "relay.hpp"

using testing::json;
using testing::McpClient;

namespace {

std::string url_through(const testing::Relay& relay) {
  return "postgresql://analytics_ro@127.0.0.1:" + std::to_string(relay.port()) + "/tracksolid_db";
}

std::vector<std::string> options_through(const testing::Relay& relay) {
  return {"--database-url", url_through(relay), "--database-password-file", testing::ro_password_file()};
}

std::string sessions_of(const McpClient& client, const std::string& extra = "") {
  return "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + client.application_name() + "'" +
         extra;
}

// Starts a statement that runs until stopped, and waits until the database shows it running.
void start_slow_query(McpClient& client) {
  client.send_call("slow", "query", {{"sql", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s"}});
  REQUIRE(testing::admin_value_becomes(sessions_of(client, " AND state = 'active' AND query LIKE 'FETCH%'"), "1"));
}

std::string error_text(const json& result) {
  REQUIRE(result["isError"] == true);
  return result["content"][0]["text"].get<std::string>();
}

}  // namespace

TEST_CASE("with its database down the server still answers discover and tools/list", "[lifecycle]") {
  testing::Relay relay(testing::sandbox_port());  // closed: nothing listens yet
  McpClient client(options_through(relay), true);
  json discover = client.request(1, "server/discover");
  CHECK(discover["result"]["capabilities"].contains("tools"));
  json list = client.request(2, "tools/list");
  CHECK(list["result"]["tools"].size() == 8);
}

TEST_CASE("a call during an outage names the cause and the fix; the next call after it works", "[lifecycle]") {
  testing::Relay relay(testing::sandbox_port());
  McpClient client(options_through(relay), true);

  std::string down = error_text(client.call_tool("query", {{"sql", "SELECT 1"}}));
  CHECK(down.find("cannot connect to the database") != std::string::npos);
  CHECK(down.find("--database-url") != std::string::npos);
  CHECK(down.find("fleet-analytics-mcp doctor") != std::string::npos);

  relay.open();
  json up = client.call_tool("query", {{"sql", "SELECT 42"}});
  REQUIRE(up["isError"] == false);
  CHECK(up["structuredContent"]["rows"][0][0] == 42);

  relay.close();  // the pooled connection breaks, and no new one can be made
  std::string lost = error_text(client.call_tool("query", {{"sql", "SELECT 1"}}));
  CHECK(lost.find("database") != std::string::npos);
  CHECK(lost.find("doctor") != std::string::npos);

  relay.open();
  CHECK(client.call_tool("list_schemas")["isError"] == false);
}

TEST_CASE("a wrong password is explained on each call, not by an exit", "[lifecycle]") {
  char path[] = "/tmp/fam-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(path) << "wrong-password\n";
  chmod(path, 0600);
  McpClient client({"--database-url", testing::ro_url(), "--database-password-file", path}, true);
  std::string why = error_text(client.call_tool("list_schemas"));
  CHECK(why.find("password authentication failed") != std::string::npos);
  CHECK(why.find("the password") != std::string::npos);
  client.close_input();
  CHECK(client.wait_exit() == 0);
  unlink(path);
}

TEST_CASE("a role that could write is refused on every call unless explicitly allowed", "[lifecycle]") {
  McpClient refused({"--database-url", testing::admin_url()}, true);
  CHECK(refused.request(1, "tools/list")["result"]["tools"].size() == 8);
  std::string why = error_text(refused.call_tool("query", {{"sql", "SELECT 1"}}));
  CHECK(why.find("refusing to serve") != std::string::npos);
  CHECK(why.find("superuser") != std::string::npos);
  CHECK(why.find("--allow-writable-role") != std::string::npos);

  McpClient allowed({"--database-url", testing::admin_url(), "--allow-writable-role"}, true);
  CHECK(allowed.call_tool("query", {{"sql", "SELECT current_user"}})["isError"] == false);
}

TEST_CASE("SIGINT, SIGTERM and SIGHUP stop the server and the statement it was running", "[lifecycle]") {
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
    INFO("signal " << signal);
    McpClient client;
    start_slow_query(client);
    client.send_signal(signal);
    CHECK(client.wait_exit(std::chrono::seconds(10)) == 0);
    CHECK(testing::admin_value_becomes(sessions_of(client), "0"));
  }
}

TEST_CASE("end of input stops a long statement instead of waiting for its timeout", "[lifecycle]") {
  McpClient client;
  start_slow_query(client);
  client.close_input();
  CHECK(client.wait_exit(std::chrono::seconds(10)) == 0);
  CHECK(testing::admin_value_becomes(sessions_of(client), "0"));
}
