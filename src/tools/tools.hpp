// The analytics tools the server offers. Adding a tool = one file + one row in registry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "db/db.hpp"
#include "failure.hpp"

namespace tools {

struct Limits {
  long max_rows = 10000;  // the ceiling no call may exceed (--max-rows)
  // What one answer may hold, in characters of JSON: about 10k tokens, under the size at which
  // Claude Code warns, and far under the 25k tokens at which it sets an answer aside. Rows past it
  // are cut, and the answer says so and how to get them (--max-result-chars).
  std::size_t max_result_chars = 40000;
  // A value longer than this is replaced by a note saying how to select less of it, so that one
  // huge cell cannot crowd out every other row.
  std::size_t max_value_chars() const { return max_result_chars / 4; }
  // What a plan may cost before it is refused unrun: the planner's estimate, the rows of its
  // largest join, and the chunks of one hypertable it reads (--max-cost, --max-plan-rows,
  // --max-chunks). Generous: cheap and ordinary analytics never meet them.
  double max_cost = 1e7;
  double max_join_rows = 1e7;
  int max_chunks = 100;
  // export_query: where its files go ("" = the default folder under Downloads), and its bounds.
  std::string export_dir;
  long export_max_rows = 1'000'000;
  std::uint64_t export_max_bytes = std::uint64_t{1} << 30;
};

// The answer to one tools/call.
struct Answer {
  std::string structured;  // the structuredContent object, as JSON text ("": none)
  // The text block, for hosts that show their model only the text: a summary and a compact table
  // of the leading rows, a fifth of `structured` at most. Rendered from `structured` when empty.
  std::string text;
  std::vector<std::string> links;  // further content blocks (resource_link), as JSON text
  std::string meta = {};           // further _meta of the answer, as a JSON object's text ("": none)
  // Where `structured` holds its "rows" array (offset, length), when the tool that wrote it knows:
  // the text block then reads only the rows it shows, and never scans the rest to find their end.
  std::optional<std::pair<std::size_t, std::size_t>> rows_at = {};
};

// The answer, or the failure whose message tells the caller what to change.
using CallResult = fam::Result<Answer>;

// What a running tool can tell its caller before it answers (MCP progress and log notifications).
// Thread-safe; each does nothing when the client did not ask for it.
class Reporter {
 public:
  virtual ~Reporter() = default;
  // `progress` grows with each call; `total` is 0 when unknown.
  virtual void progress(double progress, double total, const std::string& message) = 0;
  // `level` is an MCP (syslog) level: "debug", "info", "notice", "warning", "error".
  virtual void log(std::string_view level, const std::string& message) = 0;
};

// A Reporter for calls nobody listens to (the terminal `query`, tests).
class SilentReporter final : public Reporter {
 public:
  void progress(double, double, const std::string&) override {}
  void log(std::string_view, const std::string&) override {}
};

// What the protocol layer dispatches to; Toolbox is the real one, tests use fakes.
class ToolSet {
 public:
  virtual ~ToolSet() = default;
  // The `tools` array of tools/list, as JSON text.
  virtual const std::string& list_json() const = 0;
  virtual bool has(std::string_view name) const = 0;
  // Runs one call. Thread-safe; returns soon after `cancel` fires.
  virtual CallResult call(std::string_view name, const nlohmann::json& arguments,
                          const db::CancelToken& cancel, Reporter& reporter) = 0;
  // The `resources` array of resources/list (the MCP Apps views some tools answer in), as JSON text.
  virtual std::string resources_json() const { return "[]"; }
  // The `contents` array of resources/read for `uri`, as JSON text; nullopt for a URI that names nothing.
  virtual std::optional<std::string> read_resource(std::string_view /*uri*/) const { return std::nullopt; }
};

// A base map under the map view: an XYZ tile URL template ("https://tile.example.org/{z}/{x}/{y}.png")
// and the attribution its provider asks for. No URL: the view draws on a plain background and
// fetches nothing.
struct MapTiles {
  std::string url;
  std::string attribution;
};

// How answers and failures are worded for whoever reads them.
struct Phrasing {
  // SQL errors end with the tool to call next ("call describe_table to see the columns"): right for
  // a model, wrong for a person at a terminal.
  bool name_tools = true;
  // What the person running the binary can do about a failure the caller cannot fix (the database
  // is unreachable, the role could write): the options and commands that fix it. "" adds nothing.
  std::function<std::string(const fam::Failure&)> remedy;
  // How a cut answer tells its reader to get every row.
  std::string export_advice = "call export_query to save every row to a file";
  // Whether answers carry a text block: an MCP host shows it; a terminal prints the rows itself.
  bool text_block = true;
};

class ChunkCache;
class ViewStore;

class Toolbox final : public ToolSet {
 public:
  Toolbox(db::Executor& database, Limits limits, Phrasing phrasing = {}, MapTiles tiles = {});

  const std::string& list_json() const override { return list_json_; }
  bool has(std::string_view name) const override;
  // Validates `arguments` against the tool's inputSchema, connects if needed, then runs it.
  CallResult call(std::string_view name, const nlohmann::json& arguments, const db::CancelToken& cancel,
                  Reporter& reporter) override;
  std::string resources_json() const override;
  std::optional<std::string> read_resource(std::string_view uri) const override;

 private:
  fam::Failure phrase(fam::Failure failure) const;

  db::Executor& database_;
  Limits limits_;
  Phrasing phrasing_;
  std::string list_json_;
  MapTiles tiles_;
  std::shared_ptr<ChunkCache> chunks_;
  std::shared_ptr<ViewStore> views_;
};

}  // namespace tools
