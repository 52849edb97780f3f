#include "tools/tool.hpp"

namespace tools {
namespace {

// Row estimates come from the planner's statistics; a partitioned table or hypertable has none of
// its own, so its children's are summed. NULL means never analysed.
constexpr db::TrustedSql kSql = R"SQL(
SELECT CASE WHEN n.oid IS NOT NULL THEN json_build_object('schema', n.nspname, 'tables', COALESCE((
  SELECT json_agg(json_build_object(
      'name', c.relname,
      'kind', CASE WHEN c.relname = ANY (COALESCE($2::text[], '{}')) THEN 'hypertable'
                   ELSE CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table'
                        WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'f' THEN 'foreign table' END END,
      'comment', obj_description(c.oid, 'pg_class'),
      'row_estimate', CASE WHEN c.relkind = 'v' THEN NULL
                      ELSE COALESCE(kids.estimate, NULLIF(c.reltuples, -1))::bigint END)
    ORDER BY c.relname)
  FROM pg_class c
  LEFT JOIN LATERAL (SELECT sum(GREATEST(k.reltuples, 0)) AS estimate FROM pg_inherits i
                     JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid) kids ON true
  WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
    AND has_table_privilege(c.oid, 'SELECT')), '[]')) END
FROM (VALUES (1)) AS one (x)
LEFT JOIN pg_namespace n ON n.nspname = $1 AND has_schema_privilege(n.oid, 'USAGE')
)SQL";

constexpr db::TrustedSql kHypertables =
    "SELECT array_agg(hypertable_name::text) FROM timescaledb_information.hypertables"
    " WHERE hypertable_schema = $1";

CallResult run(const nlohmann::json& arguments, Context& context) {
  std::string schema = arguments["schema"].get<std::string>();
  std::string hypertable_names = "{}";
  if (context.database.facts().has_timescaledb) {
    // Asked separately so that a TimescaleDB catalog that differs from the documented one only
    // loses the "hypertable" label.
    const db::Statement hypertables = db::Statement::trusted(kHypertables, {schema});
    db::Outcome outcome = context.database.run({&hypertables, 1}, context.cancel);
    if (outcome && outcome->tables.front().row_count() > 0 && outcome->tables.front().value(0, 0))
      hypertable_names = std::string(*outcome->tables.front().value(0, 0));
  }
  return run_json_statement(context, db::Statement::trusted(kSql, {schema, hypertable_names}),
                            unknown_schema(schema));
}

}  // namespace

Tool list_tables_tool() {
  return Tool{"list_tables",
              "List tables and views in a schema",
              "List the tables, partitioned tables, hypertables, views, materialized views and foreign "
              "tables of one schema that this connection can read, with each one's comment and an "
              "estimated row count (from statistics; null if never analysed).",
              nlohmann::json::parse(R"({
                "type": "object",
                "properties": {"schema": {"type": "string", "description": "Schema name, e.g. reporting."}},
                "required": ["schema"],
                "additionalProperties": false
              })"),
              nlohmann::json::parse(R"({
                "type": "object",
                "properties": {
                  "schema": {"type": "string"},
                  "tables": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "kind": {"type": "string"},
                    "comment": {"type": ["string", "null"]}, "row_estimate": {"type": ["integer", "null"]}}}}
                },
                "required": ["schema", "tables"]
              })"),
              run};
}

}  // namespace tools
