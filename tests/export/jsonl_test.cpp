#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.hpp"

using export_test::TempDir;
using exports::Format;
using nlohmann::json;

TEST_CASE("jsonl writes one object per row with values as a JSON answer holds them", "[export][jsonl]") {
  const TempDir dir;
  const auto written = export_test::write(Format::kJsonLines, export_test::sample_query(), dir.path());
  const std::string text = export_test::read_file(written.path);
  REQUIRE(text.ends_with("}\n"));
  const auto lines = export_test::lines(text);
  REQUIRE(lines.size() == 3);
  const json first = json::parse(lines[0]);
  CHECK(first["id"] == 1);
  CHECK(first["id_2"] == 7);
  CHECK(first["big"] == "9007199254740993");
  CHECK(first["amount"] == "123456789012345678901234567890.1234");
  CHECK(first["ratio"] == "NaN");
  CHECK(first["active"] == true);
  CHECK(first["note"] == "Nairobi, \"CBD\"\nline 2 \xC3\xA9 \xEF\xBF\xBD");
  CHECK(first["seen_at"] == "2026-11-28T10:00:00.123Z");
  CHECK(first["day"] == "2026-11-28");
  CHECK(first["payload"] == json::parse(R"({"a": [1, 2]})"));
  CHECK(first["codes"] == json::array({1, 2, 3}));
  CHECK(first["geom"] == json::parse(R"({"type":"Point","coordinates":[36.8172,-1.2864]})"));
  const json second = json::parse(lines[1]);
  CHECK(second["note"] == "");
  CHECK(second["geom"].is_null());
  CHECK(second["active"] == false);
  const json third = json::parse(lines[2]);
  CHECK(third.size() == 14);
  CHECK(third["amount"].is_null());
}
