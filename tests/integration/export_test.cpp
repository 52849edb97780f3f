// export_query end to end: the real binary writes each format into a fresh folder, an independent
// reader (tests/integration/read_export.py: Python's csv and json modules, openpyxl, ogrinfo) opens
// the file, and what it reads is compared with the same rows read directly with psql, rendered the
// way each format promises (src/export/export.hpp).
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;
namespace fs = std::filesystem;

namespace {

// ---- running psql and the checker ----------------------------------------------------------------

std::string shell_quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// What the program prints on stdout; fails the test unless it exits 0.
std::string output_of(const std::vector<std::string>& argv) {
  std::string command;
  for (const std::string& word : argv) command += shell_quoted(word) + " ";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char chunk[65536];
  for (std::size_t n; (n = fread(chunk, 1, sizeof chunk, pipe)) > 0;) out.append(chunk, n);
  const int status = pclose(pipe);
  INFO(command << "\n" << out);
  REQUIRE(status == 0);
  return out;
}

// One JSON value the SQL computes, read with psql as the sandbox superuser.
json psql_json(const std::string& sql) {
  std::string out = output_of(
      {"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", testing::admin_url(), "-c", sql});
  INFO(sql);
  return json::parse(out);
}

// What the independent reader found in the file (see read_export.py for the shape).
json read_export(const std::string& format, const fs::path& file) {
  const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  return json::parse(output_of({python, FAM_EXPORT_CHECKER, format, file.string()}));
}

// Where `actual` differs from `expected` ("rows[3][7]: expected …, read …"), or "" when it does not.
std::string difference(const json& expected, const json& actual, const std::string& at) {
  if (expected.is_array() && actual.is_array() && expected.size() == actual.size()) {
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (auto d = difference(expected[i], actual[i], at + "[" + std::to_string(i) + "]"); !d.empty())
        return d;
    return "";
  }
  if (expected == actual) return "";
  return at + ": expected " + expected.dump() + ", read " + actual.dump();
}

// ---- the export folder -------------------------------------------------------------------------

// A fresh temporary folder; the server is pointed at `dir` inside it, which it creates itself.
struct ExportDir {
  fs::path root;
  fs::path dir;
  ExportDir() {
    std::string pattern = (fs::temp_directory_path() / "fam-export-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    root = pattern;
    dir = root / "exports";
  }
  ~ExportDir() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  ExportDir(const ExportDir&) = delete;
  ExportDir& operator=(const ExportDir&) = delete;

  std::vector<std::string> files() const {
    std::vector<std::string> names;
    std::error_code missing;
    for (const auto& entry : fs::directory_iterator(dir, missing)) names.push_back(entry.path().filename());
    return names;
  }
  std::vector<std::string> args() const { return {"--export-dir", dir.string()}; }
};

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string contents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

json export_query(McpClient& client, const std::string& sql, const std::string& format,
                  const std::string& name = "") {
  json arguments = {{"sql", sql}, {"format", format}};
  if (!name.empty()) arguments["name"] = name;
  return client.call_tool("export_query", arguments);
}

// The answer of an export that worked, and its file.
json exported(McpClient& client, const std::string& sql, const std::string& format,
              const std::string& name = "") {
  json result = export_query(client, sql, format, name);
  INFO(result.dump(1));
  REQUIRE(result["isError"] == false);
  REQUIRE(fs::is_regular_file(result["structuredContent"]["path"].get<std::string>()));
  return result;
}

// Sends export_query as request `id` with a progress token (its value is `id` too), not waiting.
void send_export(McpClient& client, const std::string& id, const std::string& sql,
                 const std::string& format) {
  json params = {{"name", "export_query"}, {"arguments", {{"sql", sql}, {"format", format}, {"name", id}}}};
  params["_meta"] = testing::meta();
  params["_meta"]["progressToken"] = id;
  client.send({{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}});
}

std::string error_text(const json& result) {
  return result["content"][0]["text"].get<std::string>();
}

// ---- the wide mix ------------------------------------------------------------------------------

// One statement with most of what an analyst's query returns: NULLs in every column (row 6), integers
// past 2^53, a numeric with 29 digits, floats, text that CSV must quote, non-ASCII, the empty string
// (row 4), timestamps with fractions given in zones other than UTC, JSON, arrays, geometries in
// SRID 4326 (geom) and 3857 (merc), and three rows of the sandbox's GPS positions (ids 101-103).
const std::string kMix = R"SQL(
WITH v(id, i4, i8, num, f8, flag, txt, ts, d, tm, doc, ints, wkt) AS (VALUES
  ('1', '42', '9007199254740993', '12345678901234567890.123456789', '1.5', 'true',
   'Nairobi — Ngong Rd, "Kilimani"', '2026-03-01 12:34:56.789+03', '2026-03-01', '08:15:30.5',
   '{"a": [1, 2], "k": "v,\"q\""}', '{1,NULL,3}', 'POINT(36.8172 -1.2864)'),
  ('2', '-7', '-9223372036854775807', '12.50', '-0.1', 'false', 'Zürich', '1999-12-31 23:59:59-08',
   '1999-12-31', '23:59:59', '[]', '{}', 'POINT(8.5417 47.3769)'),
  ('3', NULL, '42', '-0.000001', '1e300', NULL, '東京', '2026-06-15 00:00:00.5+05:30', '2026-06-15',
   '00:00:00', '"just, a string"', '{-5}', 'POINT(139.6917 35.6895)'),
  ('4', '0', '0', '0', '0', 'false', '', '2026-01-01 00:00:00+00', '2026-01-01', '12:00:00', '{}', '{0}',
   'POINT(0 0)'),
  ('5', '2147483647', '-9007199254740993', '99999999999999.5', '-2.5e-7', 'true', E'line one\nline two',
   '2026-03-01 23:30:00.123456-02', '2024-02-29', '06:00:00.25', 'null', '{7,8}', 'POINT(-0.1276 51.5072)'),
  ('6', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))
SELECT id::int AS id, i4::int AS i4, i8::int8 AS i8, num::numeric AS num, f8::float8 AS f8,
       flag::boolean AS flag, txt, ts::timestamptz AS ts, d::date AS d, tm::time AS tm, doc::jsonb AS doc,
       ints::int[] AS ints, ST_SetSRID(wkt::geometry, 4326) AS geom,
       ST_Transform(ST_SetSRID(wkt::geometry, 4326), 3857) AS merc
FROM v
UNION ALL
SELECT * FROM (
  SELECT (100 + row_number() OVER (ORDER BY imei, gps_time))::int, heading::int, satellites::int8, odometer_km,
         speed_kmh::float8, ignition, imei, gps_time, (gps_time AT TIME ZONE 'UTC')::date,
         (gps_time AT TIME ZONE 'UTC')::time, raw, ARRAY[heading::int, satellites::int], geom,
         ST_Transform(geom, 3857)
  FROM tracksolid.positions WHERE speed_kmh > 0 ORDER BY imei, gps_time LIMIT 3) AS p
ORDER BY id)SQL";

const std::vector<std::string> kMixColumns = {"id", "i4", "i8", "num", "f8",   "flag", "txt",
                                              "ts", "d",  "tm", "doc", "ints", "geom", "merc"};
constexpr int kMixRows = 9;

// "2026-03-01T09:34:56.789Z": UTC, with the fraction PostgreSQL prints (none when zero).
std::string iso_utc(const std::string& column) {
  const std::string utc = "(" + column + " AT TIME ZONE 'UTC')";
  return "to_char(" + utc + ", 'YYYY-MM-DD\"T\"HH24:MI:SS') || rtrim(rtrim(to_char(" + utc +
         ", '.US'), '0'), '.') || 'Z'";
}

// Each column as the CSV field should read (text, or NULL for an empty unquoted field).
std::vector<std::string> csv_renderers() {
  return {"id::text",
          "i4::text",
          "i8::text",
          "num::text",
          "f8::text",
          "CASE flag WHEN true THEN 'true' WHEN false THEN 'false' END",
          "txt",
          iso_utc("ts"),
          "to_char(d, 'YYYY-MM-DD')",
          "tm::text",
          "doc::text",
          "array_to_json(ints)::text",
          "ST_AsText(geom, 17)",
          "ST_AsText(merc, 17)"};
}

// Each column as the query tool's JSON has it: integers past 2^53 and numerics as strings, timestamps
// as ISO 8601 strings, geometries as GeoJSON (with a "crs" outside SRID 4326).
std::vector<std::string> json_renderers() {
  return {"to_json(id)",
          "to_json(i4)",
          "CASE WHEN abs(i8) > 9007199254740992 THEN to_json(i8::text) ELSE to_json(i8) END",
          "to_json(num::text)",
          "to_json(f8)",
          "to_json(flag)",
          "to_json(txt)",
          "to_json(" + iso_utc("ts") + ")",
          "to_json(to_char(d, 'YYYY-MM-DD'))",
          "to_json(tm::text)",
          "doc::json",
          "array_to_json(ints)",
          "ST_AsGeoJSON(geom, 17)::json",
          "ST_AsGeoJSON(merc, 17)::json"};
}

std::string typed_cell(const std::string& kind, const std::string& column, const std::string& value) {
  return "CASE WHEN " + column + " IS NOT NULL THEN json_build_array('" + kind + "', " + value + ") END";
}

// Each column as the spreadsheet cell openpyxl should read: [kind, value]. Numbers are numbers where a
// double keeps every digit (integers within 2^53, numerics of at most 15 significant digits), else
// text; dates and timestamps (UTC) are date cells, which Excel keeps to the millisecond; times are time
// cells; the rest is text. An empty string is an empty cell, as NULL is: libxlsxwriter writes no cell
// for "".
std::vector<std::string> xlsx_renderers() {
  const std::string significant_digits = "length(trim(both '0' from translate(num::text, '-.', '')))";
  return {
      typed_cell("number", "id", "id"),
      typed_cell("number", "i4", "i4"),
      "CASE WHEN abs(i8) > 9007199254740992 THEN json_build_array('str', i8::text) ELSE " +
          typed_cell("number", "i8", "i8") + " END",
      "CASE WHEN " + significant_digits + " > 15 THEN json_build_array('str', num::text) ELSE " +
          typed_cell("number", "num", "num::float8") + " END",
      typed_cell("number", "f8", "f8"),
      typed_cell("bool", "flag", "flag"),
      "CASE WHEN txt <> '' THEN json_build_array('str', txt) END",
      typed_cell("datetime", "ts", "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"000\"')"),
      typed_cell("datetime", "d", "to_char(d, 'YYYY-MM-DD\"T00:00:00.000000\"')"),
      typed_cell("time", "tm", "to_char(tm, 'HH24:MI:SS.MS\"000\"')"),
      typed_cell("str", "doc", "doc::text"),
      typed_cell("str", "ints", "array_to_json(ints)::text"),
      typed_cell("str", "geom", "ST_AsText(geom, 17)"),
      typed_cell("str", "merc", "ST_AsText(merc, 17)")};
}

// The mix's rows as psql reads them, each column rendered by `renderers` (one per column of kMix).
json expected_rows(const std::vector<std::string>& renderers) {
  std::string cells;
  for (const std::string& r : renderers) cells += (cells.empty() ? "" : ", ") + r;
  return psql_json("SELECT json_agg(json_build_array(" + cells + ") ORDER BY id) FROM (" + kMix + ") AS q");
}

// Exports the mix as `format` and returns what the reader found, after the checks every format shares.
json export_mix(const std::string& format, const std::string& sql = kMix) {
  ExportDir exports;
  McpClient client(exports.args());
  json answer = exported(client, sql, format, "mix");
  CHECK(answer["structuredContent"]["rows"] == kMixRows);
  return read_export(format, answer["structuredContent"]["path"].get<std::string>());
}

}  // namespace

TEST_CASE("a CSV export holds the values psql reads, quoted by RFC 4180 with CRLF line ends", "[export]") {
  json file = export_mix("csv");
  CHECK(file["columns"] == json(kMixColumns));
  CHECK(file["crlf"] == true);
  CHECK(file["bom"] == false);
  CHECK(difference(expected_rows(csv_renderers()), file["rows"], "rows") == "");
}

TEST_CASE("a JSON lines export holds each row as the query tool's JSON, keyed by column", "[export]") {
  json file = export_mix("jsonl");
  CHECK(file["columns"] == json(kMixColumns));
  CHECK(file["same_keys"] == true);
  CHECK(difference(expected_rows(json_renderers()), file["rows"], "rows") == "");
}

TEST_CASE("an XLSX export has typed cells: numbers, booleans, dates and times where they fit", "[export]") {
  json file = export_mix("xlsx");
  if (file.contains("skipped")) {
    WARN("XLSX not read: " << file["skipped"].get<std::string>());
    return;
  }
  CHECK(file["sheets"] == json::array({"rows"}));
  CHECK(file["columns"] == json(kMixColumns));
  CHECK(difference(expected_rows(xlsx_renderers()), file["rows"], "rows") == "");
}

namespace {

// The mix with one of its two geometry columns (the last two), which becomes each feature's
// geometry: the SQL, and what a reader should find in the file.
struct GeometryMix {
  std::string sql;
  std::vector<std::string> columns;    // "<geometry>", then the properties
  std::vector<std::string> renderers;  // how psql renders each of them
};

GeometryMix geometry_mix(const std::string& geometry) {
  GeometryMix mix{"", {kMixColumns.begin(), kMixColumns.end() - 2}, json_renderers()};
  mix.renderers.resize(mix.renderers.size() - 2);
  mix.renderers.insert(mix.renderers.begin(), "ST_AsGeoJSON(" + geometry + ", 17, 0)::json");
  std::string list;
  for (const std::string& c : mix.columns) list += c + ", ";
  mix.sql = "SELECT " + list + geometry + " FROM (" + kMix + ") AS m ORDER BY id";
  mix.columns.insert(mix.columns.begin(), "<geometry>");
  return mix;
}

// The features as GeoJSON readers see them: the rows, and GDAL's count and SRS where it is installed.
void check_features(const json& file, const GeometryMix& mix, const std::string& srs) {
  CHECK(file["columns"] == json(mix.columns));
  CHECK(difference(expected_rows(mix.renderers), file["rows"], "rows") == "");
  if (file["ogr"].is_null()) {
    WARN("ogrinfo is missing: the GeoJSON file was not read with GDAL");
  } else {
    CHECK(file["ogr"]["features"] == kMixRows);
    CHECK(file["ogr"]["srs"] == srs);
  }
}

}  // namespace

TEST_CASE("a GeoJSON export in SRID 4326 has a feature per row and no crs member", "[export]") {
  // The mix without merc: geom (4326) is the only geometry, and so each feature's.
  const GeometryMix mix = geometry_mix("geom");
  json file = export_mix("geojson", mix.sql);
  CHECK(file["type"] == "FeatureCollection");
  CHECK(file["feature_types"] == json::array({"Feature"}));
  CHECK(file["crs"] == nullptr);
  check_features(file, mix, "WGS 84");
}

TEST_CASE("a GeoJSON export in SRID 3857 names its CRS in a top-level crs member", "[export]") {
  // The mix without geom: merc (3857) is the features' geometry.
  const GeometryMix mix = geometry_mix("merc");
  ExportDir exports;
  McpClient client(exports.args());
  json answer = exported(client, mix.sql, "geojson");
  json notices = answer["structuredContent"].value("notices", json::array());
  CHECK(notices.dump().find("3857") != std::string::npos);  // the answer says what the file's SRID is
  json file = read_export("geojson", answer["structuredContent"]["path"].get<std::string>());
  CHECK(file["crs"] == json::parse(R"({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}})"));
  check_features(file, mix, "WGS 84 / Pseudo-Mercator");
}

TEST_CASE("the answer describes the file it wrote, and links to it", "[export]") {
  const std::string sql =
      "SELECT n, 'row ' || n AS label, ST_SetSRID(ST_MakePoint(n, -n), 4326) AS geom "
      "FROM generate_series(1, 12) AS n";
  const std::map<std::string, std::string> media = {
      {"csv", "text/csv"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"geojson", "application/geo+json"},
      {"jsonl", "application/jsonl"}};
  ExportDir exports;
  McpClient client(exports.args());
  for (const auto& [format, media_type] : media) {
    INFO(format);
    json result = exported(client, sql, format);
    const json& answer = result["structuredContent"];
    const fs::path path = answer["path"].get<std::string>();
    CHECK(path.parent_path() == exports.dir);
    CHECK(path.extension() == "." + format);
    CHECK(answer["format"] == format);
    CHECK(answer["rows"] == 12);
    CHECK(answer["bytes"] == fs::file_size(path));
    CHECK(answer["truncated"] == false);
    CHECK(answer["columns"] == json::parse(R"([{"name":"n","type":"integer"},{"name":"label","type":"text"},
                          {"name":"geom","type":"geometry"}])"));
    REQUIRE(answer["preview"].size() == 5);
    CHECK(answer["preview"][0] == json::parse(R"([1, "row 1", {"type":"Point","coordinates":[1,-1]}])"));
    CHECK(answer["preview"][4][0] == 5);
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(exports.dir) == 0700);
    REQUIRE(result["content"].size() == 2);
    CHECK(result["content"][0]["type"] == "text");
    CHECK(result["content"][0]["text"].get<std::string>().find(path.string()) != std::string::npos);
    const json& link = result["content"][1];
    CHECK(link["type"] == "resource_link");
    CHECK(link["uri"] == "file://" + path.string());
    CHECK(link["name"] == path.filename().string());
    CHECK(link["mimeType"] == media_type);
    CHECK(link["size"] == answer["bytes"]);
    json file = read_export(format, path);
    if (!file.contains("skipped")) CHECK(file["rows"].size() == 12);
  }
  CHECK(exports.files().size() == media.size());
}

TEST_CASE("the link to a file in a folder with a space and non-ASCII is a percent-encoded file URI",
          "[export]") {
  ExportDir exports;
  const fs::path dir = exports.root / "Fleet exports — Zürich";
  McpClient client({"--export-dir", dir.string()});
  json result = exported(client, "SELECT 1 AS n", "jsonl", "week 12");
  const fs::path path = result["structuredContent"]["path"].get<std::string>();
  CHECK(path == dir / "week_12.jsonl");
  CHECK(result["content"][1]["uri"] ==
        "file://" + exports.root.string() + "/Fleet%20exports%20%E2%80%94%20Z%C3%BCrich/week_12.jsonl");
}

TEST_CASE("an export never overwrites a file and never leaves the export folder", "[export]") {
  ExportDir exports;
  McpClient client(exports.args());
  json first = exported(client, "SELECT 1 AS n", "csv", "trips-june");
  const fs::path first_path = first["structuredContent"]["path"].get<std::string>();
  CHECK(first_path == exports.dir / "trips-june.csv");
  const std::string before = contents(first_path);
  CHECK(before == "n\r\n1\r\n");
  json second = exported(client, "SELECT 2 AS n", "csv", "trips-june");
  CHECK(second["structuredContent"]["path"] == (exports.dir / "trips-june-2.csv").string());
  CHECK(contents(first_path) == before);

  const std::string passwd = contents("/etc/passwd");
  for (const std::string name : {"../../etc/passwd", "/etc/passwd", "..", "a/../../b"}) {
    INFO(name);
    json escaped = exported(client, "SELECT 3 AS n", "csv", name);
    const fs::path path = escaped["structuredContent"]["path"].get<std::string>();
    CHECK(path.parent_path() == exports.dir);
    CHECK_FALSE(path.filename().string().starts_with("."));
  }
  CHECK(contents("/etc/passwd") == passwd);
  // Nothing was written beside the export folder, only in it.
  std::vector<std::string> beside;
  for (const auto& entry : fs::directory_iterator(exports.root)) beside.push_back(entry.path().filename());
  CHECK(beside == std::vector<std::string>{"exports"});
  CHECK(exports.files().size() == 6);
}

TEST_CASE("a 50,000-row CSV export is whole on disk while the answer stays small", "[export]") {
  ExportDir exports;
  McpClient client(exports.args());
  json result = exported(client,
                         "SELECT n, md5(n::text) AS hash, n * 0.5 AS half, timestamptz '2026-01-01 00:00Z' + "
                         "n * interval '1 minute' AS at FROM generate_series(1, 50000) AS n",
                         "csv", "big");
  const json& answer = result["structuredContent"];
  CHECK(answer["rows"] == 50000);
  CHECK(answer["truncated"] == false);
  CHECK(answer["preview"].size() == 5);
  CHECK(answer.dump().size() < 40000);
  const fs::path path = answer["path"].get<std::string>();
  const std::string text = contents(path);
  CHECK(answer["bytes"] == text.size());
  CHECK(count_of(text, "\r\n") == 50001);
  CHECK(count_of(text, "\n") == 50001);
  json file = read_export("csv", path);
  REQUIRE(file["rows"].size() == 50000);
  CHECK(file["rows"][49999] ==
        json::array({"50000", psql_json("SELECT to_json(md5('50000'))"), "25000.0", "2026-02-04T17:20:00Z"}));
}

TEST_CASE("--export-max-rows cuts the export and the answer says so", "[export]") {
  ExportDir exports;
  std::vector<std::string> args = exports.args();
  args.insert(args.end(), {"--export-max-rows", "100"});
  McpClient client(args);
  json result = exported(client, "SELECT n FROM generate_series(1, 1000) AS n", "csv");
  const json& answer = result["structuredContent"];
  CHECK(answer["rows"] == 100);
  CHECK(answer["truncated"] == true);
  CHECK(answer["truncated_by"] == "max_rows");
  REQUIRE(answer.contains("notices"));
  CHECK(answer["notices"].dump().find("--export-max-rows") != std::string::npos);
  json file = read_export("csv", answer["path"].get<std::string>());
  REQUIRE(file["rows"].size() == 100);
  CHECK(file["rows"][99] == json::array({"100"}));
}

TEST_CASE("a statement that fails after rows were written leaves no file", "[export]") {
  const std::string format = GENERATE("csv", "xlsx", "geojson", "jsonl");
  INFO(format);
  ExportDir exports;
  McpClient client(exports.args());
  send_export(client, "div",
              "SELECT n, 1 / (n - 30000) AS r, ST_SetSRID(ST_MakePoint(n, 0), 4326) AS geom "
              "FROM generate_series(1, 50000) AS n",
              format);
  int progress = 0;
  json response;
  for (;;) {
    json message = client.receive();
    if (message.contains("id")) {
      response = message;
      break;
    }
    if (message.value("method", "") == "notifications/progress") ++progress;
  }
  CHECK(progress >= 1);  // 10,000 rows or more were in the file when the division failed
  REQUIRE(response["id"] == "div");
  CHECK(response["result"]["isError"] == true);
  CHECK(error_text(response["result"]).find("division by zero") != std::string::npos);
  CHECK(exports.files().empty());
}

TEST_CASE("GeoJSON without a geometry column is refused with a way to make one", "[export]") {
  ExportDir exports;
  McpClient client(exports.args());
  json result =
      export_query(client, "SELECT imei, 36.8 AS lon, -1.29 AS lat FROM tracksolid.devices", "geojson");
  CHECK(result["isError"] == true);
  const std::string text = error_text(result);
  CHECK(text.find("geometry") != std::string::npos);
  CHECK(text.find("ST_MakePoint") != std::string::npos);
  CHECK(exports.files().empty());
}

TEST_CASE("a statement the guard refuses creates no file", "[export]") {
  ExportDir exports;
  McpClient client(exports.args());
  const std::string before = testing::database_fingerprint();
  for (const std::string sql :
       {"DELETE FROM tracksolid.devices", "SELECT 1; DROP TABLE tracksolid.devices"}) {
    INFO(sql);
    json result = export_query(client, sql, "csv");
    CHECK(result["isError"] == true);
    CHECK(error_text(result).starts_with("refused"));
  }
  CHECK(exports.files().empty());
  CHECK(testing::database_fingerprint() == before);
}

// About 0.2 ms a row (a subquery per row), so a million rows would take minutes: pg_sleep is refused.
// The row count hides in a subquery, so that the plan looks cheap and the cost guard lets it run.
const std::string kSlow =
    "SELECT n, (SELECT count(*) FROM generate_series(1, 2000 + n % 2)) AS work FROM generate_series(1, "
    "(SELECT 1000000)) AS n";

TEST_CASE("a cancelled export stops its statement, gets no answer and leaves no file", "[export]") {
  const std::string format = GENERATE("csv", "xlsx");
  INFO(format);
  ExportDir exports;
  McpClient client(exports.args());
  send_export(client, "slow", kSlow, format);
  // The first progress notification: 10,000 rows are in the file, and the statement runs on.
  for (;;) {
    json message = client.receive();
    INFO(message.dump());
    REQUIRE_FALSE(message.contains("id"));  // no answer before the cancel
    if (message.value("method", "") == "notifications/progress") {
      CHECK(message["params"]["progressToken"] == "slow");
      break;
    }
  }
  CHECK(exports.files() == std::vector<std::string>{"slow." + format});
  const std::string active =  // the role's statements that run now for this server
      "SELECT count(*) FROM pg_stat_activity WHERE usename = 'analytics_ro' AND application_name = '" +
      client.application_name() + "' AND state = 'active'";
  const std::string fetching = active + " AND query LIKE 'FETCH%'";
  REQUIRE(testing::admin_value_becomes(fetching, "1"));  // the next batch is being read
  client.send({{"jsonrpc", "2.0"},
               {"method", "notifications/cancelled"},
               {"params", {{"requestId", "slow"}, {"reason", "test"}}}});
  CHECK(testing::admin_value_becomes(fetching, "0"));
  // The server answers the next call, and nothing for the cancelled one comes before it...
  client.send_call("after", "query", {{"sql", "SELECT 1"}});
  for (;;) {
    json message = client.receive();
    INFO(message.dump());
    REQUIRE(message.value("id", json()) != "slow");
    if (message.value("id", json()) == "after") break;
  }
  CHECK(testing::admin_value_becomes(active, "0"));
  // ...or after it, up to the end: the process finishes what it was doing when its input ends.
  client.close_input();
  CHECK(client.wait_exit() == 0);
  CHECK(client.stdout_text().find(R"("id":"slow")") == std::string::npos);
  CHECK(exports.files().empty());
}

TEST_CASE("the query command writes a file with --output and says so on stderr only", "[export]") {
  ExportDir exports;
  const fs::path out = exports.root / "out.jsonl";
  testing::CommandRun run =
      testing::run_command({"query", "SELECT n, 'row ' || n AS label FROM generate_series(1, 3) AS n",
                            "--format", "jsonl", "--output", out.string()});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(run.out.empty());
  CHECK(run.err.find("Exported 3 rows") != std::string::npos);
  CHECK(run.err.find(out.string()) != std::string::npos);
  REQUIRE(fs::is_regular_file(out));
  CHECK(contents(out) ==
        "{\"n\":1,\"label\":\"row 1\"}\n{\"n\":2,\"label\":\"row 2\"}\n{\"n\":3,\"label\":\"row 3\"}\n");
  json file = read_export("jsonl", out);
  CHECK(file["rows"] == json::parse(R"([[1, "row 1"], [2, "row 2"], [3, "row 3"]])"));

  testing::CommandRun no_output = testing::run_command({"query", "SELECT 1", "--format", "xlsx"});
  CHECK(no_output.exit_code == 2);
  CHECK(no_output.out.empty());
  CHECK(no_output.err.find("--output") != std::string::npos);
}
