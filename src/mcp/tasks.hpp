// Calls that answer later: MCP tasks. Private to mcp/.
//
// Two forms are spoken. Revision 2025-11-25 (the `tasks` capability): the client asks for a task
// on its tools/call, polls tasks/get, fetches the answer with tasks/result (which waits), and may
// list and cancel. Revision 2026-07-28 (the io.modelcontextprotocol/tasks extension): the server
// decides; the client polls tasks/get, whose answer carries the result inline, and may cancel.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mcp/framing.hpp"
#include "mcp/protocol.hpp"
#include "mcp/reporter.hpp"

namespace mcp {

enum class TaskEra { kLegacy, kModern };

// How often a client should ask: a task is a query of seconds, and a poll costs next to nothing.
constexpr std::chrono::milliseconds kPollInterval{1000};

class TaskTable {
 public:
  TaskTable(LineWriter& writer, const ServerInfo& info) : writer_(writer), info_(info) {}

  struct Created {
    std::string task_id;
    std::string response;  // the line that answers the call's request with the task
  };
  // Makes a task of a call that goes on in the background; from now on the reporter's
  // notifications name the task. `ttl`: what the client asked for, if it did.
  Created create(const json& request_id, TaskEra era, std::optional<std::chrono::milliseconds> ttl,
                 std::shared_ptr<db::CancelToken> cancel, std::shared_ptr<CallReporter> reporter);
  // Stores the call's answer (unless the task was cancelled first), and answers the tasks/result
  // requests that waited for it.
  void finish(const std::string& task_id, const tools::CallResult& result);
  // Answers tasks/get, tasks/result, tasks/list, tasks/cancel or tasks/update, in the request's era.
  void handle(const json& id, const std::string& method, const json& params, TaskEra era);

 private:
  enum class Status { kWorking, kCompleted, kFailed, kCancelled };
  struct Task {
    std::string id;
    TaskEra era;
    Status status = Status::kWorking;
    std::string message;  // statusMessage once the task has ended
    std::chrono::system_clock::time_point created, updated;
    std::chrono::milliseconds ttl;
    std::string result;  // the CallToolResult object as JSON text, once ended
    std::shared_ptr<db::CancelToken> cancel;
    std::shared_ptr<CallReporter> reporter;  // what the running call last said
    std::vector<json> waiting;               // ids of tasks/result requests to answer at the end
  };

  Task* find(const json& params);  // by params.taskId; nullptr for unknown or expired tasks
  void expire();
  json describe(const Task& task, TaskEra era) const;
  std::string get(const json& id, const Task& task, TaskEra era) const;
  std::string list(const json& id) const;
  std::string cancel(const json& id, Task& task, TaskEra era, std::vector<std::string>& lines);
  // Moves a working task to `status`, and adds to `lines` what must be written: the answers of
  // waiting tasks/result requests and, in 2025-11-25, a status notification.
  void end(Task& task, Status status, std::string message, std::string result,
           std::vector<std::string>& lines);

  LineWriter& writer_;
  const ServerInfo& info_;
  std::mutex mutex_;
  std::map<std::string, Task> tasks_;  // by id
};

}  // namespace mcp
