#include "config.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "version.hpp"

namespace config {
namespace {

constexpr const char* kProgram = "fleet-analytics-mcp";

void add_options(CLI::App& app, Config& c) {
  app.add_option("--database-url", c.database_url,
                 "libpq URI of the database, e.g. postgresql://analytics_ro@db.internal:5432/tracksolid_db")
      ->envname("DATABASE_URL");
  app.add_option("--database-password-file", c.password_file,
                 "file holding the database password (must not be readable by group or others)")
      ->envname("MCP_DATABASE_PASSWORD_FILE");
  app.add_option("--max-rows", c.max_rows, "ceiling on the rows one call may return")
      ->envname("MCP_MAX_ROWS")
      ->check(CLI::Range(1L, 1'000'000L))
      ->capture_default_str();
  app.add_option("--statement-timeout", c.statement_timeout_seconds, "seconds one statement may run")
      ->envname("MCP_STATEMENT_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--pool-size", c.pool_size, "database connections, and so tool calls, at once")
      ->envname("MCP_POOL_SIZE")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
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
      ->check(CLI::Range(1, 65535));
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
  return Parsed{std::nullopt, 2};
}

// The terminal commands. Options of the server may come before or after the command's name.
void add_commands(CLI::App& app, Config& c, std::string& format) {
  app.add_subcommand("doctor",
                     "check the configuration, the SSH tunnel, the database login and the role, one line "
                     "per check with a fix for each failure; exit code 1 if any check fails")
      ->fallthrough()
      ->parse_complete_callback([&c] { c.command = Command::kDoctor; });
  CLI::App* query =
      app.add_subcommand("query",
                         "run one read-only query through the same guard as the MCP tool and print it")
          ->fallthrough()
          ->parse_complete_callback([&c] { c.command = Command::kQuery; });
  query->add_option("sql", c.sql, "the SQL statement (one SELECT, WITH, VALUES, TABLE or EXPLAIN)")
      ->required();
  query->add_option("--format", format, "table (aligned columns), csv, or json (the MCP tool's result)")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  app.require_subcommand(0, 1);
}

// Problems CLI11 cannot see; `doctor` reports them instead of refusing to run.
std::string find_problem(Config& c) {
  if (c.database_url.empty())
    return "--database-url (or DATABASE_URL) is required, e.g. "
           "--database-url postgresql://analytics_ro@127.0.0.1:5432/tracksolid_db";
  std::string error;
  if (!c.password_file.empty()) c.password = read_password_file(c.password_file, error);
  return error;
}

}  // namespace

Parsed parse(int argc, char** argv) {
  CLI::App app{"Read-only MCP server for the fleet analytics database (stdio).", kProgram};
  app.set_version_flag("--version",
                       std::string(kProgram) + " " + version::kRelease + " (" + version::kCommit + ")");
  app.footer(
      "Without a command it serves MCP on stdin/stdout, as Claude runs it.\n"
      "Exit codes: 0 ok; 1 a check or query failed; 2 bad options; 3 database unreachable; 4 the role could "
      "change data; 5 the SSH tunnel failed.\n"
      "Details: man fleet-analytics-mcp, or docs/ANALYTICS_MCP.md.");
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
  c.format = format == "csv" ? Format::kCsv : format == "json" ? Format::kJson : Format::kTable;
  c.problem = find_problem(c);
  if (!c.problem.empty() && c.command != Command::kDoctor) return refuse(c.problem);
  return Parsed{std::move(c), 0};
}

}  // namespace config
