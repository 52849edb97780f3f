// `fleet-analytics-mcp query "SQL"`: the `query` tool, called as the MCP server calls it, printed
// for a terminal.
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "commands/commands.hpp"
#include "commands/format.hpp"
#include "commands/signals.hpp"
#include "commands/startup.hpp"
#include "tools/tools.hpp"

namespace commands {
namespace {

// The rows as text, and the notes for the person at the terminal, which go to stderr so that the
// rows can be piped (the tool's own notices say when and why rows were cut). JSON is the tool's
// result as it is, notices inside: no tree of it is ever built, so it costs no more than the answer.
std::string render(std::string answer, config::Format format) {
  if (format == config::Format::kJson) return answer + "\n";
  nlohmann::json result = nlohmann::json::parse(answer);
  answer = {};  // the tree is the text's only reader from here on
  for (const auto& notice : result.value("notices", nlohmann::json::array())) say(notice.get<std::string>());
  return format == config::Format::kCsv ? format_csv(result) : format_table(result);
}

// A person at a terminal asked for up to --max-rows rows, not for what fits a model's context;
// the bound that remains is on this process's memory.
constexpr std::size_t kTerminalResultChars = 6u << 20;

// `query --output FILE`: export_query into FILE's folder, under FILE's name.
nlohmann::json export_arguments(const config::Config& config) {
  return {{"sql", config.sql},
          {"format", config::format_name(config.format)},
          {"name", std::filesystem::path(config.output).filename().string()}};
}

int exit_code(const fam::Failure& failure) {
  switch (failure.kind) {
    case fam::FailureKind::kUnreachable:
    case fam::FailureKind::kLost:
    case fam::FailureKind::kLeftBehind:
      return failure.message.starts_with("ssh") ? kExitTunnel : kExitDatabase;
    case fam::FailureKind::kRoleCanWrite:
      return kExitWritableRole;
    case fam::FailureKind::kCancelled:
      return fam::kExitInterrupted;
    default:
      return kExitFailed;
  }
}

}  // namespace

int query(const config::Config& config) {
  auto backend = prepare_backend(config);
  if (!backend) {
    say(backend.failure().message);
    return fam::kExitUsage;
  }
  tools::Limits limits = tool_limits(config);
  limits.max_result_chars = kTerminalResultChars;
  const bool to_file = !config.output.empty();
  if (to_file) limits.export_dir = std::filesystem::path(config.output).parent_path().string();
  if (to_file && limits.export_dir.empty()) limits.export_dir = ".";
  tools::Phrasing phrasing{false, [&config](const fam::Failure& failure) { return remedy(config, failure); },
                           "add --output FILE (with --format csv, xlsx, geojson or jsonl) to save every row",
                           /*text_block=*/false};
  tools::Toolbox toolbox(*backend->database, limits, phrasing);
  StopSignals interrupt;  // Ctrl-C cancels the statement on the server, not only this process
  tools::SilentReporter quiet;
  tools::CallResult answer =
      to_file ? toolbox.call("export_query", export_arguments(config), interrupt.token(), quiet)
              : toolbox.call("query", {{"sql", config.sql}, {"max_rows", config.max_rows}}, interrupt.token(),
                             quiet);
  if (interrupt.token().cancelled()) {
    say("interrupted: the query was cancelled on the server");
    return fam::kExitInterrupted;
  }
  if (!answer) {
    say(answer.failure().message);
    return exit_code(answer.failure());
  }
  if (to_file) {
    say(answer->text.substr(0, answer->text.find("\nFirst rows")));
    return 0;
  }
  std::string text = render(std::move(answer->structured), config.format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : kExitFailed;
}

}  // namespace commands
