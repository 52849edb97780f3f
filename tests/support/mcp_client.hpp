// Drives the real fleet-analytics-mcp binary over stdio, as an MCP client does.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace testing {

using nlohmann::json;

// The binary under test and the sandbox database, from the environment CTest sets.
std::string server_binary();
std::string ro_url();
std::string ro_password_file();
std::string admin_url();
int sandbox_port();  // the sandbox database's TCP port on 127.0.0.1
// Whether the program reaches the sandbox through PgBouncer (tests/integration/pgbouncer_test.sh).
bool through_pgbouncer();
// Whether the sandbox runs TimescaleDB (scripts/pg_sandbox.sh; FAM_SANDBOX_TIMESCALEDB=off leaves it out).
bool has_timescaledb();

// A terminal command (`doctor`, `query`) run to completion: what it printed and how it exited.
struct CommandRun {
  std::string out;
  std::string err;
  int exit_code = -1;
  long peak_rss_kib = -1;  // the most memory it held before printing (KiB; -1 if it exited first)
};
// Runs the binary with `args` (the database options are added unless `bare`) and no input.
CommandRun run_command(const std::vector<std::string>& args, bool bare = false);
// The line `doctor` printed for `check`, e.g. "ok    database login   as analytics_ro ...", or "".
std::string doctor_line(const CommandRun& run, const std::string& check);
// The first word of that line: "ok", "FAIL" or "skip" ("" when there is no such line).
std::string doctor_status(const CommandRun& run, const std::string& check);

class McpClient {
 public:
  // Starts the server with `args` (the database options are added unless `bare`).
  explicit McpClient(std::vector<std::string> args = {}, bool bare = false);
  ~McpClient();

  void send_line(const std::string& line);
  void send(const json& message) { send_line(message.dump()); }
  // The next message from the server; fails the test if none comes within `limit` (a safety net
  // against hangs, not a synchronisation).
  json receive(std::chrono::seconds limit = std::chrono::seconds(60));
  // The response to request `id`, keeping other messages that arrive first for later.
  json response_to(const json& id);
  // A modern (2026-07-28) request with the required _meta.
  json request(const json& id, const std::string& method, json params = json::object());
  // Sends tools/call without waiting for its response.
  void send_call(const json& id, const std::string& name, json arguments);
  // tools/call, and the result object of its response.
  json call_tool(const std::string& name, json arguments = json::object());

  void close_input();
  // Sends the process a signal, e.g. SIGINT as Ctrl-C in a terminal does.
  void send_signal(int signal);
  // Waits for the process to exit; its exit status. Fails the test if it does not exit in `limit`.
  int wait_exit(std::chrono::seconds limit = std::chrono::seconds(60));
  // Everything the server wrote on stderr so far (kept: each call returns it all).
  std::string stderr_text();
  bool stdout_closed();
  // Everything written to stdout until it is closed (for the terminal commands, which print text).
  std::string stdout_text();
  // The most memory the process has held so far (VmHWM), in KiB; -1 once it has exited.
  long peak_rss_kib() const;
  int out_fd() const { return out_; }
  // The application_name its database sessions carry, to find them in pg_stat_activity.
  std::string application_name() const { return "fleet-analytics-mcp/" + analyst_; }

 private:
  std::optional<std::string> read_line(std::chrono::seconds limit);
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string buffer_;
  std::string stderr_;
  std::vector<json> pending_;
  int next_id_ = 1000;
  std::string analyst_;
  std::optional<int> status_;
};

json meta();

// Runs one statement as the sandbox superuser; returns the first cell (or "" for none).
std::string admin_value(const std::string& sql);
// Polls `sql` until it returns `expected` (true) or `limit` passes (false): for server-side state
// that follows our actions asynchronously, such as a backend exiting after its client disconnects.
bool admin_value_becomes(const std::string& sql, const std::string& expected,
                         std::chrono::seconds limit = std::chrono::seconds(30));
// A digest of everything a read-only role must not be able to change: every table's rows, the
// catalog (relations, functions, roles, large objects, sequences) and settings.
std::string database_fingerprint();

}  // namespace testing
