// MCP tasks in both eras, over pipes with the fake tools: "echo" answers at once, "block" runs
// until it is cancelled; both may run as tasks, "report" may not.
#include "harness.hpp"

using namespace mcp_testing;

namespace {

constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";

json legacy(const json& id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

// Opens a 2025-11-25 session and returns its capabilities.
json open_legacy(Harness& server, const std::string& version = "2025-11-25") {
  server.send(legacy(0, "initialize", {{"protocolVersion", version}}));
  return server.next_response()["result"]["capabilities"];
}

json call_as_task(const json& id, const std::string& name) {
  return legacy(id, "tools/call", {{"name", name}, {"arguments", {{"n", 1}}}, {"task", {{"ttl", 120000}}}});
}

// The per-request capabilities of a 2026-07-28 client that takes tasks.
json takes_tasks() {
  return {
      {"io.modelcontextprotocol/clientCapabilities", {{"extensions", {{kTasksExtension, json::object()}}}}}};
}

json modern_task_request(const json& id, const std::string& method, const std::string& task_id) {
  return modern(id, method, {{"taskId", task_id}, {"_meta", takes_tasks()}});
}

// tasks/get until the task has ended: each poll is answered at once, so this ends when the task does.
json poll_until_ended(Harness& server, const std::string& task_id) {
  for (int poll = 0;; ++poll) {
    server.send(modern_task_request("poll", "tasks/get", task_id));
    json task = server.next_response()["result"];
    if (task["status"] != "working" || poll > 100000) return task;
  }
}

}  // namespace

TEST_CASE("tasks (2025-11-25): a call asked to run as a task answers with the task, then tasks/result",
          "[mcp]") {
  Harness server;
  json capabilities = open_legacy(server);
  CHECK(capabilities["tasks"]["requests"]["tools"]["call"].is_object());
  server.send(call_as_task(1, "echo"));
  json task = server.next_response()["result"]["task"];
  CHECK(task["status"] == "working");
  CHECK(task["ttl"] == 120000);
  CHECK(task["pollInterval"].is_number_integer());
  std::string task_id = task["taskId"];

  server.send(legacy(2, "tasks/result", {{"taskId", task_id}}));  // waits for the end if need be
  json result = server.next_response()["result"];
  CHECK(result["structuredContent"]["echo"]["n"] == 1);
  CHECK(result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"] == task_id);

  server.send(legacy(3, "tasks/get", {{"taskId", task_id}}));
  CHECK(server.next_response()["result"]["status"] == "completed");
  server.send(legacy(4, "tasks/list"));
  CHECK(server.next_response()["result"]["tasks"][0]["taskId"] == task_id);
}

TEST_CASE("tasks (2025-11-25): tasks/cancel stops the call, and its result says it was cancelled", "[mcp]") {
  Harness server;
  open_legacy(server);
  server.send(call_as_task(1, "block"));
  std::string task_id = server.next_response()["result"]["task"]["taskId"];
  server.send(legacy(2, "tasks/result", {{"taskId", task_id}}));  // waits: block never ends by itself
  server.send(legacy(3, "tasks/cancel", {{"taskId", task_id}}));
  json cancelled = server.next_response();
  CHECK(cancelled["id"] == 3);
  CHECK(cancelled["result"]["status"] == "cancelled");
  json result = server.next_response();
  CHECK(result["id"] == 2);
  CHECK(result["result"]["isError"] == true);
  CHECK(result["result"]["content"][0]["text"].get<std::string>().find("cancelled") != std::string::npos);

  server.send(legacy(4, "tasks/cancel", {{"taskId", task_id}}));
  CHECK(server.next_response()["error"]["code"] == -32602);  // it has already ended
  server.send(legacy(5, "tasks/get", {{"taskId", "no-such-task"}}));
  CHECK(server.next_response()["error"]["code"] == -32602);
}

TEST_CASE("tasks (2025-11-25): a tool that cannot run as a task is refused as one", "[mcp]") {
  Harness server;
  open_legacy(server);
  server.send(call_as_task(1, "report"));
  CHECK(server.next_response()["error"]["code"] == -32601);
}

TEST_CASE("tasks: an older session ignores the task field and answers the call", "[mcp]") {
  Harness server;
  CHECK_FALSE(open_legacy(server, "2025-06-18").contains("tasks"));
  server.send(call_as_task(1, "echo"));
  CHECK(server.next_response()["result"]["structuredContent"]["echo"]["n"] == 1);
}

TEST_CASE("tasks (2026-07-28): a client that takes tasks gets one, and tasks/get carries the result",
          "[mcp]") {
  Harness server(2, std::chrono::milliseconds(0));
  server.send(modern(0, "server/discover"));
  CHECK(server.next_response()["result"]["capabilities"]["extensions"].contains(kTasksExtension));

  server.call(1, "echo", takes_tasks());
  json created = server.next_response()["result"];
  CHECK(created["resultType"] == "task");
  CHECK(created["status"] == "working");
  CHECK(created["ttlMs"].is_number_integer());
  json task = poll_until_ended(server, created["taskId"]);
  CHECK(task["status"] == "completed");
  CHECK(task["resultType"] == "complete");

  server.call(2, "echo");  // the same call from a client that does not take tasks
  json plain = server.next_response()["result"];
  CHECK(plain["resultType"] == "complete");
  CHECK(task["result"]["structuredContent"] == plain["structuredContent"]);
  CHECK(task["result"]["content"] == plain["content"]);
}

TEST_CASE("tasks (2026-07-28): a call still running when its time comes becomes a task, and is cancellable",
          "[mcp]") {
  Harness server(2, std::chrono::milliseconds(1));
  server.call(1, "block", takes_tasks());
  json created = server.next_response()["result"];
  REQUIRE(created["resultType"] == "task");
  std::string task_id = created["taskId"];
  server.send(modern_task_request(2, "tasks/cancel", task_id));
  CHECK(server.next_response()["result"]["resultType"] == "complete");
  CHECK(poll_until_ended(server, task_id)["status"] == "cancelled");
}

TEST_CASE("tasks (2026-07-28): a quick call is answered directly, and the task methods need the extension",
          "[mcp]") {
  Harness server;  // tasks only after 5 s
  server.call(1, "echo", takes_tasks());
  CHECK(server.next_response()["result"]["resultType"] == "complete");

  server.send(modern(2, "tasks/get", {{"taskId", "x"}}));
  json refused = server.next_response()["error"];
  CHECK(refused["code"] == -32021);
  CHECK(refused["data"]["requiredCapabilities"]["extensions"].contains(kTasksExtension));
  server.send(modern_task_request(3, "tasks/result", "x"));
  CHECK(server.next_response()["error"]["code"] == -32601);  // 2026-07-28 polls tasks/get instead
  server.send(modern_task_request(4, "tasks/get", "x"));
  CHECK(server.next_response()["error"]["code"] == -32602);
}
