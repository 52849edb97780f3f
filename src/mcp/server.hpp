// The MCP server over stdio: JSON-RPC 2.0, one message per line, both protocol eras (2026-07-28's
// per-request _meta and server/discover; the initialize handshake of 2024-11-05 … 2025-11-25).
#pragma once

#include <string>

#include "tools/tools.hpp"

namespace mcp {

struct ServerInfo {
  std::string name = "fleet-analytics-mcp";
  std::string title = "Fleet Analytics";
  std::string version;
  std::string instructions;
};

// Serves requests read from `in_fd` until end of input, answering on `out_fd`; tool calls run on
// `workers` threads at once. Calls still running at end of input are finished and answered.
// Returns the process exit code.
int serve(tools::Toolbox& toolbox, const ServerInfo& info, int in_fd, int out_fd, int workers);

}  // namespace mcp
