#include "tools/time_span.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

// Row estimates come from the planner's statistics; a partitioned table or hypertable has none of
// its own, so its children's are summed. NULL means never analysed. $3 maps hypertable names to their
// time_span (tools/time_span.hpp); other tables get none.
constexpr db::TrustedSql kSql = R"SQL(
SELECT CASE WHEN n.oid IS NOT NULL THEN json_build_object('schema', n.nspname, 'tables', COALESCE((
  SELECT json_agg(jsonb_build_object(
      'name', c.relname,
      'kind', CASE WHEN c.relname = ANY (COALESCE($2::text[], '{}')) THEN 'hypertable'
                   ELSE CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table'
                        WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'f' THEN 'foreign table' END END,
      'comment', obj_description(c.oid, 'pg_class'),
      'row_estimate', CASE WHEN c.relkind = 'v' THEN NULL
                      ELSE COALESCE(kids.estimate, NULLIF(c.reltuples, -1))::bigint END)
    || jsonb_strip_nulls(jsonb_build_object('time_span', $3::jsonb -> c.relname))
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

// The single cell of `sql` for `schema`, or `fallback` when it is NULL or the lookup fails.
std::string cell_or(Context& context, db::TrustedSql sql, const std::string& schema, std::string fallback) {
  const db::Statement statement = db::Statement::trusted(sql, {schema});
  db::Outcome outcome = context.database.run({&statement, 1}, context.cancel);
  if (outcome && outcome->tables.front().row_count() > 0 && outcome->tables.front().value(0, 0))
    return std::string(*outcome->tables.front().value(0, 0));
  return fallback;
}

CallResult run(const nlohmann::json& arguments, Context& context) {
  std::string schema = arguments["schema"].get<std::string>();
  std::string hypertable_names = "{}";
  std::string time_spans = "{}";
  if (context.database.facts().has_timescaledb) {
    // Asked separately so that a TimescaleDB catalog that differs from the documented one only
    // loses the "hypertable" label, or only the time spans.
    hypertable_names = cell_or(context, kHypertables, schema, "{}");
    time_spans = cell_or(context, kTimeSpansSql, schema, "{}");
  }
  return run_json_statement(context, db::Statement::trusted(kSql, {schema, hypertable_names, time_spans}),
                            unknown_schema(schema));
}

}  // namespace

Tool list_tables_tool() {
  return Tool{
      "list_tables",
      "List tables and views in a schema",
      "List the tables, partitioned tables, hypertables, views, materialized views and foreign "
      "tables of one schema that this connection can read, with each one's comment, an "
      "estimated row count (from statistics; null if never analysed) and a hypertable's time span.",
      nlohmann::json::parse(R"({
                "type": "object",
                "properties": {"schema": {"type": "string", "description": "Schema name, e.g. reporting."}},
                "required": ["schema"],
                "additionalProperties": false
              })"),
      nlohmann::json::parse(
          R"({"type": "object", "properties": {"schema": {"type": "string"}, "tables": {"type": "array"}}, "required": ["schema", "tables"]})"),
      run};
}

}  // namespace tools
