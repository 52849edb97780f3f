// What the binary can be asked to do. Each returns the process exit code; diagnostics go to stderr
// and, for `serve`, nothing but protocol messages ever reaches stdout.
#pragma once

#include "config.hpp"
#include "exit_codes.hpp"

namespace commands {

// Exit codes other programs (and `doctor`) can tell apart; exit_codes.hpp says what each means.
using fam::kExitDatabase;
using fam::kExitFailed;
using fam::kExitTunnel;
using fam::kExitWritableRole;

// Serves MCP on stdin/stdout until end of input: what Claude runs.
int serve(const config::Config& config);
// Checks each step from the configuration to the role, one line per check on stdout.
int doctor(const config::Config& config);
// Runs config.sql through the same guard and read-only transaction as the `query` tool, printed in
// config.format on stdout.
int query(const config::Config& config);

}  // namespace commands
