// Long calls as MCP tasks, against the real database: a task gives the same answer as a plain
// call, in both eras, and cancelling one ends its statement on the server.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

const std::string kPerDevice =
    "SELECT imei, count(*) AS positions, max(gps_time) AS last_seen FROM tracksolid.positions GROUP BY imei "
    "ORDER BY imei";
// Cheap to the planner, endless in fact: only a cancel or the statement timeout ends it.
const std::string kEndless = "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s";

// 2026-07-28 _meta of a client that takes tasks.
json takes_tasks() {
  json meta = testing::meta();
  meta["io.modelcontextprotocol/clientCapabilities"]["extensions"]["io.modelcontextprotocol/tasks"] =
      json::object();
  return meta;
}

json modern_request(McpClient& client, const json& id, const std::string& method, json params) {
  params["_meta"] = takes_tasks();
  client.send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return client.response_to(id);
}

json legacy_request(McpClient& client, const json& id, const std::string& method, json params) {
  client.send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
  return client.response_to(id);
}

// tasks/get until the task has ended; every poll is answered at once, so this ends when the task does.
json poll_until_ended(McpClient& client, const std::string& task_id) {
  for (int poll = 0;; ++poll) {
    json task = modern_request(client, "poll-" + std::to_string(poll), "tasks/get", {{"taskId", task_id}});
    REQUIRE(task.contains("result"));
    if (task["result"]["status"] != "working") return task["result"];
  }
}

std::string active_statements(const McpClient& client) {
  return "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + client.application_name() +
         "' AND state = 'active' AND query LIKE 'FETCH%'";
}

}  // namespace

TEST_CASE("a query run as a task (2026-07-28) gives the answer of a plain call", "[tasks]") {
  McpClient client({"--task-after", "0"});
  json created =
      modern_request(client, 1, "tools/call", {{"name", "query"}, {"arguments", {{"sql", kPerDevice}}}});
  REQUIRE(created["result"]["resultType"] == "task");
  json task = poll_until_ended(client, created["result"]["taskId"]);
  REQUIRE(task["status"] == "completed");
  json plain = client.call_tool("query", {{"sql", kPerDevice}});  // a client that does not take tasks
  REQUIRE(plain["isError"] == false);
  CHECK(task["result"]["structuredContent"] == plain["structuredContent"]);
  CHECK(task["result"]["structuredContent"]["row_count"] > 0);
}

TEST_CASE("a query and an export run as tasks (2025-11-25) give their answers through tasks/result",
          "[tasks]") {
  char folder[] = "/tmp/fam-tasks-XXXXXX";
  REQUIRE(mkdtemp(folder) != nullptr);
  McpClient client({"--export-dir", std::string(folder) + "/exports"});
  json opened = legacy_request(client, 1, "initialize", {{"protocolVersion", "2025-11-25"}});
  REQUIRE(opened["result"]["capabilities"]["tasks"]["requests"]["tools"]["call"].is_object());
  json as_task = {{"name", "query"}, {"arguments", {{"sql", kPerDevice}}}, {"task", {{"ttl", 60000}}}};
  std::string task_id = legacy_request(client, 2, "tools/call", as_task)["result"]["task"]["taskId"];
  json answer = legacy_request(client, 3, "tasks/result", {{"taskId", task_id}})["result"];
  json plain =
      legacy_request(client, 4, "tools/call", {{"name", "query"}, {"arguments", {{"sql", kPerDevice}}}});
  CHECK(answer["structuredContent"] == plain["result"]["structuredContent"]);
  CHECK(answer["_meta"]["io.modelcontextprotocol/related-task"]["taskId"] == task_id);

  json export_task = {{"name", "export_query"},
                      {"arguments", {{"sql", kPerDevice}, {"format", "csv"}}},
                      {"task", json::object()}};
  task_id = legacy_request(client, 5, "tools/call", export_task)["result"]["task"]["taskId"];
  json exported = legacy_request(client, 6, "tasks/result", {{"taskId", task_id}})["result"];
  REQUIRE(exported["isError"] == false);
  CHECK(exported["structuredContent"]["rows"] == answer["structuredContent"]["row_count"]);
  CHECK(std::filesystem::exists(exported["structuredContent"]["path"].get<std::string>()));
  std::filesystem::remove_all(folder);
}

TEST_CASE("cancelling a task ends its statement on the server", "[tasks]") {
  McpClient client({"--task-after", "0"});
  json created =
      modern_request(client, 1, "tools/call", {{"name", "query"}, {"arguments", {{"sql", kEndless}}}});
  REQUIRE(created["result"]["resultType"] == "task");
  std::string task_id = created["result"]["taskId"];
  REQUIRE(testing::admin_value_becomes(active_statements(client), "1"));

  json working = modern_request(client, 2, "tasks/get", {{"taskId", task_id}})["result"];
  CHECK(working["status"] == "working");
  CHECK_FALSE(working["statusMessage"].get<std::string>().empty());  // "planning…", then "running for N s…"
  modern_request(client, 3, "tasks/cancel", {{"taskId", task_id}});
  REQUIRE(testing::admin_value_becomes(active_statements(client), "0"));
  CHECK(poll_until_ended(client, task_id)["status"] == "cancelled");
  CHECK(client.call_tool("query", {{"sql", "SELECT 1 AS one"}})["isError"] == false);
}
