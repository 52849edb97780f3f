// Faults while an analyst works: the call in flight fails with an error that says what happened,
// and the next call works, with no restart of the program.
#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

#include "db/db.hpp"
#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

// Cheap to the planner, endless in fact: only a fault, a cancel or the statement timeout ends it.
const std::string kEndless = "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s";

std::string running(const McpClient& client) {
  return "FROM pg_stat_activity WHERE application_name = '" + client.application_name() +
         "' AND state = 'active' AND query LIKE 'FETCH%'";
}

// Starts the endless query as call `id` and returns once the database runs it.
void start_endless(McpClient& client, const json& id) {
  client.send_call(id, "query", {{"sql", kEndless}});
  REQUIRE(testing::admin_value_becomes("SELECT count(*) " + running(client), "1"));
}

std::string error_text(McpClient& client, const json& id) {
  json response = client.response_to(id);
  INFO(response.dump());
  REQUIRE(response["result"]["isError"] == true);
  return response["result"]["content"][0]["text"];
}

void next_call_works(McpClient& client) {
  json next = client.call_tool("query", {{"sql", "SELECT count(*) AS devices FROM tracksolid.devices"}});
  INFO(next.dump());
  CHECK(next["isError"] == false);
}

// The role's connection limit, restored however the test ends.
class ConnectionLimit {
 public:
  explicit ConnectionLimit(int limit)
      : saved_(testing::admin_value("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'analytics_ro'")) {
    set(std::to_string(limit));
  }
  ~ConnectionLimit() { set(saved_); }
  ConnectionLimit(const ConnectionLimit&) = delete;
  ConnectionLimit& operator=(const ConnectionLimit&) = delete;

 private:
  static void set(const std::string& limit) {
    testing::admin_value("ALTER ROLE analytics_ro CONNECTION LIMIT " + limit);
  }
  std::string saved_;
};

}  // namespace

TEST_CASE("a backend ended by pg_terminate_backend fails its call cleanly; the next call works", "[faults]") {
  McpClient client({"--pool-size", "1"});
  start_endless(client, "doomed");
  testing::admin_value("SELECT pg_terminate_backend(pid) " + running(client));
  const std::string why = error_text(client, "doomed");
  CHECK(why.find("terminating connection due to administrator command") != std::string::npos);
  next_call_works(client);
}

TEST_CASE("PostgreSQL restarted mid-query fails that call cleanly; the next call works", "[faults]") {
  const char* sandbox = std::getenv("FAM_SANDBOX_DIR");
  if (sandbox == nullptr) {
    WARN("FAM_SANDBOX_DIR is not set: no sandbox to restart");
    return;
  }
  McpClient client({"--pool-size", "1"});
  start_endless(client, "doomed");
  const std::string restart = std::string(FAM_SANDBOX_SCRIPT) + " restart '" + sandbox + "' >/dev/null";
  REQUIRE(std::system(restart.c_str()) == 0);
  const std::string why = error_text(client, "doomed");
  CHECK_FALSE(why.empty());
  next_call_works(client);
}

TEST_CASE("a database with no connection left for the role says so, and what to do", "[faults]") {
  McpClient client({"--pool-size", "1"});
  next_call_works(client);  // a connection is open, and the limit binds only new ones
  {
    ConnectionLimit none(0);
    testing::admin_value("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" +
                         client.application_name() + "'");
    // The pooled connection is gone (the first call may learn that from it); a new one is refused.
    json refused = client.call_tool("query", {{"sql", "SELECT 1"}});
    if (refused.dump().find("too many connections") == std::string::npos)
      refused = client.call_tool("query", {{"sql", "SELECT 1"}});
    INFO(refused.dump());
    REQUIRE(refused["isError"] == true);
    const std::string why = refused["content"][0]["text"];
    CHECK(why.find("too many connections") != std::string::npos);
    CHECK(why.find("no connection left for this role") != std::string::npos);
  }
  next_call_works(client);
}

// Below the protocol: a call whose cancel came before it reached the database (while the guard ran,
// or the pool was busy) is not sent at all. The server sits idle then, and would ignore a cancel.
TEST_CASE("db: a call cancelled before it reaches the database is not sent, and the next call works",
          "[faults]") {
  db::Settings settings;
  settings.conninfo = testing::ro_url();
  std::string password;
  std::getline(std::ifstream(testing::ro_password_file()), password);
  settings.password = password;
  settings.pool_size = 1;
  db::Database database(settings);
  db::CancelToken live;
  REQUIRE_FALSE(database.connect(live));
  const db::Statement first[] = {db::Statement::trusted("SELECT 1")};
  REQUIRE(database.run(first, live));  // its close is read at the start of the next call
  db::CancelToken cancelled;
  cancelled.cancel();
  const db::Statement endless[] = {db::Statement::trusted("SELECT pg_sleep(600)")};
  db::Outcome outcome = database.run(endless, cancelled);
  REQUIRE_FALSE(outcome);
  CHECK(outcome.failure().kind == fam::FailureKind::kCancelled);
  CHECK(database.run(first, live));
}
