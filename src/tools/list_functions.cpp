#include "tools/tool.hpp"

namespace tools {
namespace {

constexpr db::TrustedSql kSql = R"SQL(
SELECT CASE WHEN n.oid IS NOT NULL THEN json_build_object('schema', n.nspname, 'functions', COALESCE((
  SELECT json_agg(json_build_object(
      'name', p.proname,
      'arguments', pg_get_function_arguments(p.oid),
      'returns', pg_get_function_result(p.oid),
      'kind', CASE p.prokind WHEN 'f' THEN 'function' WHEN 'a' THEN 'aggregate'
              WHEN 'w' THEN 'window' WHEN 'p' THEN 'procedure' END,
      'volatility', CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
      'comment', obj_description(p.oid, 'pg_proc'))
    ORDER BY p.proname, pg_get_function_identity_arguments(p.oid))
  FROM pg_proc p
  WHERE p.pronamespace = n.oid AND has_function_privilege(p.oid, 'EXECUTE')
    AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                    AND d.objid = p.oid AND d.deptype = 'e')), '[]')) END
FROM (VALUES (1)) AS one (x)
LEFT JOIN pg_namespace n ON n.nspname = $1 AND has_schema_privilege(n.oid, 'USAGE')
)SQL";

CallResult run(const nlohmann::json& arguments, Context& context) {
  std::string schema = arguments.value("schema", "reporting");
  return run_json_statement(context, db::Statement::trusted(kSql, {schema}), unknown_schema(schema));
}

}  // namespace

Tool list_functions_tool() {
  return Tool{
      "list_functions",
      "List functions in a schema",
      "List the functions of a schema (default: reporting, where the curated reporting.fn_* "
      "functions live) that this connection may call: name, arguments with defaults, return "
      "type, kind, volatility and comment. Call them from `query`, e.g. "
      "SELECT * FROM reporting.fn_x(...).",
      nlohmann::json::parse(R"({
                "type": "object",
                "properties": {"schema": {"type": "string", "default": "reporting",
                                          "description": "Schema name."}},
                "additionalProperties": false
              })"),
      nlohmann::json::parse(
          R"({"type": "object", "properties": {"schema": {"type": "string"}, "functions": {"type": "array"}}, "required": ["schema", "functions"]})"),
      run};
}

}  // namespace tools
