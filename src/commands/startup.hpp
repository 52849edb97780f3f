// The way every command reaches the database: the SSH tunnel when one is configured, then the
// database itself, connected lazily so that the server starts even when either is down.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "db/db.hpp"
#include "tools/tools.hpp"
#include "tunnel/tunnel.hpp"

namespace commands {

// One line on stderr: "fleet-analytics-mcp: <line>".
void say(const std::string& line);

db::Settings database_settings(const config::Config& config);
// The tools' limits: rows, the answer budget, and where exports go.
tools::Limits tool_limits(const config::Config& config);
// How to reach `targets` (the database hosts as the SSH host sees them, in the URL's order) through
// config's SSH options.
tunnel::Options tunnel_options(const config::Config& config, const std::vector<db::Endpoint>& targets);
// libpq's `host` and `port` lists for a tunnel opened with `targets` targets, in their order: those
// the tunnel serves (all of them when it serves none, so that libpq's error names every host).
db::Route local_route(const tunnel::Tunnel& tunnel, std::size_t targets);
// Sends the database's connections through `tunnel` (opened with `targets` targets), and names the
// analyst after its SSH user.
void route_through(tunnel::Tunnel& tunnel, std::size_t targets, const config::Config& config,
                   db::Settings& settings);
// What the person running the binary can do about `failure`, in this binary's options ("" when the
// caller fixes it by changing its SQL or arguments).
std::string fix_for(const config::Config& config, const fam::Failure& failure);
// The same, and for a failure to reach the database, that `doctor` checks each step.
std::string remedy(const config::Config& config, const fam::Failure& failure);

class LazyTunnel;

struct Backend {
  std::unique_ptr<LazyTunnel> tunnel;  // first: outlives the database that connects through it
  std::unique_ptr<db::Database> database;

  Backend();
  Backend(Backend&&) noexcept;
  Backend& operator=(Backend&&) noexcept;
  ~Backend();
};

// The tunnel (if configured) and the database, neither connected yet: each connects on the first
// call that needs it, and again after an outage. A failure: the options cannot work at all (a URL
// that names no TCP host to tunnel to).
fam::Result<Backend> prepare_backend(const config::Config& config);

}  // namespace commands
