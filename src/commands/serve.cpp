#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "commands/commands.hpp"
#include "commands/signals.hpp"
#include "commands/startup.hpp"
#include "mcp/server.hpp"
#include "tools/tools.hpp"
#include "version.hpp"

namespace commands {
namespace {

constexpr const char* kInstructions =
    "Read-only access to the fleet telematics database (PostgreSQL with PostGIS). Schema tracksolid "
    "holds raw telemetry (devices, GPS positions, alarms); schema reporting holds curated views, "
    "materialized views and reporting.fn_* functions: prefer those. Explore with list_schemas, "
    "list_tables, describe_table and list_functions, then answer with query (one SELECT per call). "
    "Answers are kept to about 10k tokens; when the analyst wants the data itself (a spreadsheet, a file "
    "for QGIS, every row), use export_query, which writes a file on their machine.";

// Opening an SSH session cannot be interrupted; a stop waits this long for it, then exits anyway.
constexpr std::chrono::milliseconds kWarmUpWait{1000};

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

// Connects in the background while the server already answers, and says on stderr how it went:
// the first call then finds a connection ready, or the reason it cannot have one.
class WarmUp {
 public:
  WarmUp(db::Database& database, const config::Config& config)
      : thread_([this, &database, &config] { run(database, config); }) {}
  ~WarmUp() {
    cancel_.cancel();
    std::unique_lock lock(mutex_);
    if (!done_cv_.wait_for(lock, kWarmUpWait, [this] { return done_; })) {
      say("stopping while the SSH connection is still being opened");
      std::_Exit(0);  // nothing of ours is open yet that the kernel would not close
    }
    lock.unlock();
    thread_.join();
  }
  WarmUp(const WarmUp&) = delete;
  WarmUp& operator=(const WarmUp&) = delete;

 private:
  void run(db::Database& database, const config::Config& config) {
    if (auto failure = database.connect(cancel_); failure && failure->kind != fam::FailureKind::kCancelled) {
      std::string fix = remedy(config, *failure);
      say("not connected yet: " + failure->message + (fix.empty() ? "" : "; " + fix) +
          ". Serving anyway: each tool call says why until the database can be reached");
    } else if (!failure) {
      const db::ServerFacts& facts = database.facts();
      say("connected as role " + facts.role);
      say("PostgreSQL " + facts.server_version);
      say("PostGIS: " + yes_no(facts.has_postgis) + ", TimescaleDB: " + yes_no(facts.has_timescaledb));
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    done_cv_.notify_all();
  }

  db::CancelToken cancel_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

}  // namespace

int serve(const config::Config& config) {
  StopSignals signals;
  auto backend = prepare_backend(config);
  if (!backend) {
    say(backend.failure().message);
    return fam::kExitUsage;
  }
  say(std::string("fleet-analytics-mcp ") + version::kRelease + " serving MCP on stdio");
  tools::Limits limits = tool_limits(config);
  tools::Phrasing phrasing{true, [&config](const fam::Failure& failure) { return remedy(config, failure); }};
  tools::Toolbox toolbox(*backend->database, limits, phrasing,
                         tools::MapTiles{config.map_tiles, config.map_tiles_attribution});
  mcp::ServerInfo info;
  info.version = version::kRelease;
  info.instructions = kInstructions;
  {
    WarmUp warm_up(*backend->database, config);
    mcp::Scheduling scheduling{config.pool_size, std::chrono::seconds(config.task_after_seconds)};
    mcp::serve(toolbox, info, mcp::Streams{0, 1, signals.token().wait_fd()}, scheduling);
  }
  say(signals.token().cancelled() ? "stopped by a signal" : "end of input: stopped");
  return 0;
}

}  // namespace commands
