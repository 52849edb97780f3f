// Progress and log notifications of one tool call, written as the call runs. Private to mcp/.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>

#include "mcp/framing.hpp"
#include "mcp/protocol.hpp"

namespace mcp {

class CallReporter final : public tools::Reporter {
 public:
  // `progress_token`: the request's _meta.progressToken, or null for none. `log_threshold`: the
  // lowest level rank the client asked for, or nullopt for no log notifications.
  CallReporter(LineWriter& writer, json progress_token, std::optional<int> log_threshold)
      : writer_(writer), token_(std::move(progress_token)), threshold_(log_threshold) {}

  void progress(double progress, double total, const std::string& message) override;
  void log(std::string_view level, const std::string& message) override;

  // The call now runs as task `task_id`: its notifications name the task, as 2025-11-25 asks;
  // with `notify` false (2026-07-28, whose tasks have no notifications) they stop.
  void became_task(const std::string& task_id, bool notify);
  // What the call last said of its progress ("" before it said anything): a task's statusMessage.
  std::string last_message() const;

 private:
  // Clients redraw on each progress notification; a few per second is all a person can read.
  static constexpr std::chrono::milliseconds kMinInterval{250};

  void write(std::string_view method, json params);

  LineWriter& writer_;
  json token_;
  std::optional<int> threshold_;
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
  std::string last_message_;
  json related_task_;  // the _meta naming the task, or null
  bool silent_ = false;
};

}  // namespace mcp
