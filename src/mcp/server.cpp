#include "mcp/server.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <thread>

#include "mcp/framing.hpp"
#include "mcp/protocol.hpp"

namespace mcp {
namespace {

struct ToolCall {
  json id;
  std::string name;
  json arguments;
  std::shared_ptr<db::CancelToken> cancel;
};

class Server {
 public:
  Server(tools::Toolbox& toolbox, const ServerInfo& info, int out_fd, int workers)
      : toolbox_(toolbox), info_(info), writer_(out_fd) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }

  // Finishes the calls already accepted, then stops the workers.
  ~Server() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  void handle_line(const std::string& line);
  void reply_internal_error(const std::string& what) {
    writer_.write_line(
        error_response(nullptr, kInternalError, "Internal error: " + what + "; please report it"));
  }
  void reply_too_long() {
    writer_.write_line(error_response(nullptr, kInvalidRequest, "message longer than 16 MiB; send less"));
  }

 private:
  void handle_request(const json& id, const std::string& method, const json& params);
  void handle_notification(const std::string& method, const json& params);
  void start_tool_call(const json& id, const json& params);
  void work();
  void finish(const ToolCall& call);

  tools::Toolbox& toolbox_;
  const ServerInfo& info_;
  LineWriter writer_;
  bool legacy_session_ = false;  // set once initialize was answered (reader thread only)

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<ToolCall> queue_;
  std::map<std::string, std::shared_ptr<db::CancelToken>> in_flight_;  // by id.dump()
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

void Server::handle_line(const std::string& line) {
  if (line.find_first_not_of(" \t") == std::string::npos) return;  // blank lines are not messages
  json message = json::parse(line, nullptr, false);
  if (message.is_discarded())
    return writer_.write_line(
        error_response(nullptr, kParseError, "Parse error: the line is not valid JSON"));
  if (!message.is_object())
    return writer_.write_line(
        error_response(nullptr, kInvalidRequest,
                       "Invalid Request: send one JSON-RPC object per line (batches are not used)"));
  json id = message.contains("id") ? message["id"] : json();
  bool has_id = message.contains("id");
  if (message["jsonrpc"] != "2.0" || !message.contains("method") || !message["method"].is_string()) {
    if (!message.contains("method") && (message.contains("result") || message.contains("error")))
      return;  // a response to nothing we asked: ignore
    return writer_.write_line(error_response(
        id, kInvalidRequest, "Invalid Request: needs \"jsonrpc\":\"2.0\" and a string \"method\""));
  }
  if (has_id && !id.is_string() && !id.is_number_integer())
    return writer_.write_line(
        error_response(nullptr, kInvalidRequest, "Invalid Request: id must be a string or integer"));
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
  if (method != "tools/list" && method != "tools/call")
    return writer_.write_line(error_response(id, kMethodNotFound, "Method not found: " + method));
  if (auto error = version_error(id, params, legacy_session_); error) return writer_.write_line(*error);
  if (method == "tools/list") {
    json result = {
        {"tools", json::parse(toolbox_.list_json())}, {"ttlMs", 3'600'000}, {"cacheScope", "public"}};
    return writer_.write_line(result_response(id, std::move(result), info_));
  }
  start_tool_call(id, params);
}

void Server::handle_notification(const std::string& method, const json& params) {
  if (method != "notifications/cancelled" || !params.is_object() || !params.contains("requestId")) return;
  std::lock_guard lock(mutex_);
  if (auto it = in_flight_.find(params["requestId"].dump()); it != in_flight_.end()) it->second->cancel();
}

void Server::start_tool_call(const json& id, const json& params) {
  if (!params.contains("name") || !params["name"].is_string())
    return writer_.write_line(
        error_response(id, kInvalidParams, "Invalid params: tools/call needs a string \"name\""));
  const auto& name = params["name"].get_ref<const std::string&>();
  if (!toolbox_.has(name))
    return writer_.write_line(
        error_response(id, kInvalidParams, "Unknown tool: " + name + " (see tools/list)"));
  json arguments = params.contains("arguments") ? params["arguments"] : json::object();
  if (!arguments.is_object())
    return writer_.write_line(
        error_response(id, kInvalidParams, "Invalid params: arguments must be an object"));
  auto cancel = std::make_shared<db::CancelToken>();
  {
    std::lock_guard lock(mutex_);
    if (!in_flight_.emplace(id.dump(), cancel).second)
      return writer_.write_line(
          error_response(id, kInvalidRequest, "Invalid Request: id " + id.dump() + " is already in use"));
    queue_.push_back(ToolCall{id, name, std::move(arguments), cancel});
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
    tools::CallResult result;
    try {
      result = toolbox_.call(call.name, call.arguments, *call.cancel);
    } catch (const std::exception& e) {  // once per request: the call fails, the server goes on
      result = tools::CallResult{std::string("internal error: ") + e.what() + "; please report it", true};
    }
    response = tool_response(call.id, result, info_);
  }
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(call.id.dump());
  }
  // A cancelled request gets no response at all (MCP cancellation).
  if (!call.cancel->cancelled()) writer_.write_line(std::move(response));
}

}  // namespace

int serve(tools::Toolbox& toolbox, const ServerInfo& info, int in_fd, int out_fd, int workers) {
  Server server(toolbox, info, out_fd, workers);
  LineReader reader(in_fd);
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
        return 0;
    }
  }
}

}  // namespace mcp
