// The time range a TimescaleDB hypertable covers, for list_tables and describe_table. Private to tools/.
#pragma once

#include "db/db.hpp"

namespace tools {

// One JSON object with a key per readable hypertable of schema $1 whose first dimension is a timestamptz
// column with at least one chunk:
//   {"positions": {"column": "gps_time", "from": "…Z", "to": "…Z", "source": "index" | "chunks"}}
// Nothing scans a table. The bounds come from TimescaleDB's chunk metadata
// (timescaledb_information.chunks, readable by analytics_ro): the earliest chunk's start and the
// latest chunk's end, coarse by up to a chunk interval. Where a btree index leads with the time
// column and the end chunk is not compressed, each end is narrowed to the exact oldest/newest
// value by one ORDER BY … LIMIT 1 probe confined to that chunk (an index-only scan of one chunk's
// index). The column name is only known from the catalog, so the probe is built with format(%I/%L)
// from catalog values and run by query_to_xml; no argument text ever reaches it. "source" is
// "index" when both ends are exact, else "chunks" (the rows still lie within [from, to]).
// Continuous aggregates and integer or timestamp-without-time-zone time columns get no span.
inline constexpr db::TrustedSql kTimeSpansSql = R"SQL(
SELECT COALESCE(json_object_agg(d.hypertable_name, json_build_object(
    'column', d.column_name,
    'from', rtrim(rtrim(to_char(COALESCE(p.lo, ch.lo) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '0'), '.') || 'Z',
    'to', rtrim(rtrim(to_char(COALESCE(p.hi, ch.hi) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '0'), '.') || 'Z',
    'source', CASE WHEN p.lo IS NOT NULL AND p.hi IS NOT NULL THEN 'index' ELSE 'chunks' END)), '{}')
FROM timescaledb_information.dimensions d
CROSS JOIN LATERAL (
  SELECT (array_agg(c.range_start ORDER BY c.range_start))[1] AS lo,
         (array_agg(c.range_end ORDER BY c.range_start))[1] AS lo_end,
         (array_agg(c.is_compressed ORDER BY c.range_start))[1] AS lo_compressed,
         (array_agg(c.range_end ORDER BY c.range_end DESC))[1] AS hi,
         (array_agg(c.range_start ORDER BY c.range_end DESC))[1] AS hi_start,
         (array_agg(c.is_compressed ORDER BY c.range_end DESC))[1] AS hi_compressed
  FROM timescaledb_information.chunks c
  WHERE c.hypertable_schema = d.hypertable_schema AND c.hypertable_name = d.hypertable_name) ch
CROSS JOIN LATERAL (
  SELECT has_table_privilege(format('%I.%I', d.hypertable_schema, d.hypertable_name), 'SELECT')
     AND EXISTS (SELECT FROM pg_index i
                 JOIN pg_class ic ON ic.oid = i.indexrelid
                 JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                 WHERE i.indrelid = format('%I.%I', d.hypertable_schema, d.hypertable_name)::regclass
                   AND a.attname = d.column_name AND i.indpred IS NULL) AS probe) ix
CROSS JOIN LATERAL (
  SELECT CASE WHEN ix.probe AND NOT ch.lo_compressed THEN (xpath('/row/t/text()', query_to_xml(format(
           'SELECT %1$I AS t FROM %2$I.%3$I WHERE %1$I >= %4$L AND %1$I < %5$L ORDER BY %1$I LIMIT 1',
           d.column_name, d.hypertable_schema, d.hypertable_name, ch.lo, ch.lo_end), false, true, '')))[1]::text::timestamptz END AS lo,
         CASE WHEN ix.probe AND NOT ch.hi_compressed THEN (xpath('/row/t/text()', query_to_xml(format(
           'SELECT %1$I AS t FROM %2$I.%3$I WHERE %1$I >= %4$L AND %1$I < %5$L ORDER BY %1$I DESC LIMIT 1',
           d.column_name, d.hypertable_schema, d.hypertable_name, ch.hi_start, ch.hi), false, true, '')))[1]::text::timestamptz END AS hi) p
WHERE d.hypertable_schema = $1 AND has_table_privilege(format('%I.%I', d.hypertable_schema, d.hypertable_name), 'SELECT')
  AND d.dimension_number = 1 AND d.column_type = 'timestamptz'::regtype
  AND ch.lo IS NOT NULL
)SQL";

}  // namespace tools
