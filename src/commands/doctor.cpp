// `fleet-analytics-mcp doctor`: every step from the options to the role, in the order a connection
// takes them, one line each; the first failure says how to fix it and the rest are skipped.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <filesystem>

#include "commands/commands.hpp"
#include "commands/startup.hpp"
#include "export/export.hpp"
#include "version.hpp"

namespace commands {
namespace {

// Powers beyond reading the analytics schemas that a role serving an assistant should not hold,
// though none of them can change data (write_privileges covers those).
constexpr db::TrustedSql kExtraPowers = R"SQL(
SELECT 'is a member of ' || rolname FROM pg_roles
WHERE rolname IN ('pg_read_server_files', 'pg_read_all_data', 'pg_read_all_settings', 'pg_read_all_stats',
                  'pg_monitor', 'pg_stat_scan_tables', 'pg_create_subscription', 'pg_use_reserved_connections')
  AND pg_has_role(current_user, oid, 'MEMBER')
UNION ALL
SELECT 'does not default to read-only transactions (default_transaction_read_only is off)'
WHERE current_setting('default_transaction_read_only') <> 'on'
)SQL";

// What the role can read of the two analytics schemas.
constexpr db::TrustedSql kReadable = R"SQL(
SELECT n.nspname, count(c.oid) FILTER (WHERE has_table_privilege(c.oid, 'SELECT'))
FROM pg_namespace n
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
WHERE n.nspname IN ('tracksolid', 'reporting') AND has_schema_privilege(n.oid, 'USAGE')
GROUP BY n.nspname ORDER BY n.nspname
)SQL";

// The limits the role carries into every session of its own (scripts/analytics_ro_role.sql).
constexpr db::TrustedSql kRoleLimits = R"SQL(
SELECT rolconnlimit, current_setting('temp_file_limit'), current_setting('work_mem')
FROM pg_roles WHERE rolname = current_user
)SQL";

// Statements of this role that outlived twice the statement timeout: they ignore cancel (one of
// ours left behind, or anyone's).
constexpr db::TrustedSql kStuck = R"SQL(
SELECT pid FROM pg_stat_activity
WHERE usename = current_user AND pid <> pg_backend_pid() AND state = 'active'
  AND now() - query_start > $1::int * interval '2 seconds'
ORDER BY pid
)SQL";

constexpr db::TrustedSql kExtensions = R"SQL(
SELECT extname, extversion FROM pg_extension WHERE extname IN ('postgis', 'timescaledb') ORDER BY extname
)SQL";

// Every check, in order: the tunnel's own steps sit between configuration and database login.
const std::vector<std::string> kTunnelChecks = {"ssh config", "DNS",       "TCP",
                                                "host key",   "SSH login", "forward"};
const std::vector<std::string> kDatabaseChecks = {"database login", "read-only role",   "least privilege",
                                                  "role limits",    "stuck statements", "data access",
                                                  "extensions"};

constexpr const char* kSkipped = "(after a failed check)";

// A superuser holds twenty-odd write privileges and any one is reason enough to refuse the role:
// naming this many keeps its FAIL line readable.
constexpr std::size_t kWritesNamed = 3;

// The first `count` of `items`, joined by "; ", then how many were left out.
std::string first_of(const std::vector<std::string>& items, std::size_t count) {
  std::string joined;
  for (std::size_t i = 0; i < std::min(count, items.size()); ++i) joined += (i == 0 ? "" : "; ") + items[i];
  if (items.size() > count) joined += " (and " + std::to_string(items.size() - count) + " more)";
  return joined;
}

class Report {
 public:
  // Prints one check; false once any check has failed.
  bool line(const std::string& name, bool ok, const std::string& detail) {
    print(ok ? "ok" : "FAIL", name, detail);
    failed_ = failed_ || !ok;
    return ok;
  }
  void skip(const std::vector<std::string>& names, const std::string& why) {
    for (const auto& name : names) print("skip", name, why);
  }
  int finish() const {
    std::printf("%s\n",
                failed_ ? "A check failed: fix the first FAIL above, then run `fleet-analytics-mcp doctor` "
                          "again."
                        : "All checks passed: Claude can use this configuration.");
    return failed_ ? kExitFailed : 0;
  }

 private:
  static void print(const char* status, const std::string& name, const std::string& detail) {
    std::printf("%-5s %-16s %s\n", status, name.c_str(), detail.c_str());
    std::fflush(stdout);  // each line as soon as it is known: a slow step shows where it waits
  }
  bool failed_ = false;
};

std::string describe_target(const config::Config& config, const std::vector<db::Endpoint>& targets) {
  const db::Endpoint& target = targets.front();
  std::string hosts;
  for (const auto& t : targets) hosts += (hosts.empty() ? "" : ", ") + t.host + ":" + std::to_string(t.port);
  std::string out = "database " + (target.dbname.empty() ? "(default)" : target.dbname) + " at " + hosts +
                    " as " + (target.user.empty() ? "(login name)" : target.user);
  out += config.password ? ", password from " + config.password_file
                         : ", password from the URL, PGPASSWORD or ~/.pgpass";
  return out + (config.ssh_host.empty() ? ", connecting directly" : ", through SSH host " + config.ssh_host);
}

// read_endpoint's answer in tcp_endpoints' shape: libpq connects directly, so its host (a list, or
// a socket directory) is described as written.
fam::Result<std::vector<db::Endpoint>> direct_endpoint(const std::string& url) {
  auto endpoint = db::read_endpoint(url);
  if (!endpoint) return endpoint.failure();
  return std::vector<db::Endpoint>{*endpoint};
}

// Whether export_query can write its files: the folder, or the nearest folder above it that exists
// (the first export creates the rest), must be writable by this user.
void check_export_folder(const config::Config& config, Report& report) {
  namespace fs = std::filesystem;
  const fs::path folder =
      config.export_dir.empty() ? exports::default_directory() : fs::path(config.export_dir);
  std::error_code error;
  fs::path existing = fs::absolute(folder, error);
  while (!fs::exists(existing, error) && existing.has_parent_path() && existing != existing.parent_path())
    existing = existing.parent_path();
  const bool folder_exists = existing == fs::absolute(folder, error);
  if (!fs::is_directory(existing, error))
    return (void)report.line(
        "export folder", false,
        existing.string() + " is not a folder; set --export-dir (MCP_EXPORT_DIR) to a folder");
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    return (void)report.line("export folder", false,
                             existing.string() +
                                 " is not writable by you; set --export-dir (MCP_EXPORT_DIR) to a "
                                 "folder you can write to");
  report.line(
      "export folder", true,
      folder.string() + (folder_exists ? "" : " (created, readable only by you, on the first export)"));
}

// The tunnel's steps, each reported; then the tunnel itself, open for the database checks.
// False when a step failed (and the rest were reported as skipped).
bool check_tunnel(const config::Config& config, const std::vector<db::Endpoint>& targets, Report& report,
                  db::Settings& settings, std::unique_ptr<tunnel::Tunnel>& out) {
  tunnel::Options options = tunnel_options(config, targets);
  std::size_t done = 0;
  bool passed = tunnel::diagnose(options, [&](const tunnel::Check& check) {
    ++done;
    report.line(check.name, check.ok, check.detail);
  });
  if (!passed) {
    report.skip({kTunnelChecks.begin() + static_cast<long>(std::min(done, kTunnelChecks.size())),
                 kTunnelChecks.end()},
                kSkipped);
    return false;
  }
  tunnel::OpenResult opened = tunnel::Tunnel::open(options);
  if (!opened) return report.line("SSH tunnel", false, opened.error);
  out = std::move(opened.tunnel);
  route_through(*out, targets.size(), config, settings);
  return true;
}

std::string rows_joined(const db::Table& table, const std::string& separator) {
  std::string joined;
  for (int row = 0; row < table.row_count(); ++row) {
    std::string item(table.value(row, 0).value_or(""));
    if (table.column_count() > 1) item += " " + std::string(table.value(row, 1).value_or(""));
    joined += (joined.empty() ? "" : separator) + item;
  }
  return joined;
}

void check_limits(const db::Table& limits, const std::string& role, Report& report) {
  bool connections = limits.row_count() > 0 && limits.value(0, 0) != "-1";
  bool temp_files = limits.row_count() > 0 && limits.value(0, 1) != "-1";
  if (connections && temp_files)
    return (void)report.line("role limits", true,
                             "CONNECTION LIMIT " + std::string(*limits.value(0, 0)) + ", temp_file_limit " +
                                 std::string(*limits.value(0, 1)) + ", work_mem " +
                                 std::string(limits.value(0, 2).value_or("?")));
  report.line("role limits", false,
              role + " has no " + (connections ? "temp_file_limit" : "CONNECTION LIMIT") +
                  ": one runaway client can " +
                  (connections ? "fill the database's disk" : "take every connection") +
                  "; run scripts/bootstrap_analytics_ro.sh as a superuser on the database host");
}

void check_stuck(const db::Table& stuck, const std::string& role, int timeout_seconds, Report& report) {
  if (stuck.row_count() == 0)
    return (void)report.line("stuck statements", true,
                             "none of " + role + "'s statements has run past twice the statement timeout (" +
                                 std::to_string(2 * timeout_seconds) + " s)");
  report.line("stuck statements", false,
              std::to_string(stuck.row_count()) + " statements of " + role +
                  " have run past twice the statement " + "timeout and ignore cancel (backends " +
                  rows_joined(stuck, ", ") +
                  "), each holding a connection and a CPU; ask the database's administrator to end them "
                  "(pg_terminate_backend, or a restart if they ignore it)");
}

void check_role(db::Database& database, int timeout_seconds, Report& report) {
  const db::ServerFacts& facts = database.facts();
  bool read_only = facts.write_privileges.empty();
  report.line("read-only role", read_only,
              read_only
                  ? facts.role + " cannot change data"
                  : facts.role + " could change data: " + first_of(facts.write_privileges, kWritesNamed) +
                        "; run scripts/bootstrap_analytics_ro.sh on the database host, or connect as "
                        "analytics_ro");
  const db::Statement statements[] = {db::Statement::trusted(kExtraPowers), db::Statement::trusted(kReadable),
                                      db::Statement::trusted(kExtensions),
                                      db::Statement::trusted(kRoleLimits),
                                      db::Statement::trusted(kStuck, {std::to_string(timeout_seconds)})};
  db::CancelToken never;
  db::Outcome outcome = database.run(statements, never);
  if (!outcome) {
    report.line("least privilege", false, outcome.failure().message);
    return report.skip({"role limits", "stuck statements", "data access", "extensions"}, kSkipped);
  }
  std::string extra = rows_joined(outcome->tables[0], "; ");
  report.line("least privilege", extra.empty(),
              extra.empty() ? "no powers beyond reading (no server files, no other sessions' activity)"
                            : facts.role + " " + extra +
                                  "; run scripts/analytics_ro_role.sql (or REVOKE those) on "
                                  "the database host");
  check_limits(outcome->tables[3], facts.role, report);
  check_stuck(outcome->tables[4], facts.role, timeout_seconds, report);
  std::string readable = rows_joined(outcome->tables[1], ", ");
  report.line("data access", !readable.empty(),
              readable.empty() ? facts.role +
                                     " cannot read schema tracksolid or reporting; run "
                                     "scripts/bootstrap_analytics_ro.sh on the database host"
                               : "tables and views readable per schema: " + readable);
  std::string extensions = rows_joined(outcome->tables[2], ", ");
  report.line("extensions", true,
              (extensions.empty() ? std::string("none of PostGIS, TimescaleDB") : extensions) +
                  (facts.has_postgis ? "" : " (no PostGIS: geometry columns come back as text)") +
                  (facts.has_timescaledb ? "" : " (no TimescaleDB: hypertable details are left out)"));
}

}  // namespace

int doctor(const config::Config& config) {
  std::printf("fleet-analytics-mcp %s (%s) doctor\n", version::kRelease, version::kCommit);
  Report report;
  // The database as the URL names it, read once; a tunnel forwards only to TCP hosts and ports.
  auto target =
      config.ssh_host.empty() ? direct_endpoint(config.database_url) : db::tcp_endpoints(config.database_url);
  std::string problem = !config.problem.empty() ? config.problem : target ? "" : target.failure().message;
  if (!report.line("configuration", problem.empty(),
                   problem.empty() ? describe_target(config, *target) : problem)) {
    report.skip({"export folder"}, kSkipped);
    report.skip(config.ssh_host.empty() ? std::vector<std::string>{"SSH tunnel"} : kTunnelChecks, kSkipped);
    report.skip(kDatabaseChecks, kSkipped);
    return report.finish();
  }
  check_export_folder(config, report);
  db::Settings settings = database_settings(config);
  std::unique_ptr<tunnel::Tunnel> tunnel;  // outlives the database that connects through it
  if (config.ssh_host.empty()) {
    report.skip({"SSH tunnel"}, "not configured (no --ssh-host): connecting to the database directly");
  } else if (!check_tunnel(config, *target, report, settings, tunnel)) {
    report.skip(kDatabaseChecks, kSkipped);
    return report.finish();
  }
  settings.allow_writable_role = true;  // doctor reports such a role instead of refusing it
  db::Database database(std::move(settings));
  db::CancelToken never;
  if (auto failure = database.connect(never)) {
    std::string fix = fix_for(config, *failure);
    report.line("database login", false, failure->message + (fix.empty() ? "" : "; " + fix));
    report.skip({kDatabaseChecks.begin() + 1, kDatabaseChecks.end()}, kSkipped);
    return report.finish();
  }
  report.line("database login", true,
              "as " + database.facts().role + " on PostgreSQL " + database.facts().server_version);
  check_role(database, config.statement_timeout_seconds, report);
  return report.finish();
}

}  // namespace commands
