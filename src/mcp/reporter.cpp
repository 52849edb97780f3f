#include "mcp/reporter.hpp"

namespace mcp {

void CallReporter::progress(double progress, double total, const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    if (!message.empty()) last_message_ = message;
    auto now = std::chrono::steady_clock::now();
    if (token_.is_null() || now - last_ < kMinInterval) return;
    last_ = now;
  }
  json params = {{"progressToken", token_}, {"progress", progress}};
  if (total > 0) params["total"] = total;
  if (!message.empty()) params["message"] = message;
  write("notifications/progress", std::move(params));
}

void CallReporter::log(std::string_view level, const std::string& message) {
  auto rank = log_level_rank(std::string(level));
  if (!threshold_ || !rank || *rank < *threshold_) return;
  write("notifications/message", {{"level", level}, {"logger", "fleet-analytics-mcp"}, {"data", message}});
}

void CallReporter::became_task(const std::string& task_id, bool notify) {
  std::lock_guard lock(mutex_);
  related_task_ = {{"io.modelcontextprotocol/related-task", {{"taskId", task_id}}}};
  silent_ = !notify;
}

std::string CallReporter::last_message() const {
  std::lock_guard lock(mutex_);
  return last_message_;
}

void CallReporter::write(std::string_view method, json params) {
  {
    std::lock_guard lock(mutex_);
    if (silent_) return;
    if (!related_task_.is_null()) params["_meta"] = related_task_;
  }
  writer_.write_line(notification(method, std::move(params)));
}

}  // namespace mcp
