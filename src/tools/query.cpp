#include "guard/guard.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

constexpr long kDefaultRows = 1000;

nlohmann::json input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"sql",
             {{"type", "string"}, {"maxLength", guard::kMaxSqlBytes}, {"description", "One read-only SQL statement."}}},
            {"max_rows",
             {{"type", "integer"},
              {"minimum", 1},
              {"default", kDefaultRows},
              {"description", "Most rows to return (capped by the server's ceiling)."}}}}},
          {"required", {"sql"}},
          {"additionalProperties", false}};
}

CallResult run(const nlohmann::json& arguments, Context& context) {
  long max_rows = arguments.value("max_rows", kDefaultRows);
  std::vector<std::string> notices;
  if (max_rows > context.limits.max_rows) {
    notices.push_back("max_rows " + std::to_string(max_rows) + " is above this server's ceiling; used " +
                      std::to_string(context.limits.max_rows));
    max_rows = context.limits.max_rows;
  }
  return run_rows(context, arguments["sql"].get_ref<const std::string&>(), max_rows, std::move(notices));
}

}  // namespace

Tool query_tool() {
  return Tool{"query",
              "Run a read-only SQL query",
              "Run one read-only PostgreSQL query (SELECT, WITH … SELECT, VALUES, TABLE, or EXPLAIN without "
              "ANALYZE) against the fleet telematics database and get its rows. Raw telemetry is in schema "
              "tracksolid (devices, GPS positions, alarms); curated views, materialized views and "
              "reporting.fn_* functions are in schema reporting. PostGIS is available (geometries come back "
              "as GeoJSON); timestamptz values are UTC ISO-8601. Send one statement per call; writes, "
              "session changes and functions that act outside the query are refused. Prefer aggregating "
              "in SQL over fetching many rows: at most max_rows rows come back, and `truncated` says when "
              "more existed. Use list_tables and describe_table first when unsure of names.",
              input_schema(),
              nlohmann::json::parse(R"({
        "type": "object",
        "properties": {
          "columns": {"type": "array", "items": {"type": "object",
            "properties": {"name": {"type": "string"}, "type": {"type": "string"}},
            "required": ["name", "type"]}},
          "rows": {"type": "array", "items": {"type": "array"},
                   "description": "Each row is an array aligned with columns."},
          "row_count": {"type": "integer"},
          "truncated": {"type": "boolean", "description": "True when more rows existed than were returned."},
          "notices": {"type": "array", "items": {"type": "string"}}
        },
        "required": ["columns", "rows", "row_count", "truncated"]
      })"),
              run};
}

}  // namespace tools
