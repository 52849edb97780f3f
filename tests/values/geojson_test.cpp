// Fixtures are the text output of PostgreSQL 15 + PostGIS 3.3 for the WKT in each comment.
#include <catch2/catch.hpp>

#include "support.hpp"

using values_test::json_of;
using values_test::kGeography;
using values_test::kGeometry;

TEST_CASE("values writes a geometry point as GeoJSON", "[values]") {
  // 'POINT(1 2)'::geometry
  CHECK(json_of("0101000000000000000000F03F0000000000000040", kGeometry) ==
        R"({"type":"Point","coordinates":[1,2]})");
  // 'POINT(0.1 0.2)'::geometry: the shortest text that reads back as the same double
  CHECK(json_of("01010000009A9999999999B93F9A9999999999C93F", kGeometry) ==
        R"({"type":"Point","coordinates":[0.1,0.2]})");
}

TEST_CASE("values writes a geography with SRID 4326 without a crs member", "[values]") {
  // 'SRID=4326;POINT(-122.4194 37.7749)'::geography
  CHECK(json_of("0101000020E610000050FC1873D79A5EC0D0D556EC2FE34240", kGeography) ==
        R"({"type":"Point","coordinates":[-122.4194,37.7749]})");
}

TEST_CASE("values adds a crs member for an SRID other than 4326", "[values]") {
  // ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))',3857)
  CHECK(json_of("0103000020110F0000010000000400000000000000000000000000000000000000000000000000F03F0000000000"
                "000000000000000000F03F000000000000F03F00000000000000000000000000000000",
                kGeometry) == R"({"type":"Polygon","crs":{"type":"name","properties":{"name":"EPSG:3857"}},)"
                              R"("coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})");
}

TEST_CASE("values writes a line string as GeoJSON", "[values]") {
  // 'LINESTRING(0 0, 1.5 2.25, 3 4)'::geometry
  CHECK(json_of("01020000000300000000000000000000000000000000000000000000000000F83F00000000000002400000000000"
                "0008400000000000001040",
                kGeometry) == R"({"type":"LineString","coordinates":[[0,0],[1.5,2.25],[3,4]]})");
}

TEST_CASE("values writes a multipolygon with a hole as GeoJSON", "[values]") {
  // 'MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 2,1 1)),((5 5,6 5,6 6,5 5)))'::geometry
  CHECK(json_of("01060000000200000001030000000200000005000000000000000000000000000000000000000000000000001040"
                "00000000000000000000000000001040000000000000104000000000000000000000000000001040000000000000"
                "0000000000000000000005000000000000000000F03F000000000000F03F0000000000000040000000000000F03F"
                "00000000000000400000000000000040000000000000F03F0000000000000040000000000000F03F000000000000"
                "F03F0103000000010000000400000000000000000014400000000000001440000000000000184000000000000014"
                "400000000000001840000000000000184000000000000014400000000000001440",
                kGeometry) == R"({"type":"MultiPolygon","coordinates":[[[[0,0],[4,0],[4,4],[0,4],[0,0]],)"
                              R"([[1,1],[2,1],[2,2],[1,2],[1,1]]],[[[5,5],[6,5],[6,6],[5,5]]]]})");
}

TEST_CASE("values writes multipoints with Z and multilinestrings as GeoJSON", "[values]") {
  // ST_GeomFromText('MULTIPOINT Z (1 2 3, 4 5 6)', 4326)
  CHECK(json_of("01040000A0E6100000020000000101000080000000000000F03F0000000000000040000000000000084001010000"
                "80000000000000104000000000000014400000000000001840",
                kGeometry) == R"({"type":"MultiPoint","coordinates":[[1,2,3],[4,5,6]]})");
  // 'SRID=4326;MULTILINESTRING((0 0,1 1),(2 2,3 3))'::geometry
  CHECK(json_of(
            "0105000020E61000000200000001020000000200000000000000000000000000000000000000000000000000F03F0000"
            "00000000F03F0102000000020000000000000000000040000000000000004000000000000008400000000000000840",
            kGeometry) == R"({"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]})");
}

TEST_CASE("values writes a geometry collection as GeoJSON", "[values]") {
  // 'GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))'::geometry
  CHECK(json_of("0107000000020000000101000000000000000000F03F000000000000004001020000000200000000000000000000"
                "000000000000000000000000000000F03F000000000000F03F",
                kGeometry) ==
        R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},)"
        R"({"type":"LineString","coordinates":[[0,0],[1,1]]}]})");
}

TEST_CASE("values keeps Z and drops M from coordinates", "[values]") {
  // 'SRID=4326;POINT Z (1 2 3)'::geometry
  CHECK(json_of("01010000A0E6100000000000000000F03F00000000000000400000000000000840", kGeometry) ==
        R"({"type":"Point","coordinates":[1,2,3]})");
  // 'POINT M (1 2 3)'::geometry
  CHECK(json_of("0101000040000000000000F03F00000000000000400000000000000840", kGeometry) ==
        R"({"type":"Point","coordinates":[1,2]})");
  // 'POINT ZM (1 2 3 4)'::geometry
  CHECK(json_of("01010000C0000000000000F03F000000000000004000000000000008400000000000001040", kGeometry) ==
        R"({"type":"Point","coordinates":[1,2,3]})");
}

TEST_CASE("values reads ISO WKB type codes and big-endian WKB", "[values]") {
  // ST_AsBinary('POINT Z (1 2 3)'::geometry): ISO type 1001
  CHECK(json_of("01e9030000000000000000f03f00000000000000400000000000000840", kGeometry) ==
        R"({"type":"Point","coordinates":[1,2,3]})");
  // ST_AsBinary('POINT(1 2)'::geometry, 'XDR')
  CHECK(json_of("00000000013ff00000000000004000000000000000", kGeometry) ==
        R"({"type":"Point","coordinates":[1,2]})");
}

TEST_CASE("values writes empty geometries as GeoJSON with empty coordinates", "[values]") {
  CHECK(json_of("0101000000000000000000F87F000000000000F87F", kGeometry) ==  // POINT EMPTY
        R"({"type":"Point","coordinates":[]})");
  CHECK(json_of("010200000000000000", kGeometry) == R"({"type":"LineString","coordinates":[]})");
  CHECK(json_of("010300000000000000", kGeometry) == R"({"type":"Polygon","coordinates":[]})");
  CHECK(json_of("010700000000000000", kGeometry) == R"({"type":"GeometryCollection","geometries":[]})");
  // 'SRID=3857;POLYGON EMPTY'::geometry
  CHECK(json_of("0103000020110F000000000000", kGeometry) ==
        R"({"type":"Polygon","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"coordinates":[]})");
}

TEST_CASE("values leaves empty points out of a multipoint", "[values]") {
  // 'MULTIPOINT(EMPTY, 1 2)'::geometry
  CHECK(json_of("0104000000020000000101000000000000000000F87F000000000000F87F0101000000000000000000F03F000000"
                "0000000040",
                kGeometry) == R"({"type":"MultiPoint","coordinates":[[1,2]]})");
}

TEST_CASE("values writes curves, surfaces and TINs as their hex text", "[values]") {
  const char* circular =
      "01080000000300000000000000000000000000000000000000000000000000F03F000000000000F03F00000000000000400000"
      "000000000000"
      "400000000000000000";  // 'CIRCULARSTRING(0 0,1 1,2 0)'
  CHECK(json_of(circular, kGeometry) == values_test::as_string(circular));
  const char* triangle =
      "01110000000100000004000000000000000000000000000000000000000000000000000000000000000000F03F000000000000"
      "F03F000000000000F03F00000000000000000000000000000000";  // 'TRIANGLE(...)'
  CHECK(json_of(triangle, kGeometry) == values_test::as_string(triangle));
}

TEST_CASE("values writes box2d and box3d as strings", "[values]") {
  CHECK(json_of("BOX(0 0,1 2)", values_test::kBox2d) == "\"BOX(0 0,1 2)\"");
  CHECK(json_of("BOX3D(0 0 0,1 2 3)", values_test::kBox3d) == "\"BOX3D(0 0 0,1 2 3)\"");
}
