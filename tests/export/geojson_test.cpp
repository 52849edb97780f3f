#include <cstdio>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.hpp"

using export_test::kGeometry;
using export_test::point_ewkb;
using export_test::TempDir;
using exports::Format;
using nlohmann::json;

namespace {

// ogrinfo's summary of the file, or nullopt when GDAL is not installed.
std::optional<std::string> ogrinfo(const std::filesystem::path& path) {
  if (std::system("command -v ogrinfo >/dev/null 2>&1") != 0) return std::nullopt;
  const std::string command = "ogrinfo -ro -al -so '" + path.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) out.append(chunk, n);
  CHECK(::pclose(pipe) == 0);
  return out;
}

}  // namespace

TEST_CASE("geojson writes a feature collection with the first geometry column as geometry",
          "[export][geojson]") {
  const TempDir dir;
  const auto written = export_test::write(Format::kGeoJson, export_test::sample_query(), dir.path());
  const json doc = json::parse(export_test::read_file(written.path));
  CHECK(doc["type"] == "FeatureCollection");
  CHECK_FALSE(doc.contains("crs"));
  REQUIRE(doc["features"].size() == 3);
  const json& first = doc["features"][0];
  CHECK(first["type"] == "Feature");
  CHECK(first["geometry"] == json::parse(R"({"type":"Point","coordinates":[36.8172,-1.2864]})"));
  CHECK_FALSE(first["properties"].contains("geom"));
  CHECK(first["properties"]["amount"] == "123456789012345678901234567890.1234");
  CHECK(first["properties"]["seen_at"] == "2026-11-28T10:00:00.123Z");
  CHECK(first["properties"]["id_2"] == 7);
  CHECK(doc["features"][1]["geometry"].is_null());
  CHECK(doc["features"][2]["properties"]["note"].is_null());
  CHECK(written.notes.empty());
  if (auto summary = ogrinfo(written.path)) {
    CHECK_THAT(*summary, Catch::Contains("Feature Count: 3") && Catch::Contains("Point") &&
                             Catch::Contains("ID[\"EPSG\",4326]"));
  } else {
    WARN("ogrinfo is not installed: the file was not read back with GDAL");
  }
}

TEST_CASE("geojson names a crs other than WGS 84 after the features and says so in a note",
          "[export][geojson]") {
  const TempDir dir;
  export_test::Query q;
  q.columns = {{"name", 25}, {"geom", kGeometry}};
  q.rows.push_back({"depot", point_ewkb(4098500.5, -143200.25, 3857)});
  q.rows.push_back({"yard", point_ewkb(4098600, -143300, 3857)});
  const auto written = export_test::write(Format::kGeoJson, q, dir.path());
  const json doc = json::parse(export_test::read_file(written.path));
  CHECK(doc["crs"] == json::parse(R"({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}})"));
  CHECK_FALSE(doc["features"][0]["geometry"].contains("crs"));
  REQUIRE(written.notes.size() == 1);
  CHECK_THAT(written.notes[0], Catch::Contains("SRID 3857") && Catch::Contains("ST_Transform(geom, 4326)"));
  if (auto summary = ogrinfo(written.path)) {
    CHECK_THAT(*summary, Catch::Contains("Feature Count: 2") && Catch::Contains("ID[\"EPSG\",3857]"));
  }
}

TEST_CASE("geojson notes geometries in more than one SRID", "[export][geojson]") {
  const TempDir dir;
  export_test::Query q;
  q.columns = {{"geom", kGeometry}};
  q.rows.push_back({point_ewkb(1, 2, 4326)});
  q.rows.push_back({point_ewkb(4098500, -143200, 3857)});
  q.rows.push_back({point_ewkb(4098500, -143200, 3857)});
  const auto written = export_test::write(Format::kGeoJson, q, dir.path());
  REQUIRE(written.notes.size() == 1);
  CHECK_THAT(written.notes[0], Catch::Contains("more than one SRID (4326, 3857)"));
  CHECK(json::parse(export_test::read_file(written.path))["features"].size() == 3);
}

TEST_CASE("geojson refuses a query without a geometry column and says how to make one", "[export][geojson]") {
  const TempDir dir;
  auto path = exports::create_file(dir.path(), "", Format::kGeoJson);
  REQUIRE(path.ok());
  auto writer = exports::open_writer(Format::kGeoJson, *path, export_test::catalog());
  REQUIRE(writer.ok());
  const std::vector<exports::Column> columns = {{"lat", 701}, {"lon", 701}};
  const auto failure = (*writer)->begin(columns);
  REQUIRE(failure);
  CHECK(failure->kind == fam::FailureKind::kInvalid);
  CHECK_THAT(failure->message, Catch::Contains("lat double precision") &&
                                   Catch::Contains("ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom"));
}

TEST_CASE("geojson refuses rows after a begin that failed instead of writing a broken file",
          "[export][geojson]") {
  const TempDir dir;
  auto path = exports::create_file(dir.path(), "", Format::kGeoJson);
  REQUIRE(path.ok());
  auto writer = exports::open_writer(Format::kGeoJson, *path, export_test::catalog());
  REQUIRE(writer.ok());
  const std::vector<exports::Column> columns = {{"name", 25}};
  REQUIRE((*writer)->begin(columns));
  const std::optional<std::string_view> row[] = {"depot"};
  const auto failure = (*writer)->row(row);
  REQUIRE(failure);
  CHECK(failure->kind == fam::FailureKind::kInternal);
  CHECK_FALSE((*writer)->finish().ok());
}
