// Inputs no PostgreSQL server prints: they must not crash, read out of bounds or loop, and come
// out as the text in a JSON string.
#include <catch2/catch.hpp>

#include <string>

#include "support.hpp"

using values_test::as_string;
using values_test::json_of;
using values_test::kGeometry;

namespace {

constexpr const char* kPoint = "0101000000000000000000F03F0000000000000040";  // POINT(1 2)

void check_falls_back(const std::string& text, values::Oid type) {
  INFO("text: " << text);
  CHECK(json_of(text, type) == as_string(text));
}

}  // namespace

TEST_CASE("values writes every truncation of an EWKB as a string", "[values][hostile]") {
  const std::string polygon =
      "0103000020110F0000010000000400000000000000000000000000000000000000000000000000F03F00000000000000000000"
      "00000000F03F000000000000F03F00000000000000000000000000000000";
  for (std::size_t n = 0; n < polygon.size(); ++n) check_falls_back(polygon.substr(0, n), kGeometry);
}

TEST_CASE("values writes EWKB with absurd counts as a string", "[values][hostile]") {
  check_falls_back("0102000000FFFFFFFF", kGeometry);                        // 4 billion points
  check_falls_back("0103000000FFFFFF7F00000000", kGeometry);                // 2 billion rings
  check_falls_back("0107000000FFFFFFFF" + std::string(kPoint), kGeometry);  // collection of 4 billion
  check_falls_back("010400000002000000" + std::string(kPoint), kGeometry);  // 2 promised, 1 given
}

TEST_CASE("values writes malformed hex EWKB as a string", "[values][hostile]") {
  check_falls_back("0101000000000000000000F03F000000000000004", kGeometry);   // odd length
  check_falls_back("0101000000000000000000F03F00000000000000ZZ", kGeometry);  // not hex
  check_falls_back("0201000000000000000000F03F0000000000000040", kGeometry);  // byte order 2
  check_falls_back("0109000000000000000000F03F0000000000000040", kGeometry);  // type 9
  check_falls_back("01A10F0000000000000000F03F0000000000000040", kGeometry);  // ISO type 4001
  check_falls_back(std::string(kPoint) + "00", kGeometry);                    // trailing bytes
  check_falls_back("POINT(1 2)", kGeometry);
  check_falls_back("", kGeometry);
  // a multipoint whose member is a line string
  check_falls_back("010400000001000000010200000000000000", kGeometry);
  // non-empty coordinates that are infinite or partly NaN
  check_falls_back("0101000000000000000000F07F0000000000000040", kGeometry);
  check_falls_back("0101000000000000000000F87F0000000000000040", kGeometry);
}

TEST_CASE("values writes deeply nested geometry collections as a string", "[values][hostile]") {
  std::string nested;
  for (int i = 0; i < 10000; ++i) nested += "010700000001000000";
  nested += kPoint;
  check_falls_back(nested, kGeometry);
}

TEST_CASE("values writes a shallowly nested geometry collection as GeoJSON", "[values][hostile]") {
  std::string nested = std::string("010700000001000000") + "010700000001000000" + kPoint;
  CHECK(json_of(nested, kGeometry) ==
        R"({"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[)"
        R"({"type":"Point","coordinates":[1,2]}]}]})");
}

TEST_CASE("values writes malformed array literals as strings", "[values][hostile]") {
  check_falls_back(R"({"abc)", 1009);   // unterminated quote
  check_falls_back(R"({"abc\)", 1009);  // backslash at the end
  check_falls_back("{1,2", 1007);       // unterminated brace
  check_falls_back("{1,2}}", 1007);     // trailing text
  check_falls_back("{1,,2}", 1007);     // empty element
  check_falls_back("{{1,2},3", 1007);
  check_falls_back("[0:1]{1,2}", 1007);  // prefix without '='
  check_falls_back("[0:x]={1,2}", 1007);
  check_falls_back("[0:1]=", 1007);
  check_falls_back("", 1007);
  check_falls_back("{", 1007);
  check_falls_back("}", 1007);
  check_falls_back("{a b}", 1009);
}

TEST_CASE("values writes arrays nested deeper than PostgreSQL allows as strings", "[values][hostile]") {
  check_falls_back(std::string(7, '{') + "1" + std::string(7, '}'), 1007);
  check_falls_back(std::string(100000, '{') + std::string(100000, '}'), 1007);
  CHECK(json_of(std::string(6, '{') + "1" + std::string(6, '}'), 1007) == "[[[[[[1]]]]]]");
}

TEST_CASE("values writes an array element that is not in its type's format as a string",
          "[values][hostile]") {
  CHECK(json_of("{1,x}", 1007) == R"([1,"x"])");
  CHECK(json_of("{0101}", values_test::kGeometryArray) == R"(["0101"])");
}

TEST_CASE("values survives a catalog whose types refer to themselves", "[values][hostile]") {
  values::Catalog catalog;
  catalog.add({90020, "loop", "loop", 'U', 0, ',', 90021});
  catalog.add({90021, "pool", "pool", 'U', 0, ',', 90020});
  catalog.add({90022, "self[]", "_self", 'A', 90022, ',', 0});
  CHECK(json_of("5", 90020, catalog) == R"("5")");
  CHECK(json_of(R"({"{1}"})", 90022, catalog) == R"([["1"]])");
  CHECK(json_of(R"({"{\"{}\"}"})", 90022, catalog).front() == '[');
}

TEST_CASE("values writes random bytes as valid JSON for every type", "[values][hostile]") {
  // Not json or jsonb: their text is embedded as the server's guarantee that it is JSON.
  const values::Oid types[] = {16,
                               17,
                               20,
                               23,
                               25,
                               700,
                               1007,
                               1009,
                               1114,
                               1184,
                               1700,
                               1020,
                               1185,
                               1001,
                               3807,
                               kGeometry,
                               values_test::kGeometryArray};
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245 + 12345; };
  const std::string alphabet = "{}\",\\NUL01Ex:-+. \n\xC3\xA9\xFF";
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const std::size_t length = next() % 24;
    for (std::size_t i = 0; i < length; ++i) text.push_back(alphabet[next() % alphabet.size()]);
    for (values::Oid type : types) json_of(text, type);
  }
}
