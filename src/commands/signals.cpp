#include "commands/signals.hpp"

#include <atomic>
#include <csignal>

namespace commands {
namespace {

// The token for the handler: CancelToken::cancel() only write()s, which a signal handler may do.
std::atomic<db::CancelToken*> stop_token{nullptr};
static_assert(std::atomic<db::CancelToken*>::is_always_lock_free, "read from a signal handler");

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void cancel_on_signal(int) {
  if (db::CancelToken* token = stop_token.load()) token->cancel();
}

}  // namespace

StopSignals::StopSignals() {
  stop_token = &token_;
  for (int signal : kStopSignals) std::signal(signal, cancel_on_signal);
}

StopSignals::~StopSignals() {
  for (int signal : kStopSignals) std::signal(signal, SIG_DFL);
  stop_token = nullptr;
}

}  // namespace commands
