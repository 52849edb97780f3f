// What every tool is made of. Private to tools/.
#pragma once

#include <nlohmann/json.hpp>

#include "guard/guard.hpp"
#include "tools/tools.hpp"

namespace tools {

class ChunkCache;
class ViewStore;

struct Context {
  db::Executor& database;  // connected: facts() and catalog() can be read
  const Limits& limits;
  const Phrasing& phrasing;
  const db::CancelToken& cancel;
  Reporter& reporter;
  ChunkCache& chunks;  // the hypertables' chunk counts, for the cost guard
  ViewStore& views;    // the data of the map and chart views
};

struct Tool {
  std::string_view name;
  std::string_view title;
  std::string_view description;  // written for a model: when to use it, what comes back
  nlohmann::json input_schema;
  nlohmann::json output_schema;
  CallResult (*run)(const nlohmann::json& arguments, Context& context);
  bool writes_files = false;  // it still never changes the database, but it does change the machine
  // It may run for as long as the statement timeout allows (or longer, fetching in segments), so a
  // client may run it as an MCP task (execution.taskSupport "optional").
  bool may_run_long = false;
  // The MCP Apps view (a ui:// resource) that shows its answers, or "".
  std::string_view view = {};
  // Called by views only (visibility "app"): hosts keep it from the model.
  bool app_only = false;
};

// The tools, in the order tools/list shows them (deterministic, for clients' caches).
const std::vector<Tool>& registry();

// One row per tool, each defined in its own file.
Tool query_tool();
Tool list_schemas_tool();
Tool list_tables_tool();
Tool describe_table_tool();
Tool list_functions_tool();
Tool sample_table_tool();
Tool export_query_tool();
Tool explain_tool();
Tool show_map_tool();
Tool show_chart_tool();
Tool view_data_tool();

// Shared helpers.
// A failure the caller fixes by changing the arguments (a name that does not exist, a bad value).
fam::Failure invalid(std::string message);
// nullopt when `arguments` satisfy `schema` (object/string/integer/boolean, required, minimum,
// maxLength, additionalProperties:false); otherwise what is wrong, for the model to fix.
std::optional<std::string> check_arguments(const nlohmann::json& arguments, const nlohmann::json& schema);
// Runs catalog SQL whose single cell is a JSON object; no row or NULL means "not found" -> `not_found`.
// An answer over the budget loses the tail of its longest list, and says so.
CallResult run_json_statement(Context& context, const db::Statement& statement, std::string not_found);
// Runs one guarded user statement within `budget`, planned first and refused unrun when too heavy
// (queries only), with progress while it runs; its table is the last of the outcome's.
db::Outcome run_guarded(Context& context, const guard::GuardedSql& sql, db::RowBudget budget);
// Runs one guarded user statement and answers {columns, rows, row_count, truncated, …} within the
// budget; `max_rows` unset means as many rows as fit.
CallResult run_rows(Context& context, std::string_view sql, std::optional<long> max_rows,
                    std::vector<std::string> notices);
// The text block for hosts that show their model only text (see Answer::text); `rows`, when
// given, is the text of structured's "rows" array (Answer::rows_at).
std::string render_text(std::string_view structured, std::optional<std::string_view> rows = std::nullopt);
std::string quote_identifier(std::string_view name);
// "1 row", "3 rows".
std::string count_of(std::size_t n, std::string_view noun);
// What to say when a schema does not exist or cannot be used, and what to do instead.
std::string unknown_schema(const std::string& schema);

}  // namespace tools
