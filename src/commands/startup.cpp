#include "commands/startup.hpp"

#include <cstdio>

#include "commands/commands.hpp"

namespace commands {
namespace {

// Opens the SSH tunnel and points `settings` through it; false (after saying why) when it cannot.
bool open_tunnel(const config::Config& config, db::Settings& settings, std::unique_ptr<tunnel::Tunnel>& out) {
  std::string error;
  auto target = db::tcp_endpoint(config.database_url, error);
  if (!target) {
    say(error);
    return false;
  }
  tunnel::OpenResult opened = tunnel::Tunnel::open(tunnel_options(config, *target));
  if (!opened) {
    say(opened.error + " (`fleet-analytics-mcp doctor` checks each step)");
    return false;
  }
  out = std::move(opened.tunnel);
  route_through(*out, config, settings);
  return true;
}

bool role_is_acceptable(const db::ServerFacts& facts, bool allow_writable) {
  std::string why = write_privileges(facts);
  if (why.empty()) return true;
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

}  // namespace

void say(const std::string& line) {
  std::fprintf(stderr, "fleet-analytics-mcp: %s\n", line.c_str());
}

db::Settings database_settings(const config::Config& config) {
  db::Settings settings;
  settings.conninfo = config.database_url;
  settings.password = config.password;
  settings.statement_timeout = std::chrono::seconds(config.statement_timeout_seconds);
  settings.pool_size = config.pool_size;
  if (!config.analyst.empty()) settings.application_name += "/" + config.analyst;
  return settings;
}

tunnel::Options tunnel_options(const config::Config& config, const db::Endpoint& target) {
  tunnel::Options options;
  options.host = config.ssh_host;
  options.port = config.ssh_port;
  options.user = config.ssh_user;
  options.identity = config.ssh_identity;
  options.known_hosts = config.ssh_known_hosts;
  options.accept_new = config.ssh_accept_new;
  options.target_host = target.host;
  options.target_port = target.port;
  return options;
}

void route_through(tunnel::Tunnel& tunnel, const config::Config& config, db::Settings& settings) {
  settings.host_override = tunnel.socket_directory();
  settings.port_override = std::to_string(tunnel.port());
  if (config.analyst.empty()) settings.application_name = "fleet-analytics-mcp/" + tunnel.user();
  settings.explain_unreachable = [&tunnel] { return tunnel.last_error(); };
}

std::string write_privileges(const db::ServerFacts& facts) {
  std::string joined;
  for (const auto& privilege : facts.write_privileges) joined += (joined.empty() ? "" : "; ") + privilege;
  return joined;
}

Backend open_backend(const config::Config& config) {
  Backend backend;
  db::Settings settings = database_settings(config);
  if (!config.ssh_host.empty() && !open_tunnel(config, settings, backend.tunnel)) {
    backend.exit_code = kExitTunnel;
    return backend;
  }
  auto database = std::make_unique<db::Database>(std::move(settings));
  if (auto failure = database->start()) {
    say(failure->message);
    backend.exit_code = kExitDatabase;
    return backend;
  }
  if (!role_is_acceptable(database->facts(), config.allow_writable_role)) {
    backend.exit_code = kExitWritableRole;
    return backend;
  }
  backend.database = std::move(database);
  return backend;
}

}  // namespace commands
