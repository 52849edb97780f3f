// The MCP server over stdio: JSON-RPC 2.0, one message per line, both protocol eras (2026-07-28's
// per-request _meta and server/discover; the initialize handshake of 2024-11-05 … 2025-11-25).
#pragma once

#include <chrono>
#include <string>

#include "tools/tools.hpp"

namespace mcp {

struct ServerInfo {
  std::string name = "fleet-analytics-mcp";
  std::string title = "Fleet Analytics";
  std::string version;
  std::string instructions;
};

struct Streams {
  int in = 0;
  int out = 1;
  int stop = -1;  // readable when the process is asked to stop (a signal); -1 for never
};

struct Scheduling {
  int workers = 1;  // tool calls that run at once
  // A 2026-07-28 client that takes tasks gets a task instead of an answer for a long-running tool
  // (query, export_query) still running after this long, so that its host need not wait; 0 makes
  // every such call a task at once.
  std::chrono::milliseconds task_after{5000};
};

// At end of input, calls still running get this long to finish and be answered; then they are
// cancelled like on a stop, so that the process exits within a second either way.
constexpr std::chrono::milliseconds kDrainGrace{400};

// Serves requests read from streams.in until end of input or a stop, answering on streams.out. On
// a stop every running call and task is cancelled on the database at once, and gets no answer.
// Returns when no call runs any more.
void serve(tools::ToolSet& tools, const ServerInfo& info, Streams streams, Scheduling scheduling);

}  // namespace mcp
