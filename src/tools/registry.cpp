#include "tools/tool.hpp"

namespace tools {

const std::vector<Tool>& registry() {
  static const std::vector<Tool> tools = {query_tool(),          list_schemas_tool(),   list_tables_tool(),
                                          describe_table_tool(), list_functions_tool(), sample_table_tool()};
  return tools;
}

namespace {

const Tool* find(std::string_view name) {
  for (const Tool& tool : registry())
    if (tool.name == name) return &tool;
  return nullptr;
}

nlohmann::json describe(const Tool& tool) {
  return {{"name", tool.name},
          {"title", tool.title},
          {"description", tool.description},
          {"inputSchema", tool.input_schema},
          {"outputSchema", tool.output_schema},
          // Every tool only reads, gives the same answer for the same data, and touches nothing
          // outside the database.
          {"annotations",
           {{"title", tool.title},
            {"readOnlyHint", true},
            {"destructiveHint", false},
            {"idempotentHint", true},
            {"openWorldHint", false}}}};
}

}  // namespace

Toolbox::Toolbox(db::Database& database, Limits limits) : database_(database), limits_(limits) {
  auto list = nlohmann::json::array();
  for (const Tool& tool : registry()) list.push_back(describe(tool));
  list_json_ = list.dump();
}

bool Toolbox::has(std::string_view name) const {
  return find(name) != nullptr;
}

CallResult Toolbox::call(std::string_view name, const nlohmann::json& arguments,
                         const db::CancelToken& cancel) {
  const Tool* tool = find(name);
  if (!tool) return error_result("unknown tool " + std::string(name));
  if (auto wrong = check_arguments(arguments, tool->input_schema))
    return error_result("invalid arguments for " + std::string(name) + ": " + *wrong);
  Context context{database_, limits_, cancel};
  return tool->run(arguments, context);
}

std::string unknown_schema(const std::string& schema) {
  return "schema '" + schema +
         "' does not exist or this role cannot use it; call list_schemas to see the "
         "schemas you can read";
}

CallResult error_result(std::string message) {
  return CallResult{std::move(message), true};
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
