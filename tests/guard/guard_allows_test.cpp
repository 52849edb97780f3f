// Realistic fleet analytics must pass: the guard refuses on the parse tree, never on words in the text.
#include <string>
#include <vector>

#include "guard_expect.hpp"

using guard::StatementKind;
using guard_test::require_allowed;

TEST_CASE("guard allows plain selects, values, table and set operations", "[guard]") {
  const std::vector<std::string> queries = {
      "SELECT 1",
      "select 1;",
      "SELECT 1;   ",
      "SELECT 1; -- trailing comment",
      "SELECT 1; /* trailing block comment */",
      "  \n\tSELECT 1\n",
      "SELECT * FROM vehicles",
      "SELECT id, plate FROM fleet.vehicles WHERE active ORDER BY plate LIMIT 50 OFFSET 10",
      "VALUES (1), (2)",
      "VALUES (1, 'a'), (2, 'b') ORDER BY 1",
      "TABLE reporting.trips",
      "TABLE reporting.trips ORDER BY 1 LIMIT 5",
      "SELECT id FROM trips UNION SELECT id FROM archived_trips",
      "SELECT id FROM trips UNION ALL SELECT id FROM archived_trips ORDER BY id",
      "SELECT id FROM trips INTERSECT SELECT trip_id FROM alerts",
      "SELECT id FROM trips EXCEPT SELECT trip_id FROM alerts",
      "(SELECT 1) UNION (SELECT 2) EXCEPT (SELECT 3)",
      "SELECT \"Vehicle ID\", \"select\" FROM \"Fleet\".\"Vehicles\"",
      "SELECT pg_catalog.now()",
      "SELECT now(), current_date, current_timestamp, localtimestamp",
      "SELECT current_setting('TimeZone')",
      "SELECT current_setting('server_version_num')::int",
      "SELECT count(*) FROM trips WHERE started_at > now() - interval '7 days'",
      "SELECT DISTINCT driver_id FROM trips",
      "SELECT DISTINCT ON (vehicle_id) vehicle_id, ts, speed FROM positions ORDER BY vehicle_id, ts DESC",
      "SELECT CASE WHEN speed > 120 THEN 'fast' ELSE 'ok' END FROM positions",
      "SELECT coalesce(nullif(odometer, 0), -1) FROM vehicles",
      "SELECT id FROM trips WHERE id IN (SELECT trip_id FROM alerts) AND EXISTS (SELECT 1 FROM drivers)",
      "SELECT id FROM trips WHERE driver_id = ANY (ARRAY[1, 2, 3])",
      "SELECT x FROM generate_series(1, 10) AS x",
      "SELECT d::date FROM generate_series('2024-01-01'::date, '2024-01-31', '1 day') AS d",
      "SELECT regexp_replace(plate, '\\s+', '', 'g') FROM vehicles",
      "SELECT to_char(ts, 'YYYY-MM-DD HH24:MI') FROM positions",
      "SELECT extract(epoch FROM ended_at - started_at) / 3600 AS hours FROM trips",
      "SELECT date_trunc('day', ts AT TIME ZONE 'Europe/Berlin') FROM positions",
      "SELECT pg_size_pretty(pg_total_relation_size('positions'))",
      "SELECT pg_backend_pid()",
      "SELECT currval('trips_id_seq')",
      "SELECT row_to_json(t) FROM trips t",
      "SELECT array_to_string(array_agg(plate ORDER BY plate), ', ') FROM vehicles",
      "SELECT string_agg(DISTINCT make, ';') FROM vehicles",
      "SELECT * FROM pg_stat_user_tables",
      "SELECT relname FROM pg_catalog.pg_class WHERE relkind = 'r'",
      "SELECT * FROM information_schema.columns WHERE table_schema = 'reporting'",
      "SELECT 1 FROM trips TABLESAMPLE SYSTEM (1)",
      "SELECT xmlelement(name trip, id) FROM trips",
  };
  for (const std::string& sql : queries) require_allowed(sql);
}

TEST_CASE("guard allows SQL whose words only look dangerous", "[guard]") {
  const std::vector<std::string> queries = {
      "SELECT 'DELETE FROM trips' AS note",
      "SELECT 'DROP TABLE vehicles; --' AS note",
      "SELECT ';' AS separator",
      "SELECT 'a;b;c' LIKE '%;%'",
      "SELECT 'SELECT 1; SELECT 2'",
      "SELECT E'it''s; DROP TABLE x\\n'",
      "SELECT $$DELETE FROM trips; DROP TABLE vehicles$$",
      "SELECT $body$ ; COMMIT; $body$ AS text",
      "SELECT deleted, update_time, insert_ts FROM trips WHERE NOT deleted",
      "SELECT \"delete\", \"update\", \"insert\", \"drop\" FROM audit_log",
      "SELECT id FROM deleted_trips",
      "SELECT id FROM \"update\"",
      "SELECT 1 -- ; DROP TABLE trips",
      "SELECT 1 /* ; DROP TABLE trips; */",
      "/* header; DELETE */ SELECT 1",
      "-- report: weekly distance; DROP nothing\nSELECT 1",
      "SELECT set_config FROM settings_history",
      "SELECT s.set_config FROM settings_history s",
      "SELECT pg_sleep FROM odd_columns",
      "SELECT lo_id, lo_name FROM loads",
      "SELECT nextval FROM odd_columns",
      "SELECT 'pg_sleep(10)'",
      "SELECT 'pg_terminate_backend(1)'::text",
      "SELECT * FROM nextval_log",
      "SELECT * FROM activity WHERE source = 'pg_stat_activity'",
      "SELECT 'FOR UPDATE' AS hint",
      "SELECT update_count FROM stats ORDER BY update_count",
      "SELECT into_yard FROM depots",
      "SELECT 'SELECT * INTO x FROM y'",
      "SELECT 'pg_stat_activity' AS view_name",
      "SELECT 'explain analyze select 1'",
      "SELECT \"for\" FROM \"share\"",
  };
  for (const std::string& sql : queries) require_allowed(sql);
}

TEST_CASE("guard allows PostGIS and TimescaleDB analytics", "[guard]") {
  const std::vector<std::string> queries = {
      "SELECT ST_Distance(a.geom::geography, b.geom::geography) FROM depots a, depots b",
      "SELECT ST_AsGeoJSON(geom) FROM positions LIMIT 10",
      "SELECT id FROM positions WHERE geom && ST_MakeEnvelope(13.0, 52.3, 13.8, 52.7, 4326)",
      ("SELECT ST_DWithin(p.geom::geography, ST_SetSRID(ST_MakePoint(13.4, 52.5), 4326)::geography, 500) "
       "FROM positions p"),
      "SELECT ST_Length(ST_MakeLine(geom ORDER BY ts)::geography) FROM positions GROUP BY trip_id",
      "SELECT ST_X(geom), ST_Y(geom) FROM positions",
      "SELECT time_bucket('1 hour', ts) AS hour, avg(speed) FROM positions GROUP BY 1 ORDER BY 1",
      "SELECT time_bucket('15 minutes', ts, 'Europe/Berlin') AS b, count(*) FROM positions GROUP BY b",
      "SELECT vehicle_id, first(speed, ts), last(speed, ts) FROM positions GROUP BY vehicle_id",
      ("SELECT time_bucket_gapfill('1 day', ts) AS day, locf(avg(fuel)) FROM positions "
       "WHERE ts > now() - interval '1 month' AND ts < now() GROUP BY day"),
  };
  for (const std::string& sql : queries) require_allowed(sql);
}

TEST_CASE("guard allows windows, lateral joins, CTEs and grouping", "[guard]") {
  const std::vector<std::string> queries = {
      "SELECT vehicle_id, ts, speed - lag(speed) OVER (PARTITION BY vehicle_id ORDER BY ts) FROM positions",
      "SELECT id, row_number() OVER w, rank() OVER w FROM trips WINDOW w AS (ORDER BY distance DESC)",
      "SELECT avg(speed) OVER (ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW) FROM positions",
      ("SELECT v.id, p.ts FROM vehicles v CROSS JOIN LATERAL "
       "(SELECT ts FROM positions WHERE vehicle_id = v.id ORDER BY ts DESC LIMIT 1) p"),
      "SELECT v.id, p.* FROM vehicles v LEFT JOIN LATERAL generate_series(1, v.axles) p ON true",
      ("WITH recent AS (SELECT * FROM trips WHERE started_at > now() - interval '1 day') "
       "SELECT count(*) FROM recent"),
      "WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b",
      ("WITH RECURSIVE chain(id, parent) AS (SELECT id, parent FROM depots WHERE parent IS NULL "
       "UNION ALL SELECT d.id, d.parent FROM depots d JOIN chain c ON d.parent = c.id) SELECT * FROM chain"),
      "WITH m AS MATERIALIZED (SELECT * FROM trips) SELECT * FROM m",
      "WITH m AS NOT MATERIALIZED (SELECT * FROM trips) SELECT * FROM m",
      "SELECT * FROM (WITH inner_cte AS (SELECT 1 AS x) SELECT x FROM inner_cte) sub",
      "SELECT make, model, count(*) FROM vehicles GROUP BY GROUPING SETS ((make), (make, model), ())",
      "SELECT make, model, sum(km) FROM trips GROUP BY ROLLUP (make, model)",
      "SELECT make, model, sum(km) FROM trips GROUP BY CUBE (make, model)",
      "SELECT count(*) FILTER (WHERE speed > 100) AS speeding, count(*) FROM positions",
      "SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY speed) FROM positions",
      "SELECT driver_id FROM trips GROUP BY driver_id HAVING sum(km) > 1000",
      "SELECT * FROM trips t JOIN drivers d USING (driver_id) FULL JOIN vehicles v ON v.id = t.vehicle_id",
      "SELECT * FROM unnest(ARRAY[1, 2]) WITH ORDINALITY AS u(x, n)",
      "SELECT * FROM ROWS FROM (generate_series(1, 3), generate_series(1, 2)) AS r(a, b)",
  };
  for (const std::string& sql : queries) require_allowed(sql);
}

TEST_CASE("guard allows json operators and functions", "[guard]") {
  const std::vector<std::string> queries = {
      "SELECT payload->>'driver' FROM events",
      "SELECT payload->'gps'->>'lat' FROM events WHERE payload ? 'gps'",
      "SELECT payload #>> '{gps,lat}' FROM events WHERE payload @> '{\"type\": \"stop\"}'",
      "SELECT jsonb_path_query(payload, '$.stops[*] ? (@.minutes > 10)') FROM events",
      "SELECT jsonb_agg(jsonb_build_object('id', id, 'km', km)) FROM trips",
      "SELECT * FROM jsonb_to_recordset('[{\"a\": 1}]'::jsonb) AS r(a int)",
      "SELECT key, value FROM events, jsonb_each_text(payload)",
      "SELECT json_build_object('n', 1)::text",
  };
  for (const std::string& sql : queries) require_allowed(sql);
}

TEST_CASE("guard allows EXPLAIN without ANALYZE and says it is an EXPLAIN", "[guard]") {
  const std::vector<std::string> queries = {
      "EXPLAIN SELECT * FROM trips",
      "explain select 1;",
      "EXPLAIN (FORMAT JSON, COSTS off) SELECT * FROM trips WHERE id = 1",
      "EXPLAIN (FORMAT YAML) SELECT 1",
      "EXPLAIN VERBOSE SELECT count(*) FROM positions",
      "EXPLAIN (VERBOSE, SETTINGS) WITH a AS (SELECT 1) SELECT * FROM a",
      "EXPLAIN VALUES (1), (2)",
      "EXPLAIN TABLE reporting.trips",
      "EXPLAIN SELECT 1 UNION SELECT 2",
      "EXPLAIN (COSTS false, FORMAT TEXT) SELECT time_bucket('1 hour', ts) FROM positions GROUP BY 1",
  };
  for (const std::string& sql : queries) require_allowed(sql, StatementKind::kExplain);
}

// The cost guard skips the plan of a statement that reads no data, so each query that reads a table,
// calls a function or has a FROM item anywhere (even inside a subquery or CTE) must say it does.
TEST_CASE("guard tells statements that read data from those that cannot", "[guard]") {
  const std::vector<std::string> constant = {
      "SELECT 1",
      "select 1 + 2 * 3 AS n, 'a' || 'b', NULL::text",
      "VALUES (1, 'a'), (2, 'b')",
      "SELECT current_date, CURRENT_TIMESTAMP, 'tracksolid.positions'::regclass",
      "WITH a AS (SELECT 1 AS n) SELECT 2",
  };
  const std::vector<std::string> reading = {
      "SELECT * FROM tracksolid.positions",
      "TABLE reporting.trips",
      "SELECT generate_series(1, 1000000000)",
      "SELECT now()",
      "SELECT (SELECT count(*) FROM tracksolid.alarms)",
      "WITH a AS (SELECT imei FROM tracksolid.devices) SELECT 1",
      "SELECT * FROM generate_series(1, 10) g",
      "SELECT n FROM (SELECT 2) AS b(n)",
      "SELECT * FROM reporting.trips TABLESAMPLE SYSTEM (1)",
      "SELECT 1 WHERE EXISTS (SELECT FROM tracksolid.devices)",
  };
  for (const auto& [queries, reads] : {std::pair(constant, false), std::pair(reading, true)}) {
    for (const std::string& sql : queries) {
      INFO("SQL: " << sql);
      const guard::Verdict verdict = guard::check(sql);
      REQUIRE(verdict.ok());
      CHECK(verdict->reads_data() == reads);
    }
  }
}
