// fleet-analytics-mcp: options -> database -> check the role -> serve MCP on stdin/stdout.
// Nothing but protocol messages is ever written to stdout; diagnostics go to stderr.
#include <malloc.h>

#include <csignal>
#include <cstdio>
#include <exception>

#include "config.hpp"
#include "db/db.hpp"
#include "mcp/server.hpp"
#include "tools/tools.hpp"
#include "tunnel/tunnel.hpp"
#include "version.hpp"

namespace {

// Exit codes other programs (and the doctor) can tell apart.
constexpr int kExitDatabase = 3;      // the database could not be reached or read
constexpr int kExitWritableRole = 4;  // the role could change data and --allow-writable-role is absent
constexpr int kExitTunnel = 5;        // the SSH tunnel could not be opened

void say(const std::string& line) {
  std::fprintf(stderr, "fleet-analytics-mcp: %s\n", line.c_str());
}

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
    say("warning: role " + facts.role + " could change data (" + why +
        "); serving because of --allow-writable-role");
    return true;
  }
  say("refusing to serve: role " + facts.role + " could change data (" + why +
      "). Connect as a read-only role (create one with scripts/bootstrap_analytics_ro.sh), or pass "
      "--allow-writable-role if you accept the risk");
  return false;
}

// Opens the SSH tunnel when one is configured and points the database settings through it.
// Returns false (after saying why) when it cannot be opened.
bool route_through_tunnel(const config::Config& c, db::Settings& settings,
                          std::unique_ptr<tunnel::Tunnel>& out) {
  std::string error;
  auto endpoint = db::tcp_endpoint(c.database_url, error);
  if (!endpoint) {
    say(error);
    return false;
  }
  tunnel::Options options;
  options.host = c.ssh_host;
  options.port = c.ssh_port;
  options.user = c.ssh_user;
  options.identity = c.ssh_identity;
  options.known_hosts = c.ssh_known_hosts;
  options.accept_new = c.ssh_accept_new;
  options.target_host = endpoint->host;
  options.target_port = endpoint->port;
  tunnel::OpenResult opened = tunnel::Tunnel::open(options);
  if (!opened) {
    say(opened.error);
    return false;
  }
  out = std::move(opened.tunnel);
  settings.host_override = out->socket_directory();
  settings.port_override = std::to_string(out->port());
  if (c.analyst.empty()) settings.application_name = "fleet-analytics-mcp/" + out->user();
  tunnel::Tunnel* tunnel = out.get();
  settings.explain_unreachable = [tunnel] { return tunnel->last_error(); };
  return true;
}

int serve(const config::Config& c) {
  db::Settings settings = database_settings(c);
  std::unique_ptr<tunnel::Tunnel> tunnel;  // outlives the database that connects through it
  if (!c.ssh_host.empty() && !route_through_tunnel(c, settings, tunnel)) return kExitTunnel;
  db::Database database(std::move(settings));
  if (auto failure = database.start()) {
    say(failure->message);
    return kExitDatabase;
  }
  const db::ServerFacts& facts = database.facts();
  if (!role_is_acceptable(facts, c.allow_writable_role)) return kExitWritableRole;
  say("serving as role " + facts.role + " on PostgreSQL " + facts.server_version + " (PostGIS: " +
      (facts.has_postgis ? "yes" : "no") + ", TimescaleDB: " + (facts.has_timescaledb ? "yes" : "no") + ")");
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
  // glibc gives each worker thread its own arena, which keeps the peak of every large result it
  // ever built (measured: 58 MB instead of 25 MB after 10,000-row calls); two arenas stay flat.
  mallopt(M_ARENA_MAX, 2);
  config::Parsed parsed = config::parse(argc, argv);
  if (!parsed.config) return parsed.exit_code;
  try {
    return serve(*parsed.config);
  } catch (const std::exception& e) {
    say(std::string("internal error: ") + e.what() + "; please report it");
    return 1;
  }
}
