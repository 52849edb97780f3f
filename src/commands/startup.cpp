#include "commands/startup.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace commands {

db::Route local_route(const tunnel::Tunnel& tunnel, std::size_t targets) {
  std::vector<std::size_t> served;  // read once: the tunnel's thread may change them meanwhile
  for (std::size_t i = 0; i < targets; ++i)
    if (tunnel.serving(i)) served.push_back(i);
  if (served.empty())
    for (std::size_t i = 0; i < targets; ++i) served.push_back(i);
  db::Route route;
  for (std::size_t i : served) {
    route.host += (route.host.empty() ? "" : ",") + tunnel.socket_directory(i);
    route.port += (route.port.empty() ? "" : ",") + std::to_string(tunnel.port(i));
  }
  return route;
}

// Opens the SSH tunnel on the first connection that needs it; after a failure, the next one tries
// again. The tunnel itself reconnects its SSH session after a drop.
class LazyTunnel {
 public:
  explicit LazyTunnel(tunnel::Options options) : options_(std::move(options)) {}

  fam::Result<std::optional<db::Route>> route() {
    std::lock_guard lock(mutex_);
    if (!tunnel_) {
      tunnel::OpenResult opened = tunnel::Tunnel::open(options_);
      if (!opened) return fam::Failure{fam::FailureKind::kUnreachable, opened.error, ""};
      tunnel_ = std::move(opened.tunnel);
    }
    return std::optional<db::Route>(local_route(*tunnel_, options_.targets.size()));
  }

  std::string last_error() {
    std::lock_guard lock(mutex_);
    return tunnel_ ? tunnel_->last_error() : "";
  }

 private:
  tunnel::Options options_;
  std::mutex mutex_;
  std::unique_ptr<tunnel::Tunnel> tunnel_;
};

Backend::Backend() = default;
Backend::Backend(Backend&&) noexcept = default;
Backend& Backend::operator=(Backend&&) noexcept = default;
Backend::~Backend() {
  database.reset();  // its connections close before the tunnel they run through
}

void say(const std::string& line) {
  std::fprintf(stderr, "fleet-analytics-mcp: %s\n", line.c_str());
}

tools::Limits tool_limits(const config::Config& config) {
  tools::Limits limits;
  limits.max_rows = config.max_rows;
  limits.max_result_chars = static_cast<std::size_t>(config.max_result_chars);
  limits.max_cost = config.max_cost;
  limits.max_join_rows = config.max_plan_rows;
  limits.max_chunks = config.max_chunks;
  limits.export_dir = config.export_dir;
  limits.export_max_rows = config.export_max_rows;
  limits.export_max_bytes = static_cast<std::uint64_t>(config.export_max_mb) * 1'000'000;
  return limits;
}

db::Settings database_settings(const config::Config& config) {
  db::Settings settings;
  settings.conninfo = config.database_url;
  settings.password = config.password;
  settings.statement_timeout = std::chrono::seconds(config.statement_timeout_seconds);
  settings.pool_size = config.pool_size;
  settings.allow_writable_role = config.allow_writable_role;
  settings.warn = [](const std::string& line) { say(line); };
  if (!config.analyst.empty()) settings.application_name += "/" + config.analyst;
  return settings;
}

tunnel::Options tunnel_options(const config::Config& config, const std::vector<db::Endpoint>& targets) {
  tunnel::Options options;
  options.host = config.ssh_host;
  options.port = config.ssh_port;
  options.user = config.ssh_user;
  options.identity = config.ssh_identity;
  options.known_hosts = config.ssh_known_hosts;
  options.accept_new = config.ssh_accept_new;
  for (const db::Endpoint& target : targets) options.targets.push_back({target.host, target.port});
  options.names = {"--ssh-host",     "--ssh-port",       "--ssh-user",
                   "--ssh-identity", "--ssh-accept-new", "--database-url"};
  return options;
}

void route_through(tunnel::Tunnel& tunnel, std::size_t targets, const config::Config& config,
                   db::Settings& settings) {
  settings.route = [&tunnel, targets]() -> fam::Result<std::optional<db::Route>> {
    return std::optional<db::Route>(local_route(tunnel, targets));
  };
  if (config.analyst.empty()) settings.application_name = "fleet-analytics-mcp/" + tunnel.user();
  settings.explain_unreachable = [&tunnel] { return tunnel.last_error(); };
}

std::string fix_for(const config::Config& config, const fam::Failure& failure) {
  using fam::FailureKind;
  if (failure.kind == FailureKind::kRoleCanWrite)
    return "connect as a read-only role (scripts/bootstrap_analytics_ro.sh creates analytics_ro), or start "
           "with "
           "--allow-writable-role if you accept the risk";
  if (failure.kind != FailureKind::kUnreachable && failure.kind != FailureKind::kLost) return "";
  std::string fix;
  if (failure.message.find("no password supplied") != std::string::npos)
    fix = "give the password with --database-password-file (or PGPASSWORD, or ~/.pgpass)";
  else if (failure.message.find("too many connections") != std::string::npos ||
           failure.message.find("connection slots are reserved") != std::string::npos)
    fix =
        "the database has no connection left for this role (its CONNECTION LIMIT, or max_connections, is "
        "reached: other analysts, or other programs of the role); lower --pool-size or close other sessions, "
        "or ask the operator to raise the limit or put PgBouncer in front, then try again";
  else if (!config.ssh_host.empty())
    fix = "check that the SSH host " + config.ssh_host +
          " is reachable (VPN?) and the database behind it is up";
  else
    fix = "check --database-url, the password and that the database is up";
  return fix;
}

std::string remedy(const config::Config& config, const fam::Failure& failure) {
  std::string fix = fix_for(config, failure);
  bool reaching = failure.kind == fam::FailureKind::kUnreachable || failure.kind == fam::FailureKind::kLost;
  return reaching ? fix + "; `fleet-analytics-mcp doctor` with the same options checks each step" : fix;
}

fam::Result<Backend> prepare_backend(const config::Config& config) {
  Backend backend;
  db::Settings settings = database_settings(config);
  if (!config.ssh_host.empty()) {
    auto targets = db::tcp_endpoints(config.database_url);
    if (!targets) return targets.failure();
    backend.tunnel = std::make_unique<LazyTunnel>(tunnel_options(config, *targets));
    LazyTunnel* lazy = backend.tunnel.get();
    settings.route = [lazy] { return lazy->route(); };
    settings.explain_unreachable = [lazy] { return lazy->last_error(); };
    // Who logs in is known for sure only once logged in; the name asked for is the next best thing.
    const char* user = std::getenv("USER");
    std::string ssh_user = !config.ssh_user.empty() ? config.ssh_user : user ? user : "";
    if (config.analyst.empty() && !ssh_user.empty()) settings.application_name += "/" + ssh_user;
  }
  backend.database = std::make_unique<db::Database>(std::move(settings));
  return backend;
}

}  // namespace commands
