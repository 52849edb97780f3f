#include "mcp/tasks.hpp"

#include <algorithm>
#include <ctime>
#include <random>

namespace mcp {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::system_clock;

// An answer is kept for this long after the task starts, unless the client asks for another span
// within the bounds: long enough to come back to, short enough that memory stays small.
constexpr milliseconds kDefaultTtl = std::chrono::minutes(30);
constexpr milliseconds kMinTtl = std::chrono::minutes(1);
constexpr milliseconds kMaxTtl = std::chrono::hours(2);
// Ended tasks kept at most, oldest dropped first: answers are a few tens of kB each.
constexpr std::size_t kMaxEndedTasks = 200;

constexpr std::string_view kRelatedTaskKey = "io.modelcontextprotocol/related-task";
constexpr std::string_view kImmediateResponseKey = "io.modelcontextprotocol/model-immediate-response";

// 122 random bits in the UUID form that clients show.
std::string new_task_id() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::uint64_t high = random(), low = random();
  high = (high & ~0xF000ull) | 0x4000ull;            // version 4
  low = (low & ~(0xC0ull << 56)) | (0x80ull << 56);  // variant 1
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xFFFF), static_cast<unsigned>(high & 0xFFFF),
                static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
  return text;
}

std::string iso_time(Clock::time_point time) {
  std::time_t seconds = Clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  auto millis = std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count() % 1000;
  std::string iso(text, length);
  iso += '.';
  iso += static_cast<char>('0' + millis / 100);
  iso += static_cast<char>('0' + millis / 10 % 10);
  iso += static_cast<char>('0' + millis % 10);
  return iso += 'Z';
}

json related_task(const std::string& task_id) {
  return {{kRelatedTaskKey, {{"taskId", task_id}}}};
}

}  // namespace

TaskTable::Created TaskTable::create(const json& request_id, TaskEra era, std::optional<milliseconds> ttl,
                                     std::shared_ptr<db::CancelToken> cancel,
                                     std::shared_ptr<CallReporter> reporter) {
  std::lock_guard lock(mutex_);
  expire();
  auto now = Clock::now();
  Task task{new_task_id(),
            era,
            Status::kWorking,
            "",
            now,
            now,
            std::clamp(ttl.value_or(kDefaultTtl), kMinTtl, kMaxTtl),
            "",
            std::move(cancel),
            std::move(reporter),
            {}};
  json result = era == TaskEra::kLegacy ? json{{"task", describe(task, era)}} : describe(task, era);
  if (era == TaskEra::kModern) result["resultType"] = "task";
  result["_meta"][kImmediateResponseKey] =
      "This call goes on in the background as task " + task.id + "; its answer comes when it ends.";
  task.reporter->became_task(task.id, era == TaskEra::kLegacy);
  std::string id = task.id;
  tasks_.emplace(id, std::move(task));
  return {id, result_response(request_id, std::move(result), info_)};
}

void TaskTable::finish(const std::string& task_id, const tools::CallResult& result) {
  std::vector<std::string> lines;
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(task_id);
    if (found == tasks_.end() || found->second.status != Status::kWorking) return;  // cancelled first
    Task& task = found->second;
    // 2025-11-25 counts a tool error as a failed task; 2026-07-28 keeps "failed" for protocol errors.
    Status status = !result && task.era == TaskEra::kLegacy ? Status::kFailed : Status::kCompleted;
    end(task, status, result ? "" : result.failure().message,
        tool_result(result, info_, related_task(task.id)), lines);
  }
  for (auto& line : lines) writer_.write_line(std::move(line));
}

void TaskTable::handle(const json& id, const std::string& method, const json& params, TaskEra era) {
  std::string reply;
  std::vector<std::string> lines;
  {
    std::lock_guard lock(mutex_);
    expire();
    Task* task = find(params);
    if (method == "tasks/list")
      reply = list(id);
    else if (!task)
      reply = error_response(
          id, kInvalidParams,
          "Failed to retrieve task: no task " + params.value("taskId", json()).dump() +
              " (it never existed here, or ended longer ago than its ttl); run the call again");
    else if (method == "tasks/get")
      reply = get(id, *task, era);
    else if (method == "tasks/result" && task->status == Status::kWorking)
      task->waiting.push_back(id);  // answered when the task ends
    else if (method == "tasks/result")
      reply = raw_response(id, task->result);
    else if (method == "tasks/cancel")
      reply = cancel(id, *task, era, lines);
    else  // tasks/update: these tasks never ask for input, so there is nothing to take
      reply = result_response(id, json::object(), info_);
  }
  if (!reply.empty()) writer_.write_line(std::move(reply));
  for (auto& line : lines) writer_.write_line(std::move(line));
}

TaskTable::Task* TaskTable::find(const json& params) {
  auto id = params.find("taskId");
  if (id == params.end() || !id->is_string()) return nullptr;
  auto found = tasks_.find(id->get<std::string>());
  return found != tasks_.end() ? &found->second : nullptr;
}

// Drops ended tasks past their ttl, and the oldest ended ones beyond the bound. A running task is
// never dropped: the statement timeout bounds it.
void TaskTable::expire() {
  auto now = Clock::now();
  std::vector<std::pair<Clock::time_point, std::string>> ended;
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    const Task& task = it->second;
    if (task.status != Status::kWorking && now - task.created > task.ttl) {
      it = tasks_.erase(it);
      continue;
    }
    if (task.status != Status::kWorking) ended.emplace_back(task.created, task.id);
    ++it;
  }
  if (ended.size() <= kMaxEndedTasks) return;
  std::sort(ended.begin(), ended.end());
  for (std::size_t i = 0; i < ended.size() - kMaxEndedTasks; ++i) tasks_.erase(ended[i].second);
}

json TaskTable::describe(const Task& task, TaskEra era) const {
  static constexpr std::string_view kStatusNames[] = {"working", "completed", "failed", "cancelled"};
  json described = {{"taskId", task.id},
                    {"status", kStatusNames[static_cast<int>(task.status)]},
                    {"createdAt", iso_time(task.created)},
                    {"lastUpdatedAt", iso_time(task.updated)}};
  std::string message = task.reporter ? task.reporter->last_message() : task.message;
  if (!message.empty()) described["statusMessage"] = message;
  bool legacy = era == TaskEra::kLegacy;
  described[legacy ? "ttl" : "ttlMs"] = task.ttl.count();
  described[legacy ? "pollInterval" : "pollIntervalMs"] = kPollInterval.count();
  return described;
}

// 2026-07-28 gives an ended task's answer inline; 2025-11-25 keeps it for tasks/result.
std::string TaskTable::get(const json& id, const Task& task, TaskEra era) const {
  json described = describe(task, era);
  if (era == TaskEra::kModern && task.status == Status::kCompleted)
    described["result"] = json::parse(task.result);
  return result_response(id, std::move(described), info_);
}

std::string TaskTable::list(const json& id) const {
  json all = json::array();
  for (const auto& [task_id, task] : tasks_) all.push_back(describe(task, TaskEra::kLegacy));
  return result_response(id, {{"tasks", std::move(all)}}, info_);
}

std::string TaskTable::cancel(const json& id, Task& task, TaskEra era, std::vector<std::string>& lines) {
  if (task.status == Status::kWorking) {
    task.cancel->cancel();  // the statement is cancelled on the server at once
    fam::Failure cancelled{fam::FailureKind::kCancelled,
                           "the task was cancelled (tasks/cancel) before it ended; run the call again "
                           "if its answer is still needed",
                           ""};
    end(task, Status::kCancelled, "cancelled by tasks/cancel",
        tool_result(cancelled, info_, related_task(task.id)), lines);
  } else if (era == TaskEra::kLegacy) {
    return error_response(id, kInvalidParams,
                          "task " + task.id + " has already ended; there is nothing to cancel");
  }
  return result_response(id, era == TaskEra::kLegacy ? describe(task, era) : json::object(), info_);
}

void TaskTable::end(Task& task, Status status, std::string message, std::string result,
                    std::vector<std::string>& lines) {
  task.status = status;
  task.message = std::move(message);
  task.updated = Clock::now();
  task.result = std::move(result);
  task.cancel.reset();
  task.reporter.reset();
  for (const json& waiting : task.waiting) lines.push_back(raw_response(waiting, task.result));
  task.waiting.clear();
  if (task.era == TaskEra::kLegacy)
    lines.push_back(notification("notifications/tasks/status", describe(task, TaskEra::kLegacy)));
}

}  // namespace mcp
