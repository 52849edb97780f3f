// The families writers type their cells by, and the helpers that export writers share with JSON.
#include <string>

#include <catch2/catch.hpp>

#include "support.hpp"
#include "values/values.hpp"

using values::Family;
using values_test::catalog;

TEST_CASE("values tells the family of built-in types", "[values][family]") {
  CHECK(values::family(23, catalog()) == Family::kInteger);
  CHECK(values::family(20, catalog()) == Family::kBigint);
  CHECK(values::family(701, catalog()) == Family::kFloat);
  CHECK(values::family(1700, catalog()) == Family::kNumeric);
  CHECK(values::family(16, catalog()) == Family::kBool);
  CHECK(values::family(1082, catalog()) == Family::kDate);
  CHECK(values::family(1083, catalog()) == Family::kTime);
  CHECK(values::family(1266, catalog()) == Family::kTime);
  CHECK(values::family(1114, catalog()) == Family::kTimestamp);
  CHECK(values::family(1184, catalog()) == Family::kTimestamptz);
  CHECK(values::family(1186, catalog()) == Family::kInterval);
  CHECK(values::family(3802, catalog()) == Family::kJson);
  CHECK(values::family(17, catalog()) == Family::kBytea);
  CHECK(values::family(1007, catalog()) == Family::kArray);
  CHECK(values::family(2950, catalog()) == Family::kText);
}

TEST_CASE("values follows domains and knows PostGIS types by the rows the database gave",
          "[values][family]") {
  CHECK(values::family(values_test::kPosint, catalog()) == Family::kInteger);
  CHECK(values::family(values_test::kIntarr, catalog()) == Family::kArray);
  CHECK(values::family(values_test::kGeometry, catalog()) == Family::kGeometry);
  CHECK(values::family(values_test::kGeography, catalog()) == Family::kGeometry);
  CHECK(values::family(values_test::kMood, catalog()) == Family::kText);
  CHECK(values::family(999999, catalog()) == Family::kText);
}

TEST_CASE("values replaces invalid UTF-8 by U+FFFD and keeps valid text as it is", "[values][family]") {
  std::string out = ">";
  values::append_valid_utf8(out, "Nairobi \xC3\xA9\xE2\x82\xAC, \xFF\xC3 \xF0\x9F\x9A\x9A\n");
  CHECK(out == ">Nairobi \xC3\xA9\xE2\x82\xAC, \xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x9A\x9A\n");
}

TEST_CASE("values writes ISO timestamps without quotes and refuses what it cannot", "[values][family]") {
  std::string out;
  REQUIRE(values::append_iso_timestamptz(out, "2026-11-28 10:00:00.123+00"));
  CHECK(out == "2026-11-28T10:00:00.123Z");
  out.clear();
  REQUIRE(values::append_iso_timestamp(out, "2026-11-28 10:00:00"));
  CHECK(out == "2026-11-28T10:00:00");
  CHECK_FALSE(values::append_iso_timestamptz(out, "infinity"));
  CHECK_FALSE(values::append_iso_timestamptz(out, "1850-01-01 00:00:00-00:36:52"));
  CHECK(out == "2026-11-28T10:00:00");
}
