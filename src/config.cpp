#include "config.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>

#include "exit_codes.hpp"
#include "version.hpp"

namespace config {
namespace {

constexpr const char* kProgram = "fleet-analytics-mcp";
constexpr const char* kExampleUrl = "postgresql://analytics_ro@127.0.0.1:5432/tracksolid_db";

// A whole number from `min` to `max`, rewritten in plain decimal for CLI11 to convert. CLI11's own
// range check says "not in range" for "abc", and its conversion reads "010" as octal 8.
CLI::Validator whole_number(long min, long max) {
  std::string range = std::to_string(min) + " and " + std::to_string(max);
  auto check = [min, max, range](std::string& input) -> std::string {
    long value = 0;
    const char* end = input.data() + input.size();
    auto [stop, error] = std::from_chars(input.data(), end, value);
    if (input.empty() || error != std::errc() || stop != end || value < min || value > max)
      return "must be a whole number between " + range + ", not '" + input + "'";
    input = std::to_string(value);
    return "";
  };
  // The description keeps --help as CLI11's range check printed it.
  return CLI::Validator(check, "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

// An XYZ tile URL template an MCP Apps view may load: https (or http) with {z}, {x} and {y}; or
// "none" (rewritten to "").
CLI::Validator tile_template() {
  auto check = [](std::string& input) -> std::string {
    if (input == "none") {
      input.clear();
      return "";
    }
    bool web = input.starts_with("https://") || input.starts_with("http://");
    for (const char* part : {"{z}", "{x}", "{y}"})
      if (!web || input.find(part) == std::string::npos)
        return "must be none or a tile URL template like https://tile.example.org/{z}/{x}/{y}.png, not '" +
               input + "'";
    return "";
  };
  return CLI::Validator(check, "URL|none");
}

void add_options(CLI::App& app, Config& c) {
  app.add_option("--database-url", c.database_url,
                 "libpq URI of the database, e.g. postgresql://analytics_ro@db.internal:5432/tracksolid_db "
                 "(or libpq key=value settings)")
      ->envname("DATABASE_URL");
  app.add_option("--database-password-file", c.password_file,
                 "file holding the database password (must not be readable by group or others)")
      ->envname("MCP_DATABASE_PASSWORD_FILE");
  app.add_option("--max-rows", c.max_rows, "ceiling on the rows one call may return")
      ->envname("MCP_MAX_ROWS")
      ->transform(whole_number(1, 1'000'000))
      ->capture_default_str();
  app.add_option(
         "--max-result-chars", c.max_result_chars,
         "characters one answer may hold (about 4 a token); rows past it are cut, and the answer says so")
      ->envname("MCP_MAX_RESULT_CHARS")
      ->transform(whole_number(2000, 10'000'000))
      ->capture_default_str();
  app.add_option("--max-cost", c.max_cost,
                 "refuse, before it runs, a query whose planned cost is higher (PostgreSQL's cost units)")
      ->envname("MCP_MAX_COST")
      ->check(CLI::Range(1.0, 1e15))
      ->capture_default_str();
  app.add_option("--max-plan-rows", c.max_plan_rows,
                 "refuse, before it runs, a query whose largest join is planned to produce more rows")
      ->envname("MCP_MAX_PLAN_ROWS")
      ->check(CLI::Range(1.0, 1e15))
      ->capture_default_str();
  app.add_option("--max-chunks", c.max_chunks,
                 "refuse, before it runs, a query that reads more chunks of one TimescaleDB hypertable")
      ->envname("MCP_MAX_CHUNKS")
      ->transform(whole_number(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--export-dir", c.export_dir,
                 "folder export_query writes files to (default: fleet-analytics in your Downloads folder)")
      ->envname("MCP_EXPORT_DIR");
  app.add_option("--export-max-rows", c.export_max_rows, "most rows one export writes")
      ->envname("MCP_EXPORT_MAX_ROWS")
      ->transform(whole_number(1, 100'000'000))
      ->capture_default_str();
  app.add_option("--export-max-mb", c.export_max_mb, "most megabytes of values one export writes")
      ->envname("MCP_EXPORT_MAX_MB")
      ->transform(whole_number(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--statement-timeout", c.statement_timeout_seconds, "seconds one statement may run")
      ->envname("MCP_STATEMENT_TIMEOUT")
      ->transform(whole_number(1, 3600))
      ->capture_default_str();
  app.add_option("--pool-size", c.pool_size, "database connections, and so tool calls, at once")
      ->envname("MCP_POOL_SIZE")
      ->transform(whole_number(1, 32))
      ->capture_default_str();
  app.add_option("--task-after", c.task_after_seconds,
                 "seconds after which a query or export still running becomes an MCP task, for clients "
                 "that take tasks (0: at once)")
      ->envname("MCP_TASK_AFTER")
      ->transform(whole_number(0, 3600))
      ->capture_default_str();
  app.add_option("--map-tiles", c.map_tiles,
                 "base map under the map view: an XYZ tile URL template (its host is then reached from "
                 "the analyst's machine), or none for a plain background")
      ->envname("MCP_MAP_TILES")
      ->transform(tile_template())
      ->default_str("none");
  app.add_option("--map-tiles-attribution", c.map_tiles_attribution,
                 "the credit the tile provider asks for, shown on the map")
      ->envname("MCP_MAP_TILES_ATTRIBUTION");
  app.add_flag("--allow-writable-role", c.allow_writable_role,
               "serve even if the database role could write (not recommended)")
      ->envname("MCP_ALLOW_WRITABLE_ROLE");
  app.add_option("--analyst", c.analyst, "your name, shown to the database as application_name")
      ->envname("MCP_ANALYST");
  app.add_option("--ssh-host", c.ssh_host,
                 "reach the database through an SSH tunnel to this host (or ~/.ssh/config alias)")
      ->envname("MCP_SSH_HOST");
  app.add_option("--ssh-port", c.ssh_port, "SSH port (default 22 or from ~/.ssh/config)")
      ->envname("MCP_SSH_PORT")
      ->transform(whole_number(1, 65535));
  app.add_option("--ssh-user", c.ssh_user, "SSH user (default from ~/.ssh/config, else $USER)")
      ->envname("MCP_SSH_USER");
  app.add_option("--ssh-identity", c.ssh_identity, "private key file (default: ssh-agent, then ~/.ssh/id_*)")
      ->envname("MCP_SSH_IDENTITY");
  app.add_option("--ssh-known-hosts", c.ssh_known_hosts, "known_hosts file (default ~/.ssh/known_hosts)")
      ->envname("MCP_SSH_KNOWN_HOSTS");
  app.add_flag("--ssh-accept-new", c.ssh_accept_new,
               "add an unknown host key to known_hosts (never a changed one)")
      ->envname("MCP_SSH_ACCEPT_NEW");
}

// The password file must be the user's own secret, as ssh demands of private keys.
std::optional<std::string> read_password_file(const std::string& path, std::string& error) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    error = "cannot read password file " + path + ": no such file";
    return std::nullopt;
  }
  if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    error = "password file " + path + " is readable by others; run: chmod 600 " + path;
    return std::nullopt;
  }
  std::ifstream file(path);
  std::string password;
  if (!file || !std::getline(file, password) || password.empty()) {
    error = "password file " + path + " is empty or unreadable; put the password on its first line";
    return std::nullopt;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

Parsed refuse(const std::string& message) {
  std::fprintf(stderr, "%s: error: %s\n", kProgram, message.c_str());
  return Parsed{std::nullopt, fam::kExitUsage};
}

// The terminal commands. Options of the server may come before or after the command's name.
void add_commands(CLI::App& app, Config& c, std::string& format) {
  app.add_subcommand("doctor",
                     "check the configuration, the SSH tunnel, the database login and the role, one line "
                     "per check with a fix for each failure; exit code " +
                         std::to_string(fam::kExitFailed) + " if any check fails")
      ->fallthrough()
      ->parse_complete_callback([&c] { c.command = Command::kDoctor; });
  CLI::App* query =
      app.add_subcommand("query",
                         "run one read-only query through the same guard as the MCP tool and print it")
          ->fallthrough()
          ->parse_complete_callback([&c] { c.command = Command::kQuery; });
  query->add_option("sql", c.sql, "the SQL statement (one SELECT, WITH, VALUES, TABLE or EXPLAIN)")
      ->required();
  query
      ->add_option("--format", format,
                   "table (aligned columns), csv, or json (the MCP tool's result); with --output also xlsx, "
                   "geojson or jsonl")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx", "geojson", "jsonl"}))
      ->capture_default_str();
  query->add_option("--output", c.output,
                    "write every row (up to --export-max-rows) to this new file instead of printing them; "
                    "never overwrites: an existing name gets -2, -3 …");
  app.require_subcommand(0, 1);
}

// libpq takes a URI only with one of these schemes, and a string with '=' as key=value settings.
// Anything else it reads as a database name, so a mistyped URL would only fail at login, naming a
// role the user never gave: role "root" does not exist.
bool is_postgresql_conninfo(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return true;
  return url.find("://") == std::string::npos && url.find('=') != std::string::npos;
}

// `url` without the password of its user part ("scheme://user:password@host..."), to quote it in a
// message that may be pasted into a chat or a ticket. The user part ends at the last '@', since a
// hand-typed password may hold '@' or '/' unencoded.
std::string without_password(std::string url) {
  std::size_t scheme = url.find("://");
  std::size_t user = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t at = url.rfind('@');
  std::size_t colon = url.find(':', user);
  if (at != std::string::npos && at > user && colon < at) url.erase(colon, at - colon);
  return url;
}

// Problems CLI11 cannot see; `doctor` reports them instead of refusing to run.
std::string find_problem(Config& c) {
  if (c.database_url.empty())
    return std::string("--database-url (or DATABASE_URL) is required, e.g. --database-url ") + kExampleUrl;
  if (!is_postgresql_conninfo(c.database_url))
    return std::string("--database-url (or DATABASE_URL) must be a PostgreSQL URL such as ") + kExampleUrl +
           " (got '" + without_password(c.database_url) + "')";
  std::string error;
  if (!c.password_file.empty()) c.password = read_password_file(c.password_file, error);
  return error;
}

// `query --format` names; the file formats are also export_query's.
constexpr std::pair<std::string_view, Format> kFormatNames[] = {
    {"table", Format::kTable}, {"csv", Format::kCsv},         {"json", Format::kJson},
    {"xlsx", Format::kXlsx},   {"geojson", Format::kGeoJson}, {"jsonl", Format::kJsonLines}};

Format parse_format(const std::string& name) {
  for (const auto& [text, format] : kFormatNames)
    if (name == text) return format;
  return Format::kTable;
}

// How the binary runs without a command, and what its exit codes mean (the list in exit_codes.hpp).
std::string footer() {
  std::string text =
      "Without a command it serves MCP on stdin/stdout, as Claude runs it. It starts even when the database "
      "cannot be reached, and each tool call then says why; `doctor` finds the cause.\n"
      "Exit codes:\n";
  for (const fam::ExitCode& row : fam::kExitCodes) {
    std::string code = std::to_string(row.code);
    code.resize(5, ' ');  // a column: no code has more than three digits
    text += "  " + code + row.meaning + "\n";
  }
  return text + "Details: man fleet-analytics-mcp, or docs/ANALYTICS_MCP.md.";
}

}  // namespace

std::string_view format_name(Format format) {
  for (const auto& [text, value] : kFormatNames)
    if (value == format) return text;
  return "table";
}

Parsed parse(int argc, char** argv) {
  CLI::App app{"Read-only MCP server for the fleet analytics database (stdio).", kProgram};
  app.set_version_flag("--version",
                       std::string(kProgram) + " " + version::kRelease + " (" + version::kCommit + ")");
  app.footer(footer());
  Config c;
  std::string format = "table";
  add_options(app, c);
  add_commands(app, c, format);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return Parsed{std::nullopt, app.exit(e)};
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    return refuse(what + " (see --help)");
  }
  c.format = parse_format(format);
  if (!c.output.empty() && (c.format == Format::kTable || c.format == Format::kJson))
    return refuse("--output writes csv, xlsx, geojson or jsonl: add --format csv (or one of the others)");
  if (c.output.empty() && c.format != Format::kTable && c.format != Format::kJson && c.format != Format::kCsv)
    return refuse("--format " + format + " writes a file: add --output FILE");
  c.problem = find_problem(c);
  if (!c.problem.empty() && c.command != Command::kDoctor) return refuse(c.problem);
  return Parsed{std::move(c), 0};
}

}  // namespace config
