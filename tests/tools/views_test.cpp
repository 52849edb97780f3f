// show_map, show_chart and view_data against the fake database: what the model reads, what the
// view draws, and the refusals that say what to change.
#include <cstring>

#include "fake_database.hpp"

using nlohmann::json;
using namespace tools_testing;

namespace {

constexpr values::Oid kGeometry = 90001;  // an extension type: its OID differs per database
constexpr values::Oid kFloat8 = 701;
constexpr values::Oid kText = 25;
constexpr values::Oid kTimestamptz = 1184;

// PostGIS's text output of a point: hex EWKB, little-endian, with its SRID.
std::string point(double x, double y, std::uint32_t srid = 4326) {
  unsigned char bytes[25] = {1, 1, 0, 0, 0x20};
  std::memcpy(bytes + 5, &srid, 4);
  std::memcpy(bytes + 9, &x, 8);
  std::memcpy(bytes + 17, &y, 8);
  static const char* digits = "0123456789ABCDEF";
  std::string hex;
  for (unsigned char byte : bytes) hex += {digits[byte >> 4], digits[byte & 15]};
  return hex;
}

db::Table positions(std::uint32_t srid = 4326) {
  return db::Table::make(
      {{"imei", kText}, {"gps_time", kTimestamptz}, {"speed_kmh", kFloat8}, {"geom", kGeometry}},
      {{"A", "2026-11-28 10:00:00+00", "12.5", point(36.80, -1.30, srid)},
       {"B", "2026-11-28 11:00:00+00", "80", point(36.90, -1.20, srid)},
       {"A", "2026-11-28 09:00:00+00", "0", point(36.85, -1.25, srid)}});
}

db::Table hourly() {
  return db::Table::make({{"hour", kTimestamptz}, {"imei", kText}, {"avg_speed", kFloat8}},
                         {{"2026-11-28 09:00:00+00", "A", "10"},
                          {"2026-11-28 09:00:00+00", "B", "30"},
                          {"2026-11-28 10:00:00+00", "A", "20"},
                          {"2026-11-28 10:00:00+00", "B", std::nullopt}});
}

struct Fixture {
  FakeDatabase database;
  db::CancelToken cancel;
  tools::SilentReporter reporter;
  tools::Toolbox toolbox{
      database, tools::Limits{}, tools::Phrasing{},
      tools::MapTiles{"https://{s}.tile.example.org/{z}/{x}/{y}.png", "© Example </script>"}};

  Fixture() { database.types().add({kGeometry, "geometry", "geometry", 'U', 0, ',', 0}); }

  tools::CallResult call(const std::string& name, const json& arguments) {
    return toolbox.call(name, arguments, cancel, reporter);
  }
  // The data the view fetches with the handle of `answer`.
  json view_data(const tools::CallResult& answer) {
    std::string handle = json::parse(answer->structured)["view"]["handle"];
    CHECK(answer->text.find("view handle: " + handle) != std::string::npos);
    CHECK(json::parse(answer->meta)["fleet-analytics/view"]["handle"] == handle);
    auto data = call("view_data", {{"handle", handle}});
    REQUIRE(data.ok());
    CHECK(data->structured.empty());  // for the view only: no structuredContent
    return json::parse(data->text);
  }
};

}  // namespace

TEST_CASE("show_map summarises what it draws, and its view gets every feature by handle", "[views]") {
  Fixture f;
  f.database.tables = {positions()};
  auto answer = f.call(
      "show_map", {{"sql", "SELECT imei, gps_time, speed_kmh, geom FROM p"}, {"colour_by", "speed_kmh"}});
  REQUIRE(answer.ok());
  json summary = json::parse(answer->structured);
  CHECK(summary["drawn"] == 3);
  CHECK(summary["geometry"]["types"]["Point"] == 3);
  CHECK(summary["bbox"] == json::array({36.80, -1.30, 36.90, -1.20}));
  CHECK(summary["time"]["from"] == "2026-11-28T09:00:00Z");
  CHECK(summary["time"]["to"] == "2026-11-28T11:00:00Z");
  CHECK(summary["colour_by"]["min"] == 0.0);
  CHECK(summary["colour_by"]["max"] == 80.0);

  json data = f.view_data(answer);
  REQUIRE(data["features"].size() == 3);
  CHECK(data["features"][0]["geometry"]["type"] == "Point");
  CHECK(data["features"][0]["properties"]["imei"] == "A");
  CHECK_FALSE(data["features"][0]["properties"].contains("geom"));
  CHECK(data["colour"]["type"] == "numeric");
  CHECK(data["time_column"] == "gps_time");
}

TEST_CASE("show_map colours by a text column with counted categories", "[views]") {
  Fixture f;
  f.database.tables = {positions()};
  auto answer = f.call("show_map", {{"sql", "SELECT * FROM p"}, {"colour_by", "imei"}});
  REQUIRE(answer.ok());
  json colour = json::parse(answer->structured)["colour_by"];
  CHECK(colour["type"] == "category");
  CHECK(colour["values"][0] == json{{"value", "A"}, {"rows", 2}});
  CHECK(f.view_data(answer)["colour"]["values"] == json::array({"A", "B"}));
}

TEST_CASE("show_map says what to change when it cannot draw the rows", "[views]") {
  Fixture f;
  f.database.tables = {hourly()};
  auto none = f.call("show_map", {{"sql", "SELECT * FROM h"}});
  REQUIRE_FALSE(none.ok());
  CHECK(none.failure().message.find("needs a geometry or geography column") != std::string::npos);
  CHECK(none.failure().message.find("avg_speed double precision") != std::string::npos);

  f.database.tables = {positions(3857)};
  auto projected = f.call("show_map", {{"sql", "SELECT * FROM p"}});
  REQUIRE_FALSE(projected.ok());
  CHECK(projected.failure().message.find("ST_Transform(geom, 4326)") != std::string::npos);

  f.database.tables = {positions()};
  auto unknown = f.call("show_map", {{"sql", "SELECT * FROM p"}, {"colour_by", "colour"}});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.failure().message.find("colour_by names no column") != std::string::npos);
  CHECK(f.call("show_map", {{"sql", "DELETE FROM p"}}).failure().kind == fam::FailureKind::kRefused);
}

TEST_CASE("show_chart splits rows into series and summarises each", "[views]") {
  Fixture f;
  f.database.tables = {hourly()};
  auto answer = f.call("show_chart", {{"sql", "SELECT * FROM h"}, {"series", "imei"}, {"kind", "bar"}});
  REQUIRE(answer.ok());
  json summary = json::parse(answer->structured);
  CHECK(summary["x"]["column"] == "hour");
  CHECK(summary["x"]["from"] == "2026-11-28T09:00:00Z");
  CHECK(summary["x"]["to"] == "2026-11-28T10:00:00Z");
  REQUIRE(summary["series"].size() == 2);
  CHECK(summary["series"][0]["name"] == "A");
  CHECK(summary["series"][0]["mean"] == 15.0);
  CHECK(summary["series"][0]["last"]["y"] == 20.0);
  CHECK(summary["series"][1]["last"]["y"].is_null());  // a gap stays a gap

  json data = f.view_data(answer);
  CHECK(data["chart"] == "bar");
  CHECK(data["x"]["type"] == "time");
  CHECK(data["series"][0]["points"] ==
        json::array({{"2026-11-28T09:00:00Z", 10.0}, {"2026-11-28T10:00:00Z", 20.0}}));
}

TEST_CASE("show_chart names the columns it could plot when asked for one it cannot", "[views]") {
  Fixture f;
  f.database.tables = {hourly()};
  auto wrong = f.call("show_chart", {{"sql", "SELECT * FROM h"}, {"y", "avg_speed, max_speed"}});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.failure().message.find("y names no column \"max_speed\"") != std::string::npos);
  CHECK(f.call("show_chart", {{"sql", "SELECT * FROM h"}, {"kind", "pie"}}).failure().kind ==
        fam::FailureKind::kInvalid);
}

TEST_CASE("view_data says what to do when a view's data is gone", "[views]") {
  Fixture f;
  auto gone = f.call("view_data", {{"handle", "v-0000000000000000"}});
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.failure().message.find("ask for the map or chart again") != std::string::npos);
}

TEST_CASE("the view tools name their views, and view_data is for views only", "[views]") {
  Fixture f;
  json tools = json::parse(f.toolbox.list_json());
  auto tool = [&tools](std::string_view name) {
    for (const json& t : tools)
      if (t["name"] == name) return t;
    FAIL("no tool " << name);
    return json();
  };
  CHECK(tool("show_map")["_meta"]["ui"]["resourceUri"] == "ui://fleet-analytics/map");
  CHECK(tool("show_map")["_meta"]["ui/resourceUri"] == "ui://fleet-analytics/map");
  CHECK(tool("show_chart")["_meta"]["ui"]["resourceUri"] == "ui://fleet-analytics/chart");
  CHECK(tool("view_data")["_meta"]["ui"]["visibility"] == json::array({"app"}));
  CHECK_FALSE(tool("query").contains("_meta"));
}

TEST_CASE("the map view is served with its tiles and their origin in its CSP", "[views]") {
  Fixture f;
  json listed = json::parse(f.toolbox.resources_json());
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["mimeType"] == "text/html;profile=mcp-app");
  auto read = f.toolbox.read_resource("ui://fleet-analytics/map");
  REQUIRE(read);
  json content = json::parse(*read)[0];
  const std::string html = content["text"];
  CHECK(html.find("{z}/{x}/{y}.png") != std::string::npos);
  CHECK(html.find("Example <\\/script>") != std::string::npos);  // cannot end the script element
  CHECK(content["_meta"]["ui"]["csp"]["resourceDomains"] == json::array({"https://*.tile.example.org"}));
  CHECK_FALSE(f.toolbox.read_resource("ui://fleet-analytics/nothing"));
}
