// `fleet-analytics-mcp query "SQL"`: the `query` tool, called as the MCP server calls it, printed
// for a terminal.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/format.hpp"
#include "commands/startup.hpp"
#include "tools/tools.hpp"

namespace commands {
namespace {

// Exit status of a command stopped by Ctrl-C, as shells report it (128 + SIGINT).
constexpr int kExitInterrupted = 130;

// The running query's token, for the SIGINT handler: Ctrl-C cancels the statement on the server
// instead of leaving it to run there until its timeout. CancelToken::cancel() only write()s.
std::atomic<db::CancelToken*> interruptible{nullptr};
static_assert(std::atomic<db::CancelToken*>::is_always_lock_free, "read from a signal handler");

extern "C" void cancel_on_interrupt(int) {
  if (db::CancelToken* token = interruptible.load()) token->cancel();
}

// Routes Ctrl-C to `token` while it lives.
class InterruptCancels {
 public:
  explicit InterruptCancels(db::CancelToken& token) {
    interruptible = &token;
    previous_ = std::signal(SIGINT, cancel_on_interrupt);
  }
  ~InterruptCancels() {
    std::signal(SIGINT, previous_);
    interruptible = nullptr;
  }
  InterruptCancels(const InterruptCancels&) = delete;
  InterruptCancels& operator=(const InterruptCancels&) = delete;

 private:
  void (*previous_)(int) = nullptr;
};

std::string render(const nlohmann::json& result, config::Format format) {
  switch (format) {
    case config::Format::kCsv:
      return format_csv(result);
    case config::Format::kJson:
      return result.dump(2) + "\n";
    case config::Format::kTable:
      break;
  }
  return format_table(result);
}

// Notes for the person at the terminal go to stderr, so that the rows can be piped.
void say_notes(const nlohmann::json& result, long max_rows) {
  for (const auto& notice : result.value("notices", nlohmann::json::array())) say(notice.get<std::string>());
  if (result.value("truncated", false))
    say("only the first " + std::to_string(max_rows) +
        " rows are shown; more exist (raise --max-rows, or aggregate in SQL)");
}

}  // namespace

int query(const config::Config& config) {
  Backend backend = open_backend(config);
  if (backend.exit_code != 0) return backend.exit_code;
  tools::Limits limits;
  limits.max_rows = config.max_rows;
  tools::Toolbox toolbox(*backend.database, limits);
  db::CancelToken cancel;
  tools::CallResult answer;
  {
    InterruptCancels interrupt(cancel);
    answer = toolbox.call("query", {{"sql", config.sql}, {"max_rows", config.max_rows}}, cancel);
  }
  if (cancel.cancelled()) {
    say("interrupted: the query was cancelled on the server");
    return kExitInterrupted;
  }
  if (answer.is_error) {
    say(answer.json);
    return kExitFailed;
  }
  nlohmann::json result = nlohmann::json::parse(answer.json);
  std::string text = render(result, config.format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  say_notes(result, config.max_rows);
  return std::fflush(stdout) == 0 ? 0 : kExitFailed;
}

}  // namespace commands
