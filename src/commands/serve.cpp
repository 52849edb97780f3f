#include "commands/commands.hpp"
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
    "list_tables, describe_table and list_functions, then answer with query (one SELECT per call).";

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

}  // namespace

int serve(const config::Config& config) {
  Backend backend = open_backend(config);
  if (backend.exit_code != 0) return backend.exit_code;
  const db::ServerFacts& facts = backend.database->facts();
  say("serving as role " + facts.role + " on PostgreSQL " + facts.server_version +
      " (PostGIS: " + yes_no(facts.has_postgis) + ", TimescaleDB: " + yes_no(facts.has_timescaledb) + ")");
  tools::Limits limits;
  limits.max_rows = config.max_rows;
  tools::Toolbox toolbox(*backend.database, limits);
  mcp::ServerInfo info;
  info.version = version::kRelease;
  info.instructions = kInstructions;
  return mcp::serve(toolbox, info, 0, 1, config.pool_size);
}

}  // namespace commands
