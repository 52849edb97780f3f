// The command line and environment -> one plain struct. The only place that knows option names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace config {

// What the binary was asked to do: serve MCP on stdio (what Claude runs), or a terminal command.
enum class Command { kServe, kDoctor, kQuery };
// How `query` prints, or the file format it writes with --output (the export_query formats).
enum class Format { kTable, kCsv, kJson, kXlsx, kGeoJson, kJsonLines };

struct Config {
  Command command = Command::kServe;
  std::string sql;                 // `query`: the statement to run
  Format format = Format::kTable;  // `query --format`
  std::string output;              // `query --output`: stream every row into this new file
  // Why this configuration cannot be used (missing URL, unsafe password file), or "". Every command
  // but `doctor` refuses to start with it; `doctor` reports it as its first failed check.
  std::string problem;
  std::string password_file;
  std::string database_url;
  std::optional<std::string> password;  // read from --database-password-file
  long max_rows = 10000;
  long max_result_chars = 40000;  // what one answer may hold (tools::Limits)
  double max_cost = 1e7;          // the cost guard (tools::Limits)
  double max_plan_rows = 1e7;
  int max_chunks = 100;
  int task_after_seconds = 5;  // mcp::Scheduling::task_after
  std::string export_dir;      // "" = the default (a folder under Downloads)
  long export_max_rows = 1'000'000;
  long export_max_mb = 1024;
  int statement_timeout_seconds = 30;
  int pool_size = 4;
  std::string map_tiles;  // tools::MapTiles: "" = none
  std::string map_tiles_attribution;
  bool allow_writable_role = false;
  std::string analyst;  // shown to the database as application_name
  // The SSH tunnel: used when ssh_host is set.
  std::string ssh_host;
  int ssh_port = 0;
  std::string ssh_user;
  std::string ssh_identity;
  std::string ssh_known_hosts;
  bool ssh_accept_new = false;
};

// Either a configuration to run with, or what to print and the exit code to leave with
// (--help and --version: 0 on stdout; a bad option or value: 2 with one line on stderr).
struct Parsed {
  std::optional<Config> config;
  int exit_code = 0;
};

Parsed parse(int argc, char** argv);

// The --format name of `format`: "table", "csv", "xlsx" …
std::string_view format_name(Format format);

}  // namespace config
