// mcp::serve on arbitrary bytes as its standard input, dispatching to a fake ToolSet whose tools
// answer at once. The server must return at end of input (no hang: libFuzzer's -timeout), and
// write nothing but JSON objects, one per line.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "memory_file.hpp"
#include "mcp/server.hpp"

namespace {

using nlohmann::json;

// Tools whose behaviour is their name, as in tests/mcp/harness.hpp, minus those that wait.
class FakeTools final : public tools::ToolSet {
 public:
  const std::string& list_json() const override { return list_; }
  std::string resources_json() const override { return R"([{"uri":"ui://fake/view","name":"view"}])"; }
  std::optional<std::string> read_resource(std::string_view uri) const override {
    if (uri != "ui://fake/view") return std::nullopt;
    return R"([{"uri":"ui://fake/view","mimeType":"text/html;profile=mcp-app","text":"<!DOCTYPE html>"}])";
  }
  bool has(std::string_view name) const override {
    return name == "echo" || name == "fail" || name == "throw" || name == "plain" || name == "report" ||
           name == "draw";
  }
  tools::CallResult call(std::string_view name, const json& arguments, const db::CancelToken&,
                         tools::Reporter& reporter) override {
    if (name == "fail") return fam::Failure{fam::FailureKind::kSql, "the query failed: no such table", "42P01"};
    if (name == "throw") throw std::runtime_error("boom");
    if (name == "plain") return tools::Answer{"", "just text", {}};
    if (name == "report") {
      reporter.progress(1, 2, "halfway");
      reporter.log("info", "a log line");
      reporter.log("debug", "too detailed");
    }
    return tools::Answer{json{{"echo", arguments}}.dump(), "", {R"({"type":"resource_link","uri":"file:///x"})"},
                         R"({"ui":{"view":"v1"}})"};
  }

 private:
  std::string list_ =
      R"([{"name":"echo","execution":{"taskSupport":"optional"}},{"name":"fail","execution":{"taskSupport":"optional"}},)"
      R"({"name":"throw"},{"name":"plain"},{"name":"report","execution":{"taskSupport":"optional"}},)"
      R"({"name":"draw","_meta":{"ui":{"resourceUri":"ui://fake/view"}}}])";
};

void require_json_lines(const std::string& output) {
  if (!output.empty() && output.back() != '\n') std::abort();
  for (std::size_t start = 0; start < output.size();) {
    std::size_t newline = output.find('\n', start);
    auto message = json::parse(output.begin() + static_cast<std::ptrdiff_t>(start),
                               output.begin() + static_cast<std::ptrdiff_t>(newline), nullptr, false);
    if (message.is_discarded() || !message.is_object() || message.value("jsonrpc", "") != "2.0") std::abort();
    start = newline + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FakeTools tools;
  static const mcp::ServerInfo info{"fleet-analytics-mcp", "Fleet Analytics", "0.0.0-fuzz", "fuzzing"};
  static fuzz::MemoryFile in("fuzz-stdin"), out("fuzz-stdout");
  in.assign(std::string_view(reinterpret_cast<const char*>(data), size));
  out.assign("");
  // Two workers, as calls run in a real server; tasks at once, so that task-capable calls of a
  // 2026-07-28 client become tasks without the harness waiting for them to.
  mcp::serve(tools, info, mcp::Streams{in.fd(), out.fd(), -1},
             mcp::Scheduling{2, std::chrono::milliseconds(0)});
  require_json_lines(out.contents());
  return 0;
}
