#include "mcp/server.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <thread>

#include "mcp/framing.hpp"
#include "mcp/protocol.hpp"
#include "mcp/reporter.hpp"

namespace mcp {
namespace {

struct ToolCall {
  json id;
  std::string name;
  json arguments;
  std::shared_ptr<db::CancelToken> cancel;
  std::shared_ptr<CallReporter> reporter;
};

// A field of a request's _meta, or null.
json meta_field(const json& params, std::string_view key) {
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  auto found = meta->find(key);
  return found != meta->end() ? *found : json();
}

class Server {
 public:
  Server(tools::ToolSet& tools, const ServerInfo& info, int out_fd, int workers)
      : tools_(tools), info_(info), writer_(out_fd) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }
  ~Server() { stop(std::chrono::milliseconds(0)); }

  void handle_line(const std::string& line);
  void reply_internal_error(const std::string& what) {
    writer_.write_line(error_response(nullptr, kInternalError, "Internal error: " + what + "; please report it"));
  }
  void reply_too_long() {
    writer_.write_line(error_response(nullptr, kInvalidRequest,
                                      std::string("message longer than ") + kMaxLineText + "; send less"));
  }
  // Gives running and queued calls up to `grace` to be answered, cancels the rest, and stops the
  // workers. Calls cancelled here get no answer, as after notifications/cancelled.
  void stop(std::chrono::milliseconds grace);

 private:
  void handle_request(const json& id, const std::string& method, const json& params);
  void handle_notification(const std::string& method, const json& params);
  void set_log_level(const json& id, const json& params);
  void start_tool_call(const json& id, const json& params);
  std::optional<int> log_threshold(const json& params) const;
  void work();
  void finish(const ToolCall& call);

  tools::ToolSet& tools_;
  const ServerInfo& info_;
  LineWriter writer_;
  bool legacy_session_ = false;              // set once initialize was answered (reader thread only)
  std::optional<int> session_log_threshold_;  // logging/setLevel of a legacy session (reader thread only)

  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable idle_;  // in_flight_ became empty
  std::deque<ToolCall> queue_;
  std::map<std::string, std::shared_ptr<db::CancelToken>> in_flight_;  // by id.dump(), queued or running
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

void Server::handle_line(const std::string& line) {
  if (line.find_first_not_of(" \t") == std::string::npos) return;  // blank lines are not messages
  json message = json::parse(line, nullptr, false);
  if (message.is_discarded())
    return writer_.write_line(error_response(nullptr, kParseError, "Parse error: the line is not valid JSON"));
  if (!message.is_object())
    return writer_.write_line(error_response(
        nullptr, kInvalidRequest, "Invalid Request: send one JSON-RPC object per line (batches are not used)"));
  json id = message.contains("id") ? message["id"] : json();
  bool has_id = message.contains("id");
  if (message["jsonrpc"] != "2.0" || !message.contains("method") || !message["method"].is_string()) {
    if (!message.contains("method") && (message.contains("result") || message.contains("error")))
      return;  // a response to nothing we asked: ignore
    return writer_.write_line(
        error_response(id, kInvalidRequest, "Invalid Request: needs \"jsonrpc\":\"2.0\" and a string \"method\""));
  }
  if (has_id && !id.is_string() && !id.is_number_integer())
    return writer_.write_line(error_response(nullptr, kInvalidRequest, "Invalid Request: id must be a string or integer"));
  json params = message.contains("params") ? message["params"] : json::object();
  const auto& method = message["method"].get_ref<const std::string&>();
  if (!has_id) return handle_notification(method, params);
  if (!params.is_object())
    return writer_.write_line(error_response(id, kInvalidParams, "Invalid params: params must be an object"));
  handle_request(id, method, params);
}

void Server::handle_request(const json& id, const std::string& method, const json& params) {
  if (method == "initialize") {
    legacy_session_ = true;
    return writer_.write_line(result_response(id, initialize_result(info_, negotiate_legacy(params)), info_));
  }
  if (method == "ping") return writer_.write_line(result_response(id, json::object(), info_));
  if (method == "server/discover") {
    if (auto error = version_error(id, params, true); error) return writer_.write_line(*error);
    return writer_.write_line(result_response(id, discover_result(info_), info_));
  }
  if (method == "logging/setLevel") return set_log_level(id, params);
  if (method != "tools/list" && method != "tools/call")
    return writer_.write_line(error_response(id, kMethodNotFound, "Method not found: " + method));
  if (auto error = version_error(id, params, legacy_session_); error) return writer_.write_line(*error);
  if (json level = meta_field(params, kLogLevelKey); !level.is_null() && !log_level_rank(level))
    return writer_.write_line(error_response(id, kInvalidParams, "Invalid params: unknown log level " + level.dump()));
  if (method == "tools/list") {
    json result = {{"tools", json::parse(tools_.list_json())}, {"ttlMs", 3'600'000}, {"cacheScope", "public"}};
    return writer_.write_line(result_response(id, std::move(result), info_));
  }
  start_tool_call(id, params);
}

// The legacy era's session-wide log level (2026-07-28 sends it per request in _meta instead).
void Server::set_log_level(const json& id, const json& params) {
  auto rank = log_level_rank(params.value("level", json()));
  if (!rank)
    return writer_.write_line(error_response(
        id, kInvalidParams, "Invalid params: level must be one of debug, info, notice, warning, error, "
                            "critical, alert, emergency"));
  session_log_threshold_ = rank;
  writer_.write_line(result_response(id, json::object(), info_));
}

std::optional<int> Server::log_threshold(const json& params) const {
  json level = meta_field(params, kLogLevelKey);
  return level.is_null() ? session_log_threshold_ : log_level_rank(level);
}

void Server::handle_notification(const std::string& method, const json& params) {
  if (method != "notifications/cancelled" || !params.is_object() || !params.contains("requestId")) return;
  std::lock_guard lock(mutex_);
  if (auto it = in_flight_.find(params["requestId"].dump()); it != in_flight_.end()) it->second->cancel();
}

void Server::start_tool_call(const json& id, const json& params) {
  if (!params.contains("name") || !params["name"].is_string())
    return writer_.write_line(error_response(id, kInvalidParams, "Invalid params: tools/call needs a string \"name\""));
  const auto& name = params["name"].get_ref<const std::string&>();
  if (!tools_.has(name))
    return writer_.write_line(error_response(id, kInvalidParams, "Unknown tool: " + name + " (see tools/list)"));
  json arguments = params.contains("arguments") ? params["arguments"] : json::object();
  if (!arguments.is_object())
    return writer_.write_line(error_response(id, kInvalidParams, "Invalid params: arguments must be an object"));
  auto cancel = std::make_shared<db::CancelToken>();
  auto reporter =
      std::make_shared<CallReporter>(writer_, meta_field(params, "progressToken"), log_threshold(params));
  {
    std::lock_guard lock(mutex_);
    if (!in_flight_.emplace(id.dump(), cancel).second)
      return writer_.write_line(
          error_response(id, kInvalidRequest, "Invalid Request: id " + id.dump() + " is already in use"));
    queue_.push_back(ToolCall{id, name, std::move(arguments), cancel, std::move(reporter)});
  }
  ready_.notify_one();
}

void Server::work() {
  for (;;) {
    ToolCall call;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      call = std::move(queue_.front());
      queue_.pop_front();
    }
    finish(call);
  }
}

void Server::finish(const ToolCall& call) {
  std::string response;
  if (!call.cancel->cancelled()) {
    tools::CallResult result = fam::Failure{fam::FailureKind::kCancelled, "", ""};
    try {
      result = tools_.call(call.name, call.arguments, *call.cancel, *call.reporter);
    } catch (const std::exception& e) {  // once per request: the call fails, the server goes on
      result = fam::Failure{fam::FailureKind::kInternal, std::string("internal error: ") + e.what() +
                                                            "; please report it", ""};
    }
    response = tool_response(call.id, result, info_);
  }
  // A cancelled request gets no response at all (MCP cancellation).
  if (!call.cancel->cancelled()) writer_.write_line(std::move(response));
  std::lock_guard lock(mutex_);
  in_flight_.erase(call.id.dump());
  if (in_flight_.empty()) idle_.notify_all();
}

void Server::stop(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mutex_);
    idle_.wait_for(lock, grace, [this] { return in_flight_.empty(); });
    closing_ = true;
    for (auto& [id, cancel] : in_flight_) cancel->cancel();
  }
  ready_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

}  // namespace

void serve(tools::ToolSet& tools, const ServerInfo& info, Streams streams, int workers) {
  Server server(tools, info, streams.out, workers);
  LineReader reader(streams.in, streams.stop);
  std::string line;
  for (;;) {
    switch (reader.next(line)) {
      case LineReader::Status::kLine:
        try {
          server.handle_line(line);
        } catch (const std::exception& e) {  // once per message: answer it, keep serving
          server.reply_internal_error(e.what());
        }
        break;
      case LineReader::Status::kTooLong:
        server.reply_too_long();
        break;
      case LineReader::Status::kEnd:
        return server.stop(kDrainGrace);
      case LineReader::Status::kStop:
        return server.stop(std::chrono::milliseconds(0));
    }
  }
}

}  // namespace mcp
