// The protocol layer in milliseconds: mcp::serve over pipes, dispatching to a fake ToolSet.
#include "harness.hpp"
#include "mcp/framing.hpp"  // private: the line limit

using namespace mcp_testing;

TEST_CASE("mcp: a tool's answer is structuredContent, its own text, then its links", "[mcp]") {
  Harness server;
  server.call(1, "echo");
  json result = server.next_response()["result"];
  CHECK(result["isError"] == false);
  CHECK(result["structuredContent"]["echo"]["n"] == 1);
  REQUIRE(result["content"].size() == 2);
  CHECK(result["content"][0] == json{{"type", "text"}, {"text", "echoed"}});
  CHECK(result["content"][1]["type"] == "resource_link");
  // Its _meta names the server, as every result's does (written without building a tree).
  CHECK(result["_meta"] ==
        json{{"io.modelcontextprotocol/serverInfo",
              {{"name", "fleet-analytics-mcp"}, {"title", "Fleet Analytics"}, {"version", ""}}}});
}

TEST_CASE("mcp: an answer without structured content is text alone", "[mcp]") {
  Harness server;
  server.call(1, "plain");
  json result = server.next_response()["result"];
  CHECK(result["content"][0]["text"] == "just text");
  CHECK_FALSE(result.contains("structuredContent"));
}

TEST_CASE("mcp: a tool's failure is an isError result with its message and no structuredContent", "[mcp]") {
  Harness server;
  server.call(1, "fail");
  json result = server.next_response()["result"];
  CHECK(result["isError"] == true);
  CHECK(result["content"][0]["text"] == "the query failed: no such table");
  CHECK_FALSE(result.contains("structuredContent"));
}

TEST_CASE("mcp: a tool that throws fails that call only, and the server goes on", "[mcp]") {
  Harness server;
  server.call(1, "throw");
  json failed = server.next_response();
  CHECK(failed["result"]["isError"] == true);
  CHECK(failed["result"]["content"][0]["text"].get<std::string>().find("internal error: boom") == 0);
  server.call(2, "echo");
  CHECK(server.next_response()["id"] == 2);
}

TEST_CASE("mcp: malformed lines get JSON-RPC errors, and the next line is served", "[mcp]") {
  Harness server;
  server.send_line("{not json");
  CHECK(server.next_response()["error"]["code"] == -32700);
  server.send_line("[1, 2]");
  CHECK(server.next_response()["error"]["code"] == -32600);
  server.send({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "tools/list"}});
  CHECK(server.next_response()["error"]["code"] == -32602);  // no version: neither era
  server.send(modern(4, "no/such"));
  CHECK(server.next_response()["error"]["code"] == -32601);
  server.send(modern(5, "tools/call", {{"name", "nope"}}));
  CHECK(server.next_response()["error"]["code"] == -32602);
  server.send(modern(6, "tools/list"));
  CHECK(server.next_response()["result"]["tools"][0]["name"] == "echo");
}

TEST_CASE("mcp: a line over the limit is refused whole, and the next line is served", "[mcp]") {
  Harness server;
  // Written from a thread: the pipe holds far less than the line, and the server reads as it goes.
  std::thread writer([&server] { server.send_line(std::string(mcp::kMaxLineBytes + 10, 'x')); });
  json refused = server.next_response();
  writer.join();
  CHECK(refused["error"]["code"] == -32600);
  CHECK(refused["error"]["message"].get<std::string>().find(mcp::kMaxLineText) != std::string::npos);
  server.send(modern(2, "ping"));
  CHECK(server.next_response()["id"] == 2);
}

TEST_CASE("mcp: initialize opens a legacy session served without _meta", "[mcp]") {
  Harness server;
  server.send({{"jsonrpc", "2.0"},
               {"id", 1},
               {"method", "initialize"},
               {"params", {{"protocolVersion", "2025-06-18"}}}});
  CHECK(server.next_response()["result"]["protocolVersion"] == "2025-06-18");
  server.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
  CHECK(server.next_response()["result"]["tools"].size() == 3);  // "draw" needs a client that shows views
}

TEST_CASE("mcp: calls run at once on the workers", "[mcp]") {
  Harness server(2);
  server.call(1, "meet");
  server.call(2, "meet");
  CHECK(server.next_response()["result"]["structuredContent"]["met"] == true);
  CHECK(server.next_response()["result"]["structuredContent"]["met"] == true);
}

TEST_CASE("mcp: a cancelled call gets no response, and an id in use is refused", "[mcp]") {
  Harness server;
  server.call("slow", "block");
  server.call("slow", "echo");
  CHECK(server.next_response()["error"]["code"] == -32600);
  server.send(
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "slow"}}}});
  server.call("after", "echo");
  CHECK(server.next_response()["id"] == "after");  // nothing ever came for "slow"
  // Tokens are reused, but never a cancelled one: a call that got it would be answered with nothing.
  for (int i = 0; i < 20; ++i) {
    server.call(i, "echo");
    CHECK(server.next_response()["id"] == i);
  }
}

TEST_CASE("mcp: a stop cancels running calls and serve returns", "[mcp]") {
  Harness server;
  server.call("slow", "block");
  server.call("first", "echo");
  CHECK(server.next_response()["id"] == "first");
  server.stop();
  CHECK(server.next().is_null());  // stdout closed without an answer for "slow"
}

TEST_CASE("mcp: end of input answers what was asked, then serve returns", "[mcp]") {
  Harness server;
  server.call(1, "echo");
  server.close_input();
  CHECK(server.next_response()["id"] == 1);
  CHECK(server.next().is_null());
}

TEST_CASE("mcp: progress and log notifications reach the client that asked for them", "[mcp]") {
  Harness server;
  server.call(1, "report", {{"progressToken", "p1"}, {"io.modelcontextprotocol/logLevel", "info"}});
  json progress = server.next();
  CHECK(progress["method"] == "notifications/progress");
  CHECK(progress["params"]["progressToken"] == "p1");
  CHECK(progress["params"]["message"] == "halfway");
  json log = server.next();
  CHECK(log["method"] == "notifications/message");
  CHECK(log["params"]["data"] == "a log line");
  CHECK(server.next()["id"] == 1);  // the debug line was below the level asked for

  server.call(2, "report");
  CHECK(server.next()["id"] == 2);  // asked for nothing, told nothing

  server.call(3, "report", {{"io.modelcontextprotocol/logLevel", "loud"}});
  CHECK(server.next()["error"]["code"] == -32602);
}

TEST_CASE("mcp: logging/setLevel sets a legacy session's level", "[mcp]") {
  Harness server;
  server.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", json::object()}});
  server.next_response();
  server.send(
      {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "logging/setLevel"}, {"params", {{"level", "debug"}}}});
  CHECK(server.next_response()["result"].is_object());
  server.send({{"jsonrpc", "2.0"},
               {"id", 3},
               {"method", "tools/call"},
               {"params", {{"name", "report"}, {"arguments", json::object()}}}});
  CHECK(server.next()["params"]["data"] == "a log line");
  CHECK(server.next()["params"]["data"] == "too detailed");
  CHECK(server.next()["id"] == 3);
}

TEST_CASE("mcp: tools with a view are listed only to clients that show views, in both eras", "[mcp]") {
  Harness server;
  const json shows_views = {
      {"io.modelcontextprotocol/clientCapabilities",
       {{"extensions", {{"io.modelcontextprotocol/ui", {{"mimeTypes", {"text/html;profile=mcp-app"}}}}}}}}};
  server.send(modern(1, "tools/list"));
  CHECK(server.next_response()["result"]["tools"].size() == 3);
  server.send(modern(2, "tools/list", {{"_meta", shows_views}}));
  CHECK(server.next_response()["result"]["tools"].size() == 4);

  Harness legacy;
  legacy.send({{"jsonrpc", "2.0"},
               {"id", 1},
               {"method", "initialize"},
               {"params",
                {{"protocolVersion", "2025-11-25"},
                 {"capabilities", shows_views["io.modelcontextprotocol/clientCapabilities"]}}}});
  CHECK(
      legacy.next_response()["result"]["capabilities"]["extensions"].contains("io.modelcontextprotocol/ui"));
  legacy.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
  CHECK(legacy.next_response()["result"]["tools"].size() == 4);
}

TEST_CASE("mcp: the views are resources, and an unknown one is an error", "[mcp]") {
  Harness server;
  server.send(modern(1, "server/discover"));
  CHECK(server.next_response()["result"]["capabilities"]["resources"].is_object());
  server.send(modern(2, "resources/list"));
  CHECK(server.next_response()["result"]["resources"][0]["uri"] == "ui://fake/view");
  server.send(modern(3, "resources/read", {{"uri", "ui://fake/view"}}));
  CHECK(server.next_response()["result"]["contents"][0]["text"] == "<!DOCTYPE html>");
  server.send(modern(4, "resources/read", {{"uri", "ui://fake/none"}}));
  CHECK(server.next_response()["error"]["code"] == -32002);
  server.send(modern(5, "resources/templates/list"));
  CHECK(server.next_response()["result"]["resourceTemplates"].empty());
}
