#include "mcp/server.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "mcp/framing.hpp"
#include "mcp/protocol.hpp"
#include "mcp/reporter.hpp"
#include "mcp/tasks.hpp"

namespace mcp {
namespace {

using Clock = std::chrono::steady_clock;

struct ToolCall {
  json id;
  std::string name;
  json arguments;
  std::shared_ptr<db::CancelToken> cancel;
  std::shared_ptr<CallReporter> reporter;
  std::string task_id;                       // once it runs as a task (under the server's mutex)
  std::optional<Clock::time_point> task_at;  // 2026-07-28: when it becomes a task if still running
};
using CallPtr = std::shared_ptr<ToolCall>;

bool is_modern(const json& params) {
  return meta_field(params, kVersionKey) == kModernVersion;
}

// The `ttl` of a 2025-11-25 request's `task` field, if it has one.
std::optional<std::chrono::milliseconds> requested_ttl(const json& task) {
  if (!task.is_object() || !task.contains("ttl") || !task["ttl"].is_number_integer()) return std::nullopt;
  return std::chrono::milliseconds(task["ttl"].get<long long>());
}

// tools/list's tools for a client that shows no views: those that only make sense with one (MCP
// Apps: _meta.ui) are left out, so such a client sees the same tools as before views existed.
json without_views(const json& tools) {
  json kept = json::array();
  for (const json& tool : tools)
    if (!tool.contains("_meta") || !tool["_meta"].contains("ui")) kept.push_back(tool);
  return kept;
}

// The tools that tools/list says may run as tasks.
std::set<std::string, std::less<>> task_tools(const std::string& list_json) {
  std::set<std::string, std::less<>> names;
  for (const json& tool : json::parse(list_json))
    if (tool.contains("execution") && tool["execution"].value("taskSupport", "forbidden") != "forbidden")
      names.insert(tool.value("name", ""));
  return names;
}

// Leader and followers: the threads take turns at reading the input. The one reading handles each
// message in order (so that a cancellation never overtakes its request); when a message starts a
// call, it hands the reading to an idle thread and runs the call itself. A call so starts without
// waiting for another thread to wake (which took 150-250 µs of a 400 µs call), and there is always
// a thread left to read: one more than the calls that may run at once.
class Server {
 public:
  Server(tools::ToolSet& tools, const ServerInfo& info, Streams streams, Scheduling scheduling)
      : tools_(tools),
        info_(info),
        task_after_(scheduling.task_after),
        max_running_(scheduling.workers),
        reader_(streams.in, streams.stop),
        writer_(streams.out),
        tasks_(writer_, info_),
        task_tools_(task_tools(tools.list_json())),
        all_tools_(json::parse(tools.list_json())),
        tools_without_views_(without_views(all_tools_)) {
    for (int i = 0; i <= scheduling.workers; ++i) threads_.emplace_back([this] { take_turns(); });
    threads_.emplace_back([this] { make_tasks_when_due(); });
  }
  ~Server() { stop(std::chrono::milliseconds(0)); }

  // Waits until the input ends or the process is asked to stop, then stops as stop() says.
  void serve_until_input_ends();

 private:
  enum class InputEnd { kNotYet, kEnd, kStop };

  void take_turns();
  // Reads and handles messages until one starts a call, which it returns, or the input ends.
  CallPtr read_until_call();
  CallPtr end_input(InputEnd end);
  void handle_line(const std::string& line);
  void reply_internal_error(const std::string& what) {
    writer_.write_line(
        error_response(nullptr, kInternalError, "Internal error: " + what + "; please report it"));
  }
  void reply_too_long() {
    writer_.write_line(error_response(nullptr, kInvalidRequest,
                                      std::string("message longer than ") + kMaxLineText + "; send less"));
  }
  // Gives running and queued calls up to `grace` to be answered, cancels the rest, and stops the
  // threads. Calls cancelled here get no answer, as after notifications/cancelled.
  void stop(std::chrono::milliseconds grace);
  void handle_request(const json& id, const std::string& method, const json& params);
  void handle_notification(const std::string& method, const json& params);
  void handle_task_request(const json& id, const std::string& method, const json& params);
  void handle_resource_request(const json& id, const std::string& method, const json& params);
  void set_log_level(const json& id, const json& params);
  void start_tool_call(const json& id, const json& params);
  void start_task(const CallPtr& call, TaskEra era, std::optional<std::chrono::milliseconds> ttl);
  std::optional<int> log_threshold(const json& params) const;
  void finish(const CallPtr& call);
  std::shared_ptr<db::CancelToken> spare_token();
  void make_tasks_when_due();

  tools::ToolSet& tools_;
  const ServerInfo& info_;
  const std::chrono::milliseconds task_after_;
  const int max_running_;
  LineReader reader_;  // the reading thread's only
  LineWriter writer_;
  TaskTable tasks_;
  const std::set<std::string, std::less<>> task_tools_;
  const json all_tools_;
  const json tools_without_views_;
  std::string legacy_version_;                // set once initialize was answered (reading thread only)
  bool legacy_shows_views_ = false;           // the initialize of a legacy session declared MCP Apps
  std::optional<int> session_log_threshold_;  // logging/setLevel of a legacy session (reading thread only)
  CallPtr started_;  // the call the last message started, to be run (reading thread only)

  std::mutex mutex_;
  std::condition_variable turn_;      // the reading or a queued call awaits a thread, or closing
  std::condition_variable ended_;     // input_end_ was set
  std::condition_variable idle_;      // live_ became empty
  std::condition_variable task_due_;  // a call may become a task, or closing
  bool reading_ = false;              // a thread holds the reading
  InputEnd input_end_ = InputEnd::kNotYet;
  int running_ = 0;            // calls running now, at most max_running_
  std::deque<CallPtr> queue_;  // calls started while max_running_ ran
  // Tokens of calls that ended uncancelled and that nothing else can reach: a token is a pipe, and
  // making one is three system calls.
  std::vector<std::shared_ptr<db::CancelToken>> spare_tokens_;
  std::map<std::string, CallPtr> requests_;  // by id.dump(): calls whose request awaits its answer
  std::set<CallPtr> live_;                   // every call queued or running, task or not
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
    legacy_version_ = negotiate_legacy(params);
    json extensions = params.contains("capabilities") && params["capabilities"].is_object()
                          ? params["capabilities"].value("extensions", json::object())
                          : json::object();
    legacy_shows_views_ = extensions.is_object() && extensions.contains(kUiExtension);
    return writer_.write_line(result_response(id, initialize_result(info_, legacy_version_), info_));
  }
  if (method == "ping") return writer_.write_line(result_response(id, json::object(), info_));
  if (method == "server/discover") {
    if (auto error = version_error(id, params, true); error) return writer_.write_line(*error);
    return writer_.write_line(result_response(id, discover_result(info_), info_));
  }
  if (method == "logging/setLevel") return set_log_level(id, params);
  if (method.starts_with("tasks/")) return handle_task_request(id, method, params);
  if (method != "tools/list" && method != "tools/call" && !method.starts_with("resources/"))
    return writer_.write_line(error_response(id, kMethodNotFound, "Method not found: " + method));
  if (auto error = version_error(id, params, !legacy_version_.empty()); error)
    return writer_.write_line(*error);
  if (json level = meta_field(params, kLogLevelKey); !level.is_null() && !log_level_rank(level))
    return writer_.write_line(
        error_response(id, kInvalidParams, "Invalid params: unknown log level " + level.dump()));
  if (method == "tools/list") {
    bool shows_views = is_modern(params) ? declares_extension(params, kUiExtension) : legacy_shows_views_;
    json result = {{"tools", shows_views ? all_tools_ : tools_without_views_},
                   {"ttlMs", 3'600'000},
                   {"cacheScope", "public"}};
    return writer_.write_line(result_response(id, std::move(result), info_));
  }
  if (method.starts_with("resources/")) return handle_resource_request(id, method, params);
  start_tool_call(id, params);
}

// The MCP Apps views, as resources.
void Server::handle_resource_request(const json& id, const std::string& method, const json& params) {
  if (method == "resources/list")
    return writer_.write_line(result_response(
        id,
        {{"resources", json::parse(tools_.resources_json())}, {"ttlMs", 3'600'000}, {"cacheScope", "public"}},
        info_));
  if (method == "resources/templates/list")
    return writer_.write_line(result_response(id, {{"resourceTemplates", json::array()}}, info_));
  if (method != "resources/read")
    return writer_.write_line(error_response(id, kMethodNotFound, "Method not found: " + method));
  json uri = params.value("uri", json());
  auto contents = uri.is_string() ? tools_.read_resource(uri.get<std::string>()) : std::nullopt;
  if (!contents)
    return writer_.write_line(error_response(id, kResourceNotFound,
                                             "Resource not found: " + uri.dump() + " (see resources/list)",
                                             {{"uri", uri}}));
  writer_.write_line(result_response(id, {{"contents", json::parse(*contents)}}, info_));
}

// tasks/get, tasks/cancel in both eras; tasks/result and tasks/list in 2025-11-25; tasks/update
// in 2026-07-28.
void Server::handle_task_request(const json& id, const std::string& method, const json& params) {
  bool modern = is_modern(params);
  bool known = method == "tasks/get" || method == "tasks/cancel" ||
               (modern ? method == "tasks/update" : method == "tasks/result" || method == "tasks/list");
  if (!known)
    return writer_.write_line(error_response(
        id, kMethodNotFound,
        "Method not found: " + method +
            (modern ? " (the 2026-07-28 tasks extension has tasks/get, tasks/update and tasks/cancel; "
                      "tasks/get carries the result)"
                    : "")));
  if (auto error = version_error(id, params, !legacy_version_.empty()); error)
    return writer_.write_line(*error);
  if (modern && !declares_extension(params, kTasksExtension))
    return writer_.write_line(error_response(
        id, kMissingClientCapability,
        "Missing required client capability: declare the extension io.modelcontextprotocol/tasks in "
        "_meta[\"io.modelcontextprotocol/clientCapabilities\"]",
        {{"requiredCapabilities", {{"extensions", {{kTasksExtension, json::object()}}}}}}));
  tasks_.handle(id, method, params, modern ? TaskEra::kModern : TaskEra::kLegacy);
}

// The legacy era's session-wide log level (2026-07-28 sends it per request in _meta instead).
void Server::set_log_level(const json& id, const json& params) {
  auto rank = log_level_rank(params.value("level", json()));
  if (!rank)
    return writer_.write_line(
        error_response(id, kInvalidParams,
                       "Invalid params: level must be one of debug, info, notice, warning, error, "
                       "critical, alert, emergency"));
  session_log_threshold_ = rank;
  writer_.write_line(result_response(id, json::object(), info_));
}

std::optional<int> Server::log_threshold(const json& params) const {
  json level = meta_field(params, kLogLevelKey);
  return level.is_null() ? session_log_threshold_ : log_level_rank(level);
}

// A running task is not a request any more: it is cancelled with tasks/cancel, not here.
void Server::handle_notification(const std::string& method, const json& params) {
  if (method != "notifications/cancelled" || !params.is_object() || !params.contains("requestId")) return;
  std::lock_guard lock(mutex_);
  if (auto it = requests_.find(params["requestId"].dump()); it != requests_.end())
    it->second->cancel->cancel();
}

void Server::start_tool_call(const json& id, const json& params) {
  if (!params.contains("name") || !params["name"].is_string())
    return writer_.write_line(
        error_response(id, kInvalidParams, "Invalid params: tools/call needs a string \"name\""));
  const auto& name = params["name"].get_ref<const std::string&>();
  if (!tools_.has(name))
    return writer_.write_line(
        error_response(id, kInvalidParams, "Unknown tool: " + name + " (see tools/list)"));
  json arguments = params.contains("arguments") ? params["arguments"] : json::object();
  if (!arguments.is_object())
    return writer_.write_line(
        error_response(id, kInvalidParams, "Invalid params: arguments must be an object"));
  auto reporter =
      std::make_shared<CallReporter>(writer_, meta_field(params, "progressToken"), log_threshold(params));
  auto call = std::make_shared<ToolCall>(
      ToolCall{id, name, std::move(arguments), spare_token(), std::move(reporter), "", {}});
  bool modern = is_modern(params);
  // 2025-11-25: the client asks for a task. 2026-07-28: the client takes one, and the server decides.
  if (!modern && legacy_version_ == kFirstTasksVersion && params.contains("task")) {
    if (!task_tools_.contains(name))
      return writer_.write_line(error_response(id, kMethodNotFound,
                                               "tool " + name +
                                                   " does not run as a task (its execution.taskSupport is "
                                                   "forbidden); call it without \"task\""));
    return start_task(call, TaskEra::kLegacy, requested_ttl(params["task"]));
  }
  if (modern && task_tools_.contains(name) && declares_extension(params, kTasksExtension)) {
    if (task_after_.count() == 0) return start_task(call, TaskEra::kModern, std::nullopt);
    call->task_at = Clock::now() + task_after_;
  }
  {
    std::lock_guard lock(mutex_);
    if (!requests_.emplace(id.dump(), call).second)
      return writer_.write_line(
          error_response(id, kInvalidRequest, "Invalid Request: id " + id.dump() + " is already in use"));
    live_.insert(call);
  }
  started_ = call;
  if (call->task_at) task_due_.notify_one();
}

// Answers at once with the task, then runs the call.
void Server::start_task(const CallPtr& call, TaskEra era, std::optional<std::chrono::milliseconds> ttl) {
  auto created = tasks_.create(call->id, era, ttl, call->cancel, call->reporter);
  call->task_id = created.task_id;
  writer_.write_line(std::move(created.response));
  {
    std::lock_guard lock(mutex_);
    live_.insert(call);
  }
  started_ = call;
}

void Server::take_turns() {
  std::unique_lock lock(mutex_);
  for (;;) {
    turn_.wait(lock, [this] {
      return closing_ || (!queue_.empty() && running_ < max_running_) ||
             (!reading_ && input_end_ == InputEnd::kNotYet);
    });
    CallPtr call;
    bool hand_off = false;
    if (!queue_.empty() && running_ < max_running_) {
      call = std::move(queue_.front());
      queue_.pop_front();
    } else if (closing_) {
      return;
    } else {
      reading_ = true;
      lock.unlock();
      call = read_until_call();
      lock.lock();
      reading_ = false;
      if (!call) {
        ended_.notify_all();
        continue;
      }
      if (running_ == max_running_) {
        queue_.push_back(std::move(call));
        continue;  // and read on
      }
      hand_off = true;
    }
    ++running_;
    lock.unlock();
    // The reading, to an idle thread; after the unlock, so that it need not wait for the mutex.
    if (hand_off) turn_.notify_one();
    finish(call);
    lock.lock();
    --running_;
  }
}

CallPtr Server::read_until_call() {
  std::string line;
  for (;;) {
    switch (reader_.next(line)) {
      case LineReader::Status::kLine:
        try {
          handle_line(line);
        } catch (const std::exception& e) {  // once per message: answer it, keep serving
          reply_internal_error(e.what());
        }
        if (started_) return std::exchange(started_, nullptr);
        break;
      case LineReader::Status::kTooLong:
        reply_too_long();
        break;
      case LineReader::Status::kEnd:
        return end_input(InputEnd::kEnd);
      case LineReader::Status::kStop:
        return end_input(InputEnd::kStop);
    }
  }
}

CallPtr Server::end_input(InputEnd end) {
  std::lock_guard lock(mutex_);
  input_end_ = end;
  return nullptr;
}

void Server::serve_until_input_ends() {
  InputEnd end;
  {
    std::unique_lock lock(mutex_);
    ended_.wait(lock, [this] { return input_end_ != InputEnd::kNotYet; });
    end = input_end_;
  }
  stop(end == InputEnd::kEnd ? kDrainGrace : std::chrono::milliseconds(0));
}

void Server::finish(const CallPtr& call) {
  tools::CallResult result = fam::Failure{fam::FailureKind::kCancelled, "", ""};
  if (!call->cancel->cancelled()) {
    try {
      result = tools_.call(call->name, call->arguments, *call->cancel, *call->reporter);
    } catch (const std::exception& e) {  // once per request: the call fails, the server goes on
      result = fam::Failure{fam::FailureKind::kInternal,
                            std::string("internal error: ") + e.what() + "; please report it", ""};
    }
  }
  std::string task_id;
  {
    std::lock_guard lock(mutex_);
    task_id = call->task_id;
    if (task_id.empty()) requests_.erase(call->id.dump());
  }
  if (!task_id.empty())
    tasks_.finish(task_id, result);
  else if (!call->cancel->cancelled())  // a cancelled request gets no response at all (MCP cancellation)
    writer_.write_line(tool_response(call->id, result, info_));
  std::lock_guard lock(mutex_);
  live_.erase(call);
  if (live_.empty()) idle_.notify_all();
  // Out of requests_ and live_, a call's token is out of every canceller's reach but a task's.
  constexpr std::size_t kMostSpareTokens = 16;
  if (task_id.empty() && !call->cancel->cancelled() && spare_tokens_.size() < kMostSpareTokens)
    spare_tokens_.push_back(std::move(call->cancel));
}

std::shared_ptr<db::CancelToken> Server::spare_token() {
  {
    std::lock_guard lock(mutex_);
    if (!spare_tokens_.empty()) {
      auto token = std::move(spare_tokens_.back());
      spare_tokens_.pop_back();
      return token;
    }
  }
  return std::make_shared<db::CancelToken>();
}

// 2026-07-28: a call of a client that takes tasks, still running when its time comes, is answered
// with a task; the call goes on, and its answer is kept for tasks/get.
void Server::make_tasks_when_due() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    auto now = Clock::now();
    std::optional<Clock::time_point> next;
    std::vector<std::string> responses;
    for (auto it = requests_.begin(); it != requests_.end();) {
      const CallPtr& call = it->second;
      if (!call->task_at || call->cancel->cancelled() || *call->task_at > now) {
        if (call->task_at && !call->cancel->cancelled())
          next = std::min(next.value_or(*call->task_at), *call->task_at);
        ++it;
        continue;
      }
      auto created = tasks_.create(call->id, TaskEra::kModern, std::nullopt, call->cancel, call->reporter);
      call->task_id = created.task_id;
      responses.push_back(std::move(created.response));
      it = requests_.erase(it);
    }
    if (!responses.empty()) {
      lock.unlock();
      for (auto& response : responses) writer_.write_line(std::move(response));
      lock.lock();
    } else if (next) {
      task_due_.wait_until(lock, *next);
    } else {
      task_due_.wait(lock);
    }
  }
}

void Server::stop(std::chrono::milliseconds grace) {
  {
    std::unique_lock lock(mutex_);
    idle_.wait_for(lock, grace, [this] { return live_.empty(); });
    closing_ = true;
    for (const CallPtr& call : live_) call->cancel->cancel();
  }
  turn_.notify_all();
  task_due_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

}  // namespace

void serve(tools::ToolSet& tools, const ServerInfo& info, Streams streams, Scheduling scheduling) {
  Server server(tools, info, streams, scheduling);
  server.serve_until_input_ends();
}

}  // namespace mcp
