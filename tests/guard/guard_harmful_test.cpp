// Read-only is not harmless: queries that would hurt the database or the server are refused by
// class, before they run (issue 9).
#include <string>
#include <vector>

#include "guard_expect.hpp"

using guard_test::require_allowed;
using guard_test::require_refused;

TEST_CASE("guard refuses PostGIS's densified distances unless the fraction is a literal that keeps them small",
          "[guard][harmful]") {
  require_refused("SELECT ST_FrechetDistance(a.geom, b.geom, 0.00001) FROM trips a, trips b", "densifyFrac");
  require_refused("SELECT ST_HausdorffDistance(a, b, 1e-6) FROM t", "densifyFrac");
  require_refused("SELECT ST_FrechetDistance(a, b, f) FROM t", "not a numeric literal");
  require_refused("SELECT ST_FrechetDistance(a, b, 0.5 / 1000) FROM t", "not a numeric literal");
  require_refused("SELECT public.st_frechetdistance(a, b, '0.00001'::float8) FROM t", "0.00001");
  require_refused("SELECT * FROM t WHERE ST_HausdorffDistance(a, b, 0) > 1", "it is 0");
  require_allowed("SELECT ST_FrechetDistance(a, b) FROM t");
  require_allowed("SELECT ST_HausdorffDistance(a, b, 0.01) FROM t");
  require_allowed("SELECT ST_FrechetDistance(a, b, 0.001::float8) FROM t");
}

TEST_CASE("guard refuses generated point and segment counts beyond a bound", "[guard][harmful]") {
  require_refused("SELECT ST_Segmentize(geom, 0.0000001) FROM trips", "max_segment_length");
  require_refused("SELECT ST_Segmentize(geom, len) FROM trips", "not a numeric literal");
  require_refused("SELECT ST_GeneratePoints(geom, 100000000) FROM geofences", "npoints");
  require_refused("SELECT ST_Buffer(geom, 10, 1000000) FROM positions", "num_seg_quarter_circle");
  require_refused("SELECT ST_Buffer(geom, 10, 'quad_segs=1000000 endcap=flat') FROM positions", "quad_segs");
  require_refused("SELECT ST_OffsetCurve(geom, 5, 'quad_segs=99999') FROM trips", "quad_segs");
  require_refused("SELECT ST_MinimumBoundingCircle(geom, 50000) FROM geofences", "num_segs_per_qt_circ");
  require_refused("SELECT ST_LineInterpolatePoints(geom, 0.0000001) FROM trips", "a_fraction");
  require_allowed("SELECT ST_Segmentize(geom::geography, 1000) FROM trips");
  require_allowed("SELECT ST_GeneratePoints(geom, 500) FROM geofences");
  require_allowed("SELECT ST_Buffer(geom, 10), ST_Buffer(geom, 10, 8), ST_Buffer(geom, 10, 'quad_segs=8 endcap=flat')"
                  " FROM positions");
  require_allowed("SELECT ST_MinimumBoundingCircle(geom) FROM geofences");
  require_allowed("SELECT ST_Dimension(geom), ST_NPoints(geom) FROM trips");
}

TEST_CASE("guard refuses libxml2 XPath in every syntax", "[guard][harmful]") {
  const std::vector<std::string> cases = {
      "SELECT xpath('//a', x) FROM docs",
      "SELECT pg_catalog.xpath_exists('//a', '<a/>'::xml)",
      "SELECT 1 WHERE XMLEXISTS('//a' PASSING BY REF ('<a/>'::xml))",
      "WITH d AS (SELECT xpath('/a/b', x) AS v FROM docs) SELECT * FROM d",
      "SELECT (SELECT count(*) FROM unnest(xpath('//a', x))) FROM docs",
  };
  for (const auto& sql : cases) require_refused(sql, "XPath");
  require_refused("SELECT * FROM XMLTABLE('/rows/row' PASSING ('<rows/>'::xml) COLUMNS a int PATH 'a') AS t",
                  "XMLTABLE");
  require_refused("SELECT * FROM docs, LATERAL XMLTABLE('//r' PASSING docs.x COLUMNS v text) AS t", "XMLTABLE");
  require_allowed("SELECT xmlelement(name a, 'b'), xml_is_well_formed('<a/>')");
}

TEST_CASE("guard refuses every function in an extension's internal schemas", "[guard][harmful]") {
  const std::vector<std::string> cases = {
      "SELECT _timescaledb_functions.drop_chunk('_timescaledb_internal._hyper_1_1_chunk')",
      "SELECT _timescaledb_internal.get_git_commit()",
      "SELECT \"_TimescaleDB_Functions\".to_unix_microseconds(now())",
      "SELECT * FROM timescaledb_experimental.time_bucket_ng('1 day', now())",
      "SELECT _timescaledb_catalog.anything(1)",
  };
  for (const auto& sql : cases) require_refused(sql, "internal function");
  require_allowed("SELECT * FROM _timescaledb_internal._hyper_1_1_chunk LIMIT 1");  // reading rows is fine
}

TEST_CASE("guard refuses TimescaleDB's administrative API as a family, and keeps its analytics", "[guard][harmful]") {
  const std::vector<std::string> cases = {
      "SELECT compress_chunk(c) FROM show_chunks('tracksolid.positions') c",
      "SELECT decompress_chunk('x')",
      "SELECT drop_chunks('tracksolid.positions', older_than => now())",
      "SELECT add_retention_policy('tracksolid.positions', INTERVAL '1 day')",
      "SELECT remove_compression_policy('tracksolid.positions')",
      "SELECT alter_job(1000, scheduled => false)",
      "SELECT public.add_job('f', '1h')",
      "SELECT run_job(1000)",
      "SELECT get_telemetry_report()",
      "SELECT create_hypertable('t', 'ts')",
      "SELECT set_chunk_time_interval('t', INTERVAL '1 day')",
      "SELECT timescaledb_pre_restore()",
      "SELECT refresh_continuous_aggregate('reporting.cagg', NULL, NULL)",
      "SELECT convert_to_columnstore('x')",
      "SELECT add_dimension('t', 'device')",
  };
  for (const auto& sql : cases) require_refused(sql, "administrative API");
  require_allowed(
      "SELECT time_bucket('1 hour', gps_time) AS h, first(speed, gps_time), last(speed, gps_time), "
      "approximate_row_count('tracksolid.positions') FROM tracksolid.positions GROUP BY h");
  require_allowed("SELECT show_chunks('tracksolid.positions'), hypertable_size('tracksolid.positions')");
  require_allowed("SELECT * FROM chunks_detailed_size('tracksolid.positions')");
  require_allowed("SELECT * FROM hypertable_compression_stats('tracksolid.positions')");
  require_allowed("SELECT pg_tablespace_size('pg_default'), split_part('a,b', ',', 1), set_masklen('10.0.0.1'::inet, 8)");
}

TEST_CASE("guard refuses an empty statement before the query, and allows a trailing semicolon", "[guard][harmful]") {
  require_refused("; SELECT 1", "empty statement");
  require_refused(";;SELECT 1", "empty statement");
  require_allowed("SELECT 1;");
  require_allowed("-- the count\nSELECT 1");
}
