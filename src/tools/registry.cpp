#include "tools/plan.hpp"
#include "tools/tool.hpp"
#include "tools/views.hpp"

namespace tools {

const std::vector<Tool>& registry() {
  static const std::vector<Tool> tools = {query_tool(),          list_schemas_tool(),   list_tables_tool(),
                                          describe_table_tool(), list_functions_tool(), sample_table_tool(),
                                          explain_tool(),        export_query_tool(),   show_map_tool(),
                                          show_chart_tool(),     view_data_tool()};
  return tools;
}

namespace {

// What to call next, for the SQL errors a model most often makes.
std::string_view next_tool(std::string_view sqlstate) {
  if (sqlstate == "42P01") return "call list_tables to see the relations that exist";
  if (sqlstate == "42703") return "call describe_table to see the columns";
  if (sqlstate == "42883") return "call list_functions, or add casts to match a signature";
  if (sqlstate == "3F000") return "call list_schemas to see the schemas this role can read";
  if (sqlstate == "42501") return "this role cannot read that object; use the ones list_tables shows";
  if (sqlstate == "25006") return "this server is read-only; only queries are allowed";
  if (sqlstate == "55P03") return "a lock is held by another session (often a migration); retry later";
  if (sqlstate == "53200" || sqlstate == "54000") return "the query needs too much memory; aggregate more";
  if (sqlstate.starts_with("57P"))
    return "the database ended this session (an administrator, or a restart); call again, on a new "
           "connection";
  return {};
}

const Tool* find(std::string_view name) {
  for (const Tool& tool : registry())
    if (tool.name == name) return &tool;
  return nullptr;
}

nlohmann::json describe(const Tool& tool) {
  nlohmann::json described = {{"name", tool.name},
                              {"title", tool.title},
                              {"description", tool.description},
                              {"inputSchema", tool.input_schema},
                              {"outputSchema", tool.output_schema},
                              // Every tool only reads the database and never destroys anything; all but
                              // export_query also leave the machine as it was, and give the same answer for
                              // the same data (an export writes a new file each time).
                              {"annotations",
                               {{"readOnlyHint", !tool.writes_files},
                                {"destructiveHint", false},
                                {"idempotentHint", !tool.writes_files},
                                {"openWorldHint", false}}}};
  if (!tool.output_schema.is_null()) described["outputSchema"] = tool.output_schema;
  if (tool.may_run_long) described["execution"] = {{"taskSupport", "optional"}};
  // MCP Apps: the view that shows the answers (also under the older flat key some hosts still
  // read), or, for a tool of the views themselves, that only they may call it.
  if (!tool.view.empty())
    described["_meta"] = {{"ui", {{"resourceUri", tool.view}}}, {"ui/resourceUri", tool.view}};
  if (tool.app_only) described["_meta"] = {{"ui", {{"visibility", {"app"}}}}};
  return described;
}

}  // namespace

Toolbox::Toolbox(db::Executor& database, Limits limits, Phrasing phrasing, MapTiles tiles)
    : database_(database),
      limits_(std::move(limits)),
      phrasing_(std::move(phrasing)),
      tiles_(std::move(tiles)),
      chunks_(std::make_shared<ChunkCache>()),
      views_(std::make_shared<ViewStore>()) {
  auto list = nlohmann::json::array();
  for (const Tool& tool : registry()) list.push_back(describe(tool));
  list_json_ = list.dump();
}

bool Toolbox::has(std::string_view name) const {
  return find(name) != nullptr;
}

CallResult Toolbox::call(std::string_view name, const nlohmann::json& arguments,
                         const db::CancelToken& cancel, Reporter& reporter) {
  const Tool* tool = find(name);
  if (!tool) return invalid("unknown tool " + std::string(name) + " (see tools/list)");
  if (auto wrong = check_arguments(arguments, tool->input_schema))
    return invalid("invalid arguments for " + std::string(name) + ": " + *wrong);
  if (auto failure = database_.connect(cancel)) {
    fam::Failure phrased = phrase(std::move(*failure));
    reporter.log("error", phrased.message);  // for a client that shows the server's log
    return phrased;
  }
  Context context{database_, limits_, phrasing_, cancel, reporter, *chunks_, *views_};
  CallResult result = tool->run(arguments, context);
  if (!result) return phrase(result.failure());
  if (result->text.empty() && phrasing_.text_block) {
    std::optional<std::string_view> rows;
    if (result->rows_at)
      rows = std::string_view(result->structured).substr(result->rows_at->first, result->rows_at->second);
    result->text = render_text(result->structured, rows);
  }
  return result;
}

fam::Failure Toolbox::phrase(fam::Failure failure) const {
  if (failure.kind == fam::FailureKind::kSql) {
    failure.message = "the query failed: " + failure.message;
    if (auto next = phrasing_.name_tools ? next_tool(failure.sqlstate) : ""; !next.empty())
      failure.message += ". Next: " + std::string(next);
  }
  if (failure.kind == fam::FailureKind::kRoleCanWrite)
    failure.message = "refusing to serve: " + failure.message;
  if (std::string remedy = phrasing_.remedy ? phrasing_.remedy(failure) : ""; !remedy.empty())
    failure.message += "; " + remedy;
  return failure;
}

std::string unknown_schema(const std::string& schema) {
  return "schema '" + schema +
         "' does not exist or this role cannot use it; call list_schemas to see the "
         "schemas you can read";
}

fam::Failure invalid(std::string message) {
  return fam::Failure{fam::FailureKind::kInvalid, std::move(message), ""};
}

std::string count_of(std::size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace tools
