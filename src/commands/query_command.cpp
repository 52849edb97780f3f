// `fleet-analytics-mcp query "SQL"`: the `query` tool, called as the MCP server calls it, printed
// for a terminal.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/format.hpp"
#include "commands/startup.hpp"
#include "tools/tools.hpp"

namespace commands {
namespace {

std::string render(const nlohmann::json& result, config::Format format) {
  switch (format) {
    case config::Format::kCsv:
      return format_csv(result);
    case config::Format::kJson:
      return result.dump(2) + "\n";
    case config::Format::kTable:
      break;
  }
  return format_table(result);
}

// Notes for the person at the terminal go to stderr, so that the rows can be piped.
void say_notes(const nlohmann::json& result, long max_rows) {
  for (const auto& notice : result.value("notices", nlohmann::json::array())) say(notice.get<std::string>());
  if (result.value("truncated", false))
    say("only the first " + std::to_string(max_rows) +
        " rows are shown; more exist (raise --max-rows, or aggregate in SQL)");
}

}  // namespace

int query(const config::Config& config) {
  Backend backend = open_backend(config);
  if (backend.exit_code != 0) return backend.exit_code;
  tools::Limits limits;
  limits.max_rows = config.max_rows;
  tools::Toolbox toolbox(*backend.database, limits);
  db::CancelToken never;
  tools::CallResult answer =
      toolbox.call("query", {{"sql", config.sql}, {"max_rows", config.max_rows}}, never);
  if (answer.is_error) {
    say(answer.json);
    return kExitFailed;
  }
  nlohmann::json result = nlohmann::json::parse(answer.json);
  std::string text = render(result, config.format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  say_notes(result, config.max_rows);
  return std::fflush(stdout) == 0 ? 0 : kExitFailed;
}

}  // namespace commands
