// What the protocol tests share: mcp::serve on a thread over pipes, dispatching to a fake ToolSet.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "mcp/server.hpp"

namespace mcp_testing {

using nlohmann::json;

constexpr const char* kVersion = "2026-07-28";
// A safety net against a hung server, not a synchronisation: every wait below ends on an event.
constexpr int kLimitMs = 10'000;

// Tools whose behaviour is their name: echo, fail, throw, block (until cancelled), meet (until two
// calls are inside at once), report (progress and a log line).
class FakeTools final : public tools::ToolSet {
 public:
  const std::string& list_json() const override { return list_; }
  std::string resources_json() const override { return R"([{"uri":"ui://fake/view","name":"view"}])"; }
  std::optional<std::string> read_resource(std::string_view uri) const override {
    if (uri != "ui://fake/view") return std::nullopt;
    return R"([{"uri":"ui://fake/view","mimeType":"text/html;profile=mcp-app","text":"<!DOCTYPE html>"}])";
  }
  bool has(std::string_view name) const override {
    return name == "echo" || name == "fail" || name == "throw" || name == "block" || name == "meet" ||
           name == "report" || name == "plain";
  }
  tools::CallResult call(std::string_view name, const json& arguments, const db::CancelToken& cancel,
                         tools::Reporter& reporter) override {
    if (name == "fail")
      return fam::Failure{fam::FailureKind::kSql, "the query failed: no such table", "42P01"};
    if (name == "throw") throw std::runtime_error("boom");
    if (name == "plain") return tools::Answer{"", "just text", {}};
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
    return tools::Answer{
        json{{"echo", arguments}}.dump(), "echoed", {R"({"type":"resource_link","uri":"file:///x"})"}};
  }

 private:
  std::string list_ =
      R"([{"name":"echo","execution":{"taskSupport":"optional"}},{"name":"block","execution":{"taskSupport":"optional"}},{"name":"report"},{"name":"draw","_meta":{"ui":{"resourceUri":"ui://fake/view"}}}])";
  std::mutex mutex_;
  std::condition_variable met_;
  int inside_ = 0;
};

// The server on a thread, with pipes for its stdin, stdout and stop signal.
class Harness {
 public:
  explicit Harness(int workers = 2, std::chrono::milliseconds task_after = std::chrono::seconds(5))
      : task_after_(task_after) {
    REQUIRE(pipe(in_) == 0);
    REQUIRE(pipe(out_) == 0);
    REQUIRE(pipe(stop_) == 0);
    thread_ = std::thread([this, workers] {
      mcp::serve(tools_, info_, mcp::Streams{in_[0], out_[1], stop_[0]},
                 mcp::Scheduling{workers, task_after_});
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
  std::chrono::milliseconds task_after_;
  int in_[2] = {-1, -1}, out_[2] = {-1, -1}, stop_[2] = {-1, -1};
  std::string buffer_;
  std::thread thread_;
};

inline json modern(const json& id, const std::string& method, json params = json::object()) {
  params["_meta"]["io.modelcontextprotocol/protocolVersion"] = kVersion;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
}

}  // namespace mcp_testing
