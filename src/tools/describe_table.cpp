#include "tools/time_span.hpp"
#include "tools/tool.hpp"

namespace tools {
namespace {

constexpr db::TrustedSql kSql = R"SQL(
WITH rel AS (
  SELECT c.oid, c.relkind, c.reltuples, n.nspname, c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND has_table_privilege(c.oid, 'SELECT')
)
SELECT json_strip_nulls(json_build_object(
  'schema', r.nspname, 'table', r.relname,
  'kind', CASE r.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
          WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END,
  'comment', obj_description(r.oid, 'pg_class'),
  'row_estimate', CASE WHEN r.relkind <> 'v' THEN NULLIF(r.reltuples, -1)::bigint END,
  'columns', (SELECT json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'nullable', NOT a.attnotnull,
      'default', pg_get_expr(d.adbin, d.adrelid), 'comment', col_description(r.oid, a.attnum))
      ORDER BY a.attnum)
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped),
  'primary_key', (SELECT json_agg(a.attname ORDER BY k.ord)
    FROM pg_constraint con, unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum
    WHERE con.conrelid = r.oid AND con.contype = 'p'),
  'foreign_keys', (SELECT json_agg(json_build_object(
      'name', con.conname,
      'columns', (SELECT json_agg(a.attname ORDER BY k.ord)
                  FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
      'references', con.confrelid::regclass::text,
      'referenced_columns', (SELECT json_agg(a.attname ORDER BY k.ord)
                  FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum))
      ORDER BY con.conname)
    FROM pg_constraint con WHERE con.conrelid = r.oid AND con.contype = 'f'),
  'constraints', (SELECT json_agg(json_build_object(
      'name', con.conname,
      'type', CASE con.contype WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' ELSE 'exclusion' END,
      'definition', pg_get_constraintdef(con.oid)) ORDER BY con.conname)
    FROM pg_constraint con WHERE con.conrelid = r.oid AND con.contype IN ('u', 'c', 'x')),
  'indexes', (SELECT json_agg(json_build_object(
      'name', ic.relname, 'unique', i.indisunique, 'primary', i.indisprimary,
      'definition', pg_get_indexdef(i.indexrelid)) ORDER BY ic.relname)
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = r.oid),
  'view_definition', CASE WHEN r.relkind IN ('v', 'm') THEN pg_get_viewdef(r.oid, true) END))
FROM rel r
)SQL";

// From TimescaleDB's documented catalog (timescaledb_information.*). Asked separately, and only
// when it exists, so that without the extension (or with a catalog that differs) the rest stands.
constexpr db::TrustedSql kTimescaleSql = R"SQL(
SELECT json_strip_nulls(json_build_object(
  'hypertable', (SELECT json_build_object(
      'chunks', h.num_chunks, 'compression_enabled', h.compression_enabled,
      'dimensions', (SELECT json_agg(json_build_object(
          'column', d.column_name, 'kind', d.dimension_type, 'chunk_interval', d.time_interval::text,
          'integer_interval', d.integer_interval, 'partitions', d.num_partitions)
          ORDER BY d.dimension_number)
        FROM timescaledb_information.dimensions d
        WHERE d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name),
      'compression_settings', (SELECT json_agg(json_build_object(
          'column', s.attname, 'segment_by', s.segmentby_column_index,
          'order_by', s.orderby_column_index, 'ascending', s.orderby_asc))
        FROM timescaledb_information.compression_settings s
        WHERE s.hypertable_schema = h.hypertable_schema AND s.hypertable_name = h.hypertable_name))
    FROM timescaledb_information.hypertables h
    WHERE h.hypertable_schema = $1 AND h.hypertable_name = $2),
  'continuous_aggregate', (SELECT json_build_object(
      'source_hypertable', quote_ident(a.hypertable_schema) || '.' || quote_ident(a.hypertable_name),
      'materialized_only', a.materialized_only, 'compression_enabled', a.compression_enabled,
      'definition', a.view_definition)
    FROM timescaledb_information.continuous_aggregates a
    WHERE a.view_schema = $1 AND a.view_name = $2)))
)SQL";

CallResult run(const nlohmann::json& arguments, Context& context) {
  std::string schema = arguments["schema"].get<std::string>();
  std::string table = arguments["table"].get<std::string>();
  CallResult result = run_json_statement(context, db::Statement::trusted(kSql, {schema, table}),
                                         "no table or view " + schema + "." + table +
                                             " that this role can read; call list_tables with "
                                             "schema '" +
                                             schema + "' to see the names");
  if (!result || !context.database.facts().has_timescaledb) return result;
  auto described = nlohmann::json::parse(result->structured);
  CallResult timescale =
      run_json_statement(context, db::Statement::trusted(kTimescaleSql, {schema, table}), "");
  if (timescale) described.update(nlohmann::json::parse(timescale->structured));
  // Asked on its own too, so that a failed lookup loses only the time span.
  CallResult spans = run_json_statement(context, db::Statement::trusted(kTimeSpansSql, {schema}), "");
  if (spans) {
    auto by_table = nlohmann::json::parse(spans->structured);
    if (by_table.contains(table)) described["time_span"] = by_table[table];
  }
  return Answer{described.dump(), "", {}};
}

}  // namespace

Tool describe_table_tool() {
  return Tool{
      "describe_table",
      "Describe a table or view",
      "Describe one table or view: its columns with their exact types (e.g. geometry(Point,4326), "
      "timestamp with time zone), nullability, defaults and comments; primary key; foreign keys with "
      "the tables they reference; other constraints; indexes; a view's definition; and, where "
      "TimescaleDB is installed, the hypertable's time dimension, time span, chunk interval and "
      "compression, or the hypertable behind a continuous aggregate. Use it before writing a query "
      "on a table.",
      nlohmann::json::parse(R"({
        "type": "object",
        "properties": {
          "schema": {"type": "string", "description": "Schema name, e.g. tracksolid."},
          "table": {"type": "string", "description": "Table or view name, e.g. positions."}
        },
        "required": ["schema", "table"],
        "additionalProperties": false
      })"),
      nlohmann::json::parse(
          R"({"type": "object", "properties": {"schema": {"type": "string"}, "table": {"type": "string"}, "kind": {"type": "string"}, "columns": {"type": "array"}, "time_span": {"type": "object"}}, "required": ["schema", "table", "kind", "columns"]})"),
      run};
}

}  // namespace tools
