// The MCP conversation itself: both eras, errors, concurrency, cancellation, shutdown.
#include <catch2/catch.hpp>
#include <set>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

TEST_CASE("server/discover names the supported versions and tools capability", "[protocol]") {
  McpClient client;
  json response = client.request("d1", "server/discover");
  const json& result = response["result"];
  CHECK(result["resultType"] == "complete");
  CHECK(result["supportedVersions"][0] == "2026-07-28");
  CHECK(result["supportedVersions"].size() == 5);
  CHECK(result["capabilities"].contains("tools"));
  CHECK(result["ttlMs"].get<long>() >= 0);
  CHECK(result["cacheScope"] == "public");
  CHECK(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "fleet-analytics-mcp");
}

TEST_CASE("initialize negotiates each legacy version and falls back to the newest", "[protocol]") {
  for (std::string version : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "1999-01-01"}) {
    McpClient client;
    json params = {{"protocolVersion", version}, {"capabilities", json::object()}};
    params["clientInfo"] = {{"name", "t"}, {"version", "1"}};
    client.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", params}});
    json response = client.response_to(1);
    std::string expected = version == "1999-01-01" ? "2025-11-25" : version;
    CAPTURE(version);
    CHECK(response["result"]["protocolVersion"] == expected);
    CHECK(response["result"]["serverInfo"]["name"] == "fleet-analytics-mcp");
    client.send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
    // After initialize, requests without _meta are served in the negotiated legacy era.
    client.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
    CHECK(client.response_to(2)["result"]["tools"].size() == 8);
  }
}

TEST_CASE("a modern request without a protocol version is invalid params", "[protocol]") {
  McpClient client;
  client.send({{"jsonrpc", "2.0"}, {"id", 7}, {"method", "tools/list"}});
  json response = client.response_to(7);
  CHECK(response["error"]["code"] == -32602);
  CHECK(response["error"]["message"].get<std::string>().find("protocolVersion") != std::string::npos);
}

TEST_CASE("an unsupported protocol version gets UnsupportedProtocolVersionError", "[protocol]") {
  McpClient client;
  json params;
  params["_meta"]["io.modelcontextprotocol/protocolVersion"] = "1900-01-01";
  client.send({{"jsonrpc", "2.0"}, {"id", 8}, {"method", "tools/list"}, {"params", params}});
  json error = client.response_to(8)["error"];
  CHECK(error["code"] == -32022);
  CHECK(error["data"]["requested"] == "1900-01-01");
  CHECK(error["data"]["supported"][0] == "2026-07-28");
}

TEST_CASE("malformed messages get the right JSON-RPC errors and the server goes on", "[protocol]") {
  McpClient client;
  client.send_line("{not json");
  CHECK(client.receive()["error"]["code"] == -32700);
  client.send_line("[1,2]");
  CHECK(client.receive()["error"]["code"] == -32600);
  client.send_line(R"({"jsonrpc":"2.0","id":3})");
  CHECK(client.receive()["error"]["code"] == -32600);
  client.send_line(R"({"jsonrpc":2,"id":3,"method":"tools/list"})");
  CHECK(client.receive()["error"]["code"] == -32600);
  client.send_line(R"({"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"})");
  CHECK(client.receive()["error"]["code"] == -32600);
  client.send_line(R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":[1]})");
  CHECK(client.receive()["error"]["code"] == -32602);
  client.send_line("");
  CHECK(client.request(5, "no/such/method")["error"]["code"] == -32601);
  CHECK(client.request(6, "tools/call", {{"name", "drop_everything"}})["error"]["code"] == -32602);
  CHECK(client.request(7, "tools/call", {{"name", 42}})["error"]["code"] == -32602);
  CHECK(client.request(8, "tools/call", {{"name", "query"}, {"arguments", "x"}})["error"]["code"] == -32602);
  CHECK(client.request(9, "tools/list")["result"]["tools"].size() == 8);
}

TEST_CASE("tools/list describes every tool for a model", "[protocol]") {
  McpClient client;
  json result = client.request(1, "tools/list")["result"];
  CHECK(result["ttlMs"].get<long>() > 0);
  CHECK(result["cacheScope"] == "public");
  std::set<std::string> names;
  for (const json& tool : result["tools"]) {
    names.insert(tool["name"].get<std::string>());
    INFO(tool["name"]);
    // export_query writes a new file on the analyst's machine each time; the others change nothing.
    const bool writes_files = tool["name"] == "export_query";
    CHECK(tool["annotations"]["readOnlyHint"] == !writes_files);
    CHECK(tool["annotations"]["idempotentHint"] == !writes_files);
    CHECK(tool["annotations"]["destructiveHint"] == false);
    CHECK(tool["annotations"]["openWorldHint"] == false);
    CHECK(tool["inputSchema"]["type"] == "object");
    CHECK(tool["outputSchema"]["type"] == "object");
    CHECK(tool["description"].get<std::string>().size() > 80);
    CHECK_FALSE(tool["title"].get<std::string>().empty());
  }
  CHECK(names == std::set<std::string>{"query", "list_schemas", "list_tables", "describe_table",
                                       "list_functions", "sample_table", "explain", "export_query"});
  // Every tool's definition is in the model's context on every turn: about 2,000 tokens at most.
  CHECK(result["tools"].dump().size() <= 8000);
}

TEST_CASE("parallel tool calls are answered, each matched to its id", "[protocol]") {
  McpClient client;
  for (int i = 0; i < 16; ++i) {
    client.send_call("p" + std::to_string(i), "query", {{"sql", "SELECT " + std::to_string(i) + " AS n"}});
  }
  for (int i = 0; i < 16; ++i) {
    json response = client.response_to("p" + std::to_string(i));
    CHECK(response["result"]["structuredContent"]["rows"][0][0] == i);
  }
}

TEST_CASE("a cancelled call stops its statement on the server and gets no response", "[protocol]") {
  McpClient client;
  client.send_call("slow", "query", {{"sql", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s"}});
  const std::string slow_running =
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + client.application_name() +
      "' AND state = 'active' AND query LIKE 'FETCH%'";  // the cursor's FETCH runs the statement
  REQUIRE(testing::admin_value_becomes(slow_running, "1"));
  client.send({{"jsonrpc", "2.0"},
               {"method", "notifications/cancelled"},
               {"params", {{"requestId", "slow"}, {"reason", "test"}}}});
  // The statement stops on the server while our process is still alive: cancelled, not orphaned.
  CHECK(testing::admin_value_becomes(slow_running, "0"));
  json next =
      client.request("after", "tools/call", {{"name", "query"}, {"arguments", {{"sql", "SELECT 1"}}}});
  CHECK(next["result"]["isError"] == false);
  client.close_input();
  CHECK(client.wait_exit() == 0);
  CHECK(client.stdout_closed());  // nothing ever came for "slow"
}

TEST_CASE("end of input ends the process cleanly after answering what was asked", "[protocol]") {
  McpClient client;
  client.send_call(1, "query", {{"sql", "SELECT 42"}});
  CHECK(client.response_to(1)["result"]["structuredContent"]["rows"][0][0] == 42);
  client.close_input();
  CHECK(client.wait_exit() == 0);
  CHECK(testing::admin_value_becomes(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + client.application_name() + "'",
      "0"));
}
