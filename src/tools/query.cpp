#include "guard/guard.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

nlohmann::json input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"sql",
             {{"type", "string"},
              {"maxLength", guard::kMaxSqlBytes},
              {"description", "One read-only SQL statement."}}},
            {"max_rows",
             {{"type", "integer"},
              {"minimum", 1},
              {"description", "Most rows to return; by default as many as fit the answer."}}}}},
          {"required", {"sql"}},
          {"additionalProperties", false}};
}

CallResult run(const nlohmann::json& arguments, Context& context) {
  std::optional<long> max_rows;
  std::vector<std::string> notices;
  if (arguments.contains("max_rows")) max_rows = arguments["max_rows"].get<long>();
  if (max_rows > context.limits.max_rows) {
    notices.push_back("max_rows " + std::to_string(*max_rows) + " is above this server's ceiling; used " +
                      std::to_string(context.limits.max_rows));
    max_rows = context.limits.max_rows;
  }
  return run_rows(context, arguments["sql"].get_ref<const std::string&>(), max_rows, std::move(notices));
}

}  // namespace

Tool query_tool() {
  return Tool{
      "query",
      "Run a read-only SQL query",
      "Run one read-only PostgreSQL query (SELECT, WITH, VALUES, TABLE, EXPLAIN) on the fleet "
      "database: tracksolid has raw devices, GPS positions, alarms; reporting has curated views and "
      "fn_* functions. Geometries come as GeoJSON, times as UTC ISO-8601. Aggregate in SQL: an answer "
      "holds about 10k tokens and says when rows were cut. For a whole large result, use export_query.",
      input_schema(),
      nlohmann::json::parse(
          R"({"type": "object", "properties": {"columns": {"type": "array"}, "rows": {"type": "array"}, "row_count": {"type": "integer"}, "truncated": {"type": "boolean"}, "notices": {"type": "array"}}, "required": ["columns", "rows", "row_count", "truncated"]})"),
      run,
      /*writes_files=*/false,
      /*may_run_long=*/true};
}

}  // namespace tools
