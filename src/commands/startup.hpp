// The way every command reaches the database: the SSH tunnel when one is configured, then the
// database itself, then the check that the role can only read.
#pragma once

#include <memory>
#include <string>

#include "config.hpp"
#include "db/db.hpp"
#include "tunnel/tunnel.hpp"

namespace commands {

// One line on stderr: "fleet-analytics-mcp: <line>".
void say(const std::string& line);

db::Settings database_settings(const config::Config& config);
// How to reach `target` (the database as the SSH host sees it) through config's SSH options.
tunnel::Options tunnel_options(const config::Config& config, const db::Endpoint& target);
// Sends the database's connections through `tunnel`, and names the analyst after its SSH user.
void route_through(tunnel::Tunnel& tunnel, const config::Config& config, db::Settings& settings);
// Each way the role could change data, joined by "; "; "" when it can only read.
std::string write_privileges(const db::ServerFacts& facts);

struct Backend {
  std::unique_ptr<tunnel::Tunnel> tunnel;  // first: outlives the database that connects through it
  std::unique_ptr<db::Database> database;
  int exit_code = 0;  // when non-zero, why has been said on stderr and there is no database
};

// Opens the tunnel (if configured), starts the database and refuses a role that could write
// (unless --allow-writable-role).
Backend open_backend(const config::Config& config);

}  // namespace commands
