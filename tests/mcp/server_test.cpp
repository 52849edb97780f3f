// The protocol layer in milliseconds: mcp::serve over pipes, dispatching to a fake ToolSet.
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "mcp/framing.hpp"  // private: the line limit
#include "mcp/server.hpp"

using nlohmann::json;

namespace {

constexpr const char* kVersion = "2026-07-28";
// A safety net against a hung server, not a synchronisation: every wait below ends on an event.
constexpr int kLimitMs = 10'000;

// Tools whose behaviour is their name: echo, fail, throw, block (until cancelled), meet (until two
// calls are inside at once), report (progress and a log line).
class FakeTools final : public tools::ToolSet {
 public:
  const std::string& list_json() const override { return list_; }
  bool has(std::string_view name) const override {
    return name == "echo" || name == "fail" || name == "throw" || name == "block" || name == "meet" ||
           name == "report";
  }
  tools::CallResult call(std::string_view name, const json& arguments, const db::CancelToken& cancel,
                         tools::Reporter& reporter) override {
    if (name == "fail") return fam::Failure{fam::FailureKind::kSql, "the query failed: no such table", "42P01"};
    if (name == "throw") throw std::runtime_error("boom");
    if (name == "block") {
      pollfd fd{cancel.wait_fd(), POLLIN, 0};
      poll(&fd, 1, kLimitMs);
      return fam::Failure{fam::FailureKind::kCancelled, "cancelled", ""};
    }
    if (name == "meet") {
      std::unique_lock lock(mutex_);
      ++inside_;
      met_.notify_all();
      bool both = met_.wait_for(lock, std::chrono::milliseconds(kLimitMs), [this] { return inside_ >= 2; });
      return tools::Answer{json{{"met", both}}.dump(), "", {}};
    }
    if (name == "report") {
      reporter.progress(1, 2, "halfway");
      reporter.log("info", "a log line");
      reporter.log("debug", "too detailed");
    }
    return tools::Answer{json{{"echo", arguments}}.dump(), "echoed", {R"({"type":"resource_link","uri":"file:///x"})"}};
  }

 private:
  std::string list_ = R"([{"name":"echo"}])";
  std::mutex mutex_;
  std::condition_variable met_;
  int inside_ = 0;
};

// The server on a thread, with pipes for its stdin, stdout and stop signal.
class Harness {
 public:
  explicit Harness(int workers = 2) {
    REQUIRE(pipe(in_) == 0);
    REQUIRE(pipe(out_) == 0);
    REQUIRE(pipe(stop_) == 0);
    thread_ = std::thread([this, workers] {
      mcp::serve(tools_, info_, mcp::Streams{in_[0], out_[1], stop_[0]}, workers);
      close(out_[1]);
      out_[1] = -1;
    });
  }
  ~Harness() {
    close_input();
    thread_.join();
    for (int fd : {in_[0], out_[0], stop_[0], stop_[1]}) close(fd);
  }

  void send_line(const std::string& line) {
    std::string data = line + "\n";
    REQUIRE(write(in_[1], data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  }
  void send(const json& message) { send_line(message.dump()); }
  void call(const json& id, const std::string& name, json meta = json::object()) {
    meta["io.modelcontextprotocol/protocolVersion"] = kVersion;
    send({{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "tools/call"},
          {"params", {{"name", name}, {"arguments", {{"n", 1}}}, {"_meta", meta}}}});
  }
  void close_input() {
    if (in_[1] >= 0) close(in_[1]);
    in_[1] = -1;
  }
  void stop() { REQUIRE(write(stop_[1], "x", 1) == 1); }

  // The next line the server writes; null once it has closed stdout.
  json next() {
    for (;;) {
      if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
        json message = json::parse(buffer_.substr(0, newline));
        buffer_.erase(0, newline + 1);
        return message;
      }
      pollfd fd{out_[0], POLLIN, 0};
      REQUIRE(poll(&fd, 1, kLimitMs) == 1);
      char chunk[65536];
      ssize_t got = read(out_[0], chunk, sizeof chunk);
      if (got <= 0) return nullptr;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }
  json next_response() {
    for (json message = next();; message = next())
      if (message.is_null() || message.contains("id")) return message;
  }

 private:
  FakeTools tools_;
  mcp::ServerInfo info_;
  int in_[2] = {-1, -1}, out_[2] = {-1, -1}, stop_[2] = {-1, -1};
  std::string buffer_;
  std::thread thread_;
};

json modern(const json& id, const std::string& method, json params = json::object()) {
  params["_meta"]["io.modelcontextprotocol/protocolVersion"] = kVersion;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
}

}  // namespace

TEST_CASE("mcp: a tool's answer is structuredContent, its own text, then its links", "[mcp]") {
  Harness server;
  server.call(1, "echo");
  json result = server.next_response()["result"];
  CHECK(result["isError"] == false);
  CHECK(result["structuredContent"]["echo"]["n"] == 1);
  REQUIRE(result["content"].size() == 2);
  CHECK(result["content"][0] == json{{"type", "text"}, {"text", "echoed"}});
  CHECK(result["content"][1]["type"] == "resource_link");
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
  server.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", {{"protocolVersion", "2025-06-18"}}}});
  CHECK(server.next_response()["result"]["protocolVersion"] == "2025-06-18");
  server.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}});
  CHECK(server.next_response()["result"]["tools"].size() == 1);
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
  server.send({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", "slow"}}}});
  server.call("after", "echo");
  CHECK(server.next_response()["id"] == "after");  // nothing ever came for "slow"
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
  server.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "logging/setLevel"}, {"params", {{"level", "debug"}}}});
  CHECK(server.next_response()["result"].is_object());
  server.send({{"jsonrpc", "2.0"},
               {"id", 3},
               {"method", "tools/call"},
               {"params", {{"name", "report"}, {"arguments", json::object()}}}});
  CHECK(server.next()["params"]["data"] == "a log line");
  CHECK(server.next()["params"]["data"] == "too detailed");
  CHECK(server.next()["id"] == 3);
}
