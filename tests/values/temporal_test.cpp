#include <catch2/catch.hpp>

#include "support.hpp"

using values_test::json_of;

TEST_CASE("values writes timestamptz in UTC as ISO-8601 with Z", "[values]") {
  CHECK(json_of("2024-03-01 12:34:56.789+00", 1184) == R"("2024-03-01T12:34:56.789Z")");
  CHECK(json_of("2024-03-01 12:34:56+00", 1184) == R"("2024-03-01T12:34:56Z")");
  CHECK(json_of("2024-03-01 00:00:00.000001+00", 1184) == R"("2024-03-01T00:00:00.000001Z")");
}

TEST_CASE("values writes timestamptz with another offset as +HH:MM", "[values]") {
  CHECK(json_of("2024-03-01 18:04:56.789+05:30", 1184) == R"("2024-03-01T18:04:56.789+05:30")");
  CHECK(json_of("2024-03-01 07:04:56-05", 1184) == R"("2024-03-01T07:04:56-05:00")");
}

TEST_CASE("values keeps timestamptz it cannot write as ISO-8601 as printed", "[values]") {
  CHECK(json_of("infinity", 1184) == R"("infinity")");
  CHECK(json_of("-infinity", 1184) == R"("-infinity")");
  CHECK(json_of("0044-03-15 12:00:00+00 BC", 1184) == R"("0044-03-15 12:00:00+00 BC")");
  CHECK(json_of("1850-03-01 09:04:04.789-03:30:52", 1184) == R"("1850-03-01 09:04:04.789-03:30:52")");
  CHECK(json_of("10000-01-01 00:00:00+00", 1184) == R"("10000-01-01 00:00:00+00")");
  CHECK(json_of("2024-03-01 12:34:56.+00", 1184) == R"("2024-03-01 12:34:56.+00")");
  CHECK(json_of("2024-03-01 12:34:56", 1184) == R"("2024-03-01 12:34:56")");
}

TEST_CASE("values writes timestamp as ISO-8601 without a zone", "[values]") {
  CHECK(json_of("2024-03-01 12:34:56", 1114) == R"("2024-03-01T12:34:56")");
  CHECK(json_of("2024-03-01 12:34:56.5", 1114) == R"("2024-03-01T12:34:56.5")");
  CHECK(json_of("-infinity", 1114) == R"("-infinity")");
  CHECK(json_of("0044-03-15 12:00:00 BC", 1114) == R"("0044-03-15 12:00:00 BC")");
  CHECK(json_of("", 1114) == R"("")");
}

TEST_CASE("values keeps dates, times and intervals as printed", "[values]") {
  CHECK(json_of("2024-03-01", 1082) == R"("2024-03-01")");
  CHECK(json_of("0044-03-15 BC", 1082) == R"("0044-03-15 BC")");
  CHECK(json_of("infinity", 1082) == R"("infinity")");
  CHECK(json_of("12:34:56.5", 1083) == R"("12:34:56.5")");
  CHECK(json_of("12:34:56+05:30", 1266) == R"("12:34:56+05:30")");
  CHECK(json_of("P1DT2H", 1186) == R"("P1DT2H")");
  CHECK(json_of("P1YT-2M-59.5S", 1186) == R"("P1YT-2M-59.5S")");
}
