#include "config.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "version.hpp"

namespace config {
namespace {

constexpr const char* kProgram = "fleet-analytics-mcp";

void add_options(CLI::App& app, Config& c, std::string& password_file) {
  app.add_option("--database-url", c.database_url,
                 "libpq URI of the database, e.g. postgresql://analytics_ro@db.internal:5432/tracksolid_db")
      ->envname("DATABASE_URL");
  app.add_option("--database-password-file", password_file,
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

}  // namespace

Parsed parse(int argc, char** argv) {
  CLI::App app{"Read-only MCP server for the fleet analytics database (stdio).", kProgram};
  app.set_version_flag("--version",
                       std::string(kProgram) + " " + version::kRelease + " (" + version::kCommit + ")");
  Config c;
  std::string password_file;
  add_options(app, c, password_file);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return Parsed{std::nullopt, app.exit(e)};
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    return refuse(what + " (see --help)");
  }
  if (c.database_url.empty())
    return refuse(
        "--database-url (or DATABASE_URL) is required, e.g. "
        "--database-url postgresql://analytics_ro@127.0.0.1:5432/tracksolid_db");
  if (!password_file.empty()) {
    std::string error;
    c.password = read_password_file(password_file, error);
    if (!c.password) return refuse(error);
  }
  return Parsed{std::move(c), 0};
}

}  // namespace config
