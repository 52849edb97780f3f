#include "tools/tool.hpp"

namespace tools {
namespace {

// Only what this role can use; objects that belong to extensions (PostGIS, TimescaleDB) are left
// out, so a schema shows up only for the data in it.
constexpr db::TrustedSql kSql = R"SQL(
WITH objects AS (
  SELECT n.oid, n.nspname,
    count(c.oid) FILTER (WHERE c.relkind IN ('r', 'p')) AS tables,
    count(c.oid) FILTER (WHERE c.relkind = 'v') AS views,
    count(c.oid) FILTER (WHERE c.relkind = 'm') AS materialized_views,
    count(c.oid) FILTER (WHERE c.relkind = 'f') AS foreign_tables,
    (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid
       AND has_function_privilege(p.oid, 'EXECUTE')
       AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                       AND d.objid = p.oid AND d.deptype = 'e')) AS functions
  FROM pg_namespace n
  LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND NOT c.relispartition AND has_table_privilege(c.oid, 'SELECT')
    AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
  WHERE has_schema_privilege(n.oid, 'USAGE')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT LIKE '\_timescaledb%'
  GROUP BY n.oid, n.nspname
)
SELECT json_build_object('schemas', COALESCE(json_agg(json_build_object(
    'schema', nspname, 'comment', obj_description(oid, 'pg_namespace'),
    'tables', tables, 'views', views, 'materialized_views', materialized_views,
    'foreign_tables', foreign_tables, 'functions', functions) ORDER BY nspname), '[]'))
FROM objects
WHERE tables + views + materialized_views + foreign_tables + functions > 0
)SQL";

CallResult run(const nlohmann::json&, Context& context) {
  return run_json_statement(context, db::Statement::trusted(kSql), "no schemas found");
}

}  // namespace

Tool list_schemas_tool() {
  return Tool{
      "list_schemas",
      "List schemas",
      "List the database schemas this connection can read, with a comment and how many "
      "tables, views, materialized views and functions each holds. Start here to find where "
      "data lives (tracksolid: raw telemetry; reporting: curated views and fn_* functions).",
      nlohmann::json::parse(R"({"type": "object", "properties": {}, "additionalProperties": false})"),
      nlohmann::json::parse(
          R"({"type": "object", "properties": {"schemas": {"type": "array"}}, "required": ["schemas"]})"),
      run};
}

}  // namespace tools
