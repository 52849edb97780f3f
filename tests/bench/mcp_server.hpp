// fleet-analytics-mcp as a child process, spoken to in MCP (revision 2026-07-28) over its stdio.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"

namespace bench {

struct ServerOptions {
  std::string binary;
  std::string database_url;
  std::string password_file;
  int pool_size = 0;                    // 0: the server's default
  std::vector<std::string> extra_args;  // appended as they are, e.g. the --ssh-* options
};

// A tools/call, serialised once: only the id changes between calls.
class ToolRequest {
 public:
  ToolRequest(std::string_view tool, std::string_view arguments_json);
  // The request line, newline included.
  std::string line(long id) const;

 private:
  std::string tail_;  // everything after the id
};

// A tools/call of `query`.
class QueryRequest : public ToolRequest {
 public:
  QueryRequest(std::string_view sql, long max_rows);
};

class McpServer {
 public:
  explicit McpServer(const ServerOptions& options);

  // Sends `request` under a fresh id, and returns the id.
  long send(const ToolRequest& request);
  // The next response; throws, quoting the server's stderr, if none arrives within `limit`.
  Line next_response(std::chrono::seconds limit);
  // send() then next_response().
  Line call(const ToolRequest& request, std::chrono::seconds limit);
  long peak_rss_kib() const { return process_.peak_rss_kib(); }
  pid_t pid() const { return process_.pid(); }
  // When its first stderr line (the "serving as role …" notice, once connected) began to arrive.
  std::optional<Clock::time_point> first_notice() const { return process_.first_stderr_byte(); }
  // Closes its input and waits (bounded) for it to exit.
  ExitReport stop();

 private:
  ChildProcess process_;
  long next_id_ = 1;
};

// Throws unless `response` is a successful tools/call result. Cheap enough for every response.
void expect_success(std::string_view response);
// row_count of a query result (parses the whole response: keep it out of timed sections).
long row_count_of(std::string_view response);

}  // namespace bench
