#include "mcp_server.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace bench {
namespace {

using nlohmann::json;

constexpr auto kSendLimit = std::chrono::seconds(30);
constexpr auto kExitLimit = std::chrono::seconds(30);

std::vector<std::string> command_line(const ServerOptions& options) {
  // The wide result of (2) is 10,000 rows: measured whole, as the yardstick reads it, not cut to
  // the answer budget a model gets by default.
  std::vector<std::string> argv{options.binary,
                                "--database-url",
                                options.database_url,
                                "--database-password-file",
                                options.password_file,
                                "--max-result-chars",
                                "10000000"};
  if (options.pool_size > 0) argv.insert(argv.end(), {"--pool-size", std::to_string(options.pool_size)});
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  return argv;
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kShown = 300;
  return std::string(text.substr(0, kShown)) + (text.size() > kShown ? "…" : "");
}

}  // namespace

ToolRequest::ToolRequest(std::string_view tool, std::string_view arguments_json) {
  json params = {{"name", tool},
                 {"arguments", json::parse(arguments_json)},
                 {"_meta",
                  {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                   {"io.modelcontextprotocol/clientCapabilities", json::object()}}}};
  tail_ = R"(,"method":"tools/call","params":)" + params.dump() + "}\n";
}

QueryRequest::QueryRequest(std::string_view sql, long max_rows)
    : ToolRequest("query", json{{"sql", sql}, {"max_rows", max_rows}}.dump()) {}

std::string ToolRequest::line(long id) const {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + tail_;
}

McpServer::McpServer(const ServerOptions& options) : process_(command_line(options)) {}

long McpServer::send(const ToolRequest& request) {
  const long id = next_id_++;
  if (!process_.send(request.line(id), Clock::now() + kSendLimit))
    throw std::runtime_error("the server stopped reading its input; its stderr said: " +
                             excerpt(process_.stderr_text()));
  return id;
}

Line McpServer::next_response(std::chrono::seconds limit) {
  if (auto line = process_.read_line(Clock::now() + limit)) return *line;
  std::string what = process_.output_closed()
                         ? "the server closed its output without answering"
                         : "the server gave no response within " + std::to_string(limit.count()) + " s";
  throw std::runtime_error(what + "; its stderr said: " + excerpt(process_.stderr_text()));
}

Line McpServer::call(const ToolRequest& request, std::chrono::seconds limit) {
  send(request);
  return next_response(limit);
}

ExitReport McpServer::stop() {
  process_.close_input();
  return process_.wait_exit(Clock::now() + kExitLimit);
}

void expect_success(std::string_view response) {
  // A real result carries this key unescaped; inside row data it would be escaped.
  if (response.rfind(R"("isError":false)") == std::string_view::npos)
    throw std::runtime_error("the server answered with an error: " + excerpt(response));
}

long row_count_of(std::string_view response) {
  json message = json::parse(response);
  return message.at("result").at("structuredContent").at("row_count").get<long>();
}

}  // namespace bench
