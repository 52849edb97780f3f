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

 private:
  // Clients redraw on each progress notification; a few per second is all a person can read.
  static constexpr std::chrono::milliseconds kMinInterval{250};

  LineWriter& writer_;
  json token_;
  std::optional<int> threshold_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace mcp
