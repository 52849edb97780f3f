// Read replicas: a --database-url that lists the standby and the primary (libpq's multi-host form
// with target_session_attrs=prefer-standby) reads from the standby, and from the primary once the
// standby is gone. tests/integration/replica_test.sh makes the two clusters and sets the env.
#include <cstdlib>

#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

// The database the query ran on: true on a standby.
json in_recovery(McpClient& client) {
  return client.call_tool("query", {{"sql", "SELECT pg_is_in_recovery() AS standby"}});
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
  json first = in_recovery(client);
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
  REQUIRE(after["isError"] == false);
  CHECK(after["structuredContent"]["rows"][0][0] == false);
  client.close_input();
  CHECK(client.wait_exit() == 0);
}
