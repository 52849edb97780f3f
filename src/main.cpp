// fleet-analytics-mcp: options -> database -> check the role -> serve MCP on stdin/stdout.
// Nothing but protocol messages is ever written to stdout; diagnostics go to stderr.
#include <csignal>
#include <cstdio>
#include <exception>

#include "config.hpp"
#include "db/db.hpp"
#include "mcp/server.hpp"
#include "tools/tools.hpp"
#include "version.hpp"

namespace {

// Exit codes other programs (and the doctor) can tell apart.
constexpr int kExitDatabase = 3;       // the database could not be reached or read
constexpr int kExitWritableRole = 4;   // the role could change data and --allow-writable-role is absent

void say(const std::string& line) { std::fprintf(stderr, "fleet-analytics-mcp: %s\n", line.c_str()); }

db::Settings database_settings(const config::Config& c) {
  db::Settings s;
  s.conninfo = c.database_url;
  s.password = c.password;
  s.statement_timeout = std::chrono::seconds(c.statement_timeout_seconds);
  s.pool_size = c.pool_size;
  if (!c.analyst.empty()) s.application_name += "/" + c.analyst;
  return s;
}

bool role_is_acceptable(const db::ServerFacts& facts, bool allow_writable) {
  if (facts.write_privileges.empty()) return true;
  std::string why;
  for (const auto& w : facts.write_privileges) why += (why.empty() ? "" : "; ") + w;
  if (allow_writable) {
    say("warning: role " + facts.role + " could change data (" + why + "); serving because of --allow-writable-role");
    return true;
  }
  say("refusing to serve: role " + facts.role + " could change data (" + why +
      "). Connect as a read-only role (create one with scripts/bootstrap_analytics_ro.sh), or pass "
      "--allow-writable-role if you accept the risk");
  return false;
}

int serve(const config::Config& c) {
  db::Database database(database_settings(c));
  if (auto failure = database.start()) {
    say(failure->message);
    return kExitDatabase;
  }
  const db::ServerFacts& facts = database.facts();
  if (!role_is_acceptable(facts, c.allow_writable_role)) return kExitWritableRole;
  say("serving as role " + facts.role + " on PostgreSQL " + facts.server_version +
      " (PostGIS: " + (facts.has_postgis ? "yes" : "no") + ", TimescaleDB: " + (facts.has_timescaledb ? "yes" : "no") + ")");
  tools::Limits limits;
  limits.max_rows = c.max_rows;
  tools::Toolbox toolbox(database, limits);
  mcp::ServerInfo info;
  info.version = version::kRelease;
  info.instructions =
      "Read-only access to the fleet telematics database (PostgreSQL with PostGIS). Schema tracksolid "
      "holds raw telemetry (devices, GPS positions, alarms); schema reporting holds curated views, "
      "materialized views and reporting.fn_* functions: prefer those. Explore with list_schemas, "
      "list_tables, describe_table and list_functions, then answer with query (one SELECT per call).";
  return mcp::serve(toolbox, info, 0, 1, c.pool_size);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a client that went away is noticed by write(), not a signal
  config::Parsed parsed = config::parse(argc, argv);
  if (!parsed.config) return parsed.exit_code;
  try {
    return serve(*parsed.config);
  } catch (const std::exception& e) {
    say(std::string("internal error: ") + e.what() + "; please report it");
    return 1;
  }
}
