// WKT comes from the same EWKB reader as GeoJSON. Fixtures with a WKT comment are PostgreSQL 15 +
// PostGIS 3.3 output; the rest are built byte by byte with `Ewkb` below.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "support.hpp"
#include "values/values.hpp"

namespace {

constexpr std::uint32_t kZ = 0x80000000;
constexpr std::uint32_t kM = 0x40000000;
constexpr std::uint32_t kSrid = 0x20000000;

// Little-endian EWKB, as hex.
class Ewkb {
 public:
  Ewkb& geometry(std::uint32_t type) { return byte(1).word(type); }
  Ewkb& word(std::uint32_t w) {
    for (int i = 0; i < 4; ++i) byte(static_cast<std::uint8_t>(w >> (8 * i)));
    return *this;
  }
  Ewkb& coordinates(std::initializer_list<double> values) {
    for (double d : values) {
      const auto bits = std::bit_cast<std::uint64_t>(d);
      for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(bits >> (8 * i)));
    }
    return *this;
  }
  const std::string& hex() const { return hex_; }

 private:
  Ewkb& byte(std::uint8_t b) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    hex_.push_back(kDigits[b >> 4]);
    hex_.push_back(kDigits[b & 0xF]);
    return *this;
  }
  std::string hex_;
};

std::string wkt(std::string_view hex) {
  std::string out = "[";
  if (!values::append_wkt(out, hex)) return "malformed, left " + out;
  return out.substr(1);
}

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("values writes a point as WKT without its SRID", "[values][wkt]") {
  // 'SRID=4326;POINT(-122.4194 37.7749)'::geography
  CHECK(wkt("0101000020E610000050FC1873D79A5EC0D0D556EC2FE34240") == "POINT(-122.4194 37.7749)");
  CHECK(wkt(Ewkb().geometry(1).coordinates({36.8172, -1.2864}).hex()) == "POINT(36.8172 -1.2864)");
}

TEST_CASE("values writes line strings and polygons as WKT", "[values][wkt]") {
  // 'LINESTRING(0 0, 1.5 2.25, 3 4)'::geometry
  CHECK(wkt("01020000000300000000000000000000000000000000000000000000000000F83F00000000000002400000000000"
            "0008400000000000001040") == "LINESTRING(0 0,1.5 2.25,3 4)");
  // ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))',3857)
  CHECK(wkt("0103000020110F0000010000000400000000000000000000000000000000000000000000000000F03F00000000000"
            "00000000000000000F03F000000000000F03F00000000000000000000000000000000") ==
        "POLYGON((0 0,1 0,1 1,0 0))");
}

TEST_CASE("values writes multi geometries and collections as WKT", "[values][wkt]") {
  // 'MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 2,1 1)),((5 5,6 5,6 6,5 5)))'::geometry
  CHECK(wkt("01060000000200000001030000000200000005000000000000000000000000000000000000000000000000001040"
            "00000000000000000000000000001040000000000000104000000000000000000000000000001040000000000000"
            "0000000000000000000005000000000000000000F03F000000000000F03F0000000000000040000000000000F03F"
            "00000000000000400000000000000040000000000000F03F0000000000000040000000000000F03F000000000000"
            "F03F0103000000010000000400000000000000000014400000000000001440000000000000184000000000000014"
            "400000000000001840000000000000184000000000000014400000000000001440") ==
        "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 2,1 1)),((5 5,6 5,6 6,5 5)))");
  CHECK(
      wkt(Ewkb().geometry(4).word(2).geometry(1).coordinates({1, 2}).geometry(1).coordinates({3, 4}).hex()) ==
      "MULTIPOINT((1 2),(3 4))");
  CHECK(wkt(Ewkb()
                .geometry(5)
                .word(2)
                .geometry(2)
                .word(2)
                .coordinates({0, 0, 1, 1})
                .geometry(2)
                .word(2)
                .coordinates({2, 2, 3, 3})
                .hex()) == "MULTILINESTRING((0 0,1 1),(2 2,3 3))");
  CHECK(wkt(Ewkb()
                .geometry(7 | kSrid)
                .word(3857)
                .word(2)
                .geometry(1)
                .coordinates({1, 2})
                .geometry(2)
                .word(2)
                .coordinates({0, 0, 1, 1})
                .hex()) == "GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))");
}

TEST_CASE("values writes Z, M and ZM coordinates as ISO WKT", "[values][wkt]") {
  CHECK(wkt(Ewkb().geometry(1 | kZ).coordinates({1, 2, 3}).hex()) == "POINT Z (1 2 3)");
  CHECK(wkt(Ewkb().geometry(1001).coordinates({1, 2, 3}).hex()) == "POINT Z (1 2 3)");
  CHECK(wkt(Ewkb().geometry(1 | kM).coordinates({1, 2, 4}).hex()) == "POINT M (1 2 4)");
  CHECK(wkt(Ewkb().geometry(2 | kZ | kM).word(2).coordinates({1, 2, 3, 4, 5, 6, 7, 8}).hex()) ==
        "LINESTRING ZM (1 2 3 4,5 6 7 8)");
  CHECK(wkt(Ewkb().geometry(7 | kZ).word(1).geometry(1 | kZ).coordinates({1, 2, 3}).hex()) ==
        "GEOMETRYCOLLECTION Z (POINT Z (1 2 3))");
}

TEST_CASE("values writes empty geometries as WKT EMPTY", "[values][wkt]") {
  CHECK(wkt(Ewkb().geometry(1).coordinates({kNan, kNan}).hex()) == "POINT EMPTY");
  CHECK(wkt(Ewkb().geometry(2).word(0).hex()) == "LINESTRING EMPTY");
  CHECK(wkt(Ewkb().geometry(3).word(0).hex()) == "POLYGON EMPTY");
  CHECK(wkt(Ewkb().geometry(6 | kZ).word(0).hex()) == "MULTIPOLYGON Z EMPTY");
  CHECK(wkt(Ewkb().geometry(7).word(0).hex()) == "GEOMETRYCOLLECTION EMPTY");
  CHECK(wkt(Ewkb()
                .geometry(4)
                .word(2)
                .geometry(1)
                .coordinates({kNan, kNan})
                .geometry(1)
                .coordinates({3, 4})
                .hex()) == "MULTIPOINT(EMPTY,(3 4))");
}

TEST_CASE("values refuses malformed EWKB as WKT and leaves the output as it was", "[values][wkt]") {
  CHECK(wkt("") == "malformed, left [");
  CHECK(wkt("01010000") == "malformed, left [");
  CHECK(wkt("0101000000000000000000F03F00000000000000") == "malformed, left [");      // a short coordinate
  CHECK(wkt("0101000000000000000000F03F0000000000000040FF") == "malformed, left [");  // a byte too many
  CHECK(wkt(Ewkb().geometry(2).word(1000000).hex()) == "malformed, left [");
  CHECK(wkt(Ewkb().geometry(1).coordinates({1, std::numeric_limits<double>::infinity()}).hex()) ==
        "malformed, left [");
}

TEST_CASE("values reads the SRID of an EWKB header", "[values][wkt]") {
  CHECK(values::ewkb_srid("0101000020E610000050FC1873D79A5EC0D0D556EC2FE34240") == 4326u);
  CHECK(values::ewkb_srid(Ewkb().geometry(1 | kSrid).word(3857).coordinates({0, 0}).hex()) == 3857u);
  CHECK(values::ewkb_srid(Ewkb().geometry(1).coordinates({0, 0}).hex()) == 0u);
  CHECK_FALSE(values::ewkb_srid("zz").has_value());
}

TEST_CASE("values writes a GeoJSON geometry without a crs member on request", "[values][wkt]") {
  std::string out;
  REQUIRE(
      values::append_geojson_geometry(out, Ewkb().geometry(1 | kSrid).word(3857).coordinates({1, 2}).hex()));
  CHECK(out == R"({"type":"Point","coordinates":[1,2]})");
  CHECK_FALSE(values::append_geojson_geometry(out, "0101"));
  CHECK(out == R"({"type":"Point","coordinates":[1,2]})");
}
