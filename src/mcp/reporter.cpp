#include "mcp/reporter.hpp"

namespace mcp {

void CallReporter::progress(double progress, double total, const std::string& message) {
  if (token_.is_null()) return;
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < kMinInterval) return;
    last_ = now;
  }
  json params = {{"progressToken", token_}, {"progress", progress}};
  if (total > 0) params["total"] = total;
  if (!message.empty()) params["message"] = message;
  writer_.write_line(notification("notifications/progress", std::move(params)));
}

void CallReporter::log(std::string_view level, const std::string& message) {
  auto rank = log_level_rank(std::string(level));
  if (!threshold_ || !rank || *rank < *threshold_) return;
  writer_.write_line(notification("notifications/message",
                                  {{"level", level}, {"logger", "fleet-analytics-mcp"}, {"data", message}}));
}

}  // namespace mcp
