#include "tools/tool.hpp"

namespace tools {
namespace {

constexpr long kDefaultRows = 20;

nlohmann::json input_schema() {
  auto schema = nlohmann::json::parse(R"({
    "type": "object",
    "properties": {
      "schema": {"type": "string", "description": "Schema name, e.g. tracksolid."},
      "table": {"type": "string", "description": "Table or view name, e.g. positions."},
      "n": {"type": "integer", "minimum": 1, "description": "Rows to return."}
    },
    "required": ["schema", "table"],
    "additionalProperties": false
  })");
  schema["properties"]["n"]["default"] = kDefaultRows;
  return schema;
}

CallResult run(const nlohmann::json& arguments, Context& context) {
  const long rows = std::min(arguments.value("n", kDefaultRows), context.limits.max_rows);
  // LIMIT lets the planner stop early: first rows of a hypertable of billions cost a chunk read.
  std::string sql = "SELECT * FROM " + quote_identifier(arguments["schema"].get<std::string>()) + "." +
                    quote_identifier(arguments["table"].get<std::string>()) + " LIMIT " +
                    std::to_string(rows);
  return run_rows(context, sql, rows, {});
}

}  // namespace

Tool sample_table_tool() {
  return Tool{"sample_table",
              "Sample rows of a table",
              "The first n rows (default 20) of a table or view, to see what its values look like before "
              "writing a query. Cheap on any table. Answers as query does.",
              input_schema(),
              query_tool().output_schema,
              run};
}

}  // namespace tools
