// Each tool against the sandbox's fleet dataset, and the values an analyst gets back.
#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

json rows_of(McpClient& client, const std::string& sql, json extra = json::object()) {
  extra["sql"] = sql;
  json result = client.call_tool("query", extra);
  INFO(result.dump());
  REQUIRE(result["isError"] == false);
  // The text is a summary for hosts that show only text, not a second copy of the JSON.
  const std::string text = result["content"][0]["text"];
  const std::size_t rows = result["structuredContent"]["row_count"];
  REQUIRE(text.starts_with(std::to_string(rows) + (rows == 1 ? " row" : " rows")));
  return result["structuredContent"];
}

json first_value(McpClient& client, const std::string& sql) {
  return rows_of(client, sql)["rows"][0][0];
}

}  // namespace

TEST_CASE("list_schemas shows the readable schemas and hides the rest", "[tools]") {
  McpClient client;
  json result = client.call_tool("list_schemas");
  REQUIRE(result["isError"] == false);
  std::vector<std::string> names;
  for (const json& s : result["structuredContent"]["schemas"]) names.push_back(s["schema"]);
  CHECK(names == std::vector<std::string>{"reporting", "tracksolid"});
  CHECK(result["structuredContent"]["schemas"][1]["tables"].get<int>() >= 3);
}

TEST_CASE("list_tables gives kinds, comments and estimates", "[tools]") {
  McpClient client;
  json tables = client.call_tool("list_tables", {{"schema", "reporting"}})["structuredContent"]["tables"];
  std::map<std::string, std::string> kinds;
  for (const json& t : tables) kinds[t["name"]] = t["kind"];
  CHECK(kinds["trips"] == "table");
  CHECK(kinds["v_daily_distance"] == "view");
  CHECK(kinds["mv_daily_device_summary"] == "materialized view");
  json unknown = client.call_tool("list_tables", {{"schema", "internal"}});
  CHECK(unknown["isError"] == true);
  CHECK(unknown["content"][0]["text"].get<std::string>().find("list_schemas") != std::string::npos);
}

TEST_CASE("describe_table gives real types, keys and indexes", "[tools]") {
  McpClient client;
  json d = client.call_tool("describe_table",
                            {{"schema", "tracksolid"}, {"table", "positions"}})["structuredContent"];
  std::map<std::string, std::string> types;
  for (const json& c : d["columns"]) types[c["name"]] = c["type"];
  CHECK(types["geom"] == "geometry(Point,4326)");
  CHECK(types["gps_time"] == "timestamp with time zone");
  CHECK(types["odometer_km"] == "numeric(12,3)");
  CHECK(d["primary_key"] == json::array({"imei", "gps_time"}));
  CHECK(d["foreign_keys"][0]["references"] == "tracksolid.devices");
  CHECK(d["indexes"].size() >= 2);
  if (testing::has_timescaledb()) {
    CHECK(d["hypertable"]["dimensions"][0]["column"] == "gps_time");
    CHECK(d["hypertable"]["chunks"].get<int>() >= 1);
  } else {
    CHECK_FALSE(d.contains("hypertable"));  // without TimescaleDB the part is simply absent
  }
  json view = client.call_tool("describe_table", {{"schema", "reporting"}, {"table", "v_daily_distance"}});
  CHECK(view["structuredContent"]["kind"] == "view");
  CHECK(view["structuredContent"]["view_definition"].get<std::string>().find("SELECT") != std::string::npos);
  json missing = client.call_tool("describe_table", {{"schema", "tracksolid"}, {"table", "nope"}});
  CHECK(missing["isError"] == true);
  json hidden = client.call_tool("describe_table", {{"schema", "internal"}, {"table", "api_keys"}});
  CHECK(hidden["isError"] == true);
}

TEST_CASE("list_functions shows the reporting functions with signatures", "[tools]") {
  McpClient client;
  json fns = client.call_tool("list_functions")["structuredContent"];
  CHECK(fns["schema"] == "reporting");
  std::map<std::string, json> by_name;
  for (const json& f : fns["functions"]) by_name[f["name"]] = f;
  REQUIRE(by_name.count("fn_distance_km"));
  CHECK(by_name["fn_distance_km"]["returns"] == "numeric");
  CHECK(by_name["fn_distance_km"]["volatility"] == "stable");
  CHECK(by_name["fn_device_track"]["arguments"].get<std::string>().find("p_imei text") != std::string::npos);
}

TEST_CASE("sample_table returns the first n rows through the guarded path", "[tools]") {
  McpClient client;
  json sample =
      client.call_tool("sample_table", {{"schema", "tracksolid"}, {"table", "positions"}, {"n", 3}});
  REQUIRE(sample["isError"] == false);
  CHECK(sample["structuredContent"]["row_count"] == 3);
  CHECK(sample["structuredContent"]["rows"][0].size() == sample["structuredContent"]["columns"].size());
  json odd = client.call_tool("sample_table", {{"schema", "tracksolid"}, {"table", "x\"; DROP TABLE y; --"}});
  CHECK(odd["isError"] == true);
}

TEST_CASE("query caps rows at max_rows and clamps it to the ceiling", "[tools]") {
  McpClient client({"--max-rows", "50"});
  json capped = rows_of(client, "SELECT * FROM tracksolid.positions", {{"max_rows", 10}});
  CHECK(capped["row_count"] == 10);
  CHECK(capped["truncated"] == true);
  json clamped = rows_of(client, "SELECT g FROM generate_series(1, 100) g", {{"max_rows", 5000}});
  CHECK(clamped["row_count"] == 50);
  CHECK(clamped["notices"][0].get<std::string>().find("ceiling") != std::string::npos);
  json exact = rows_of(client, "SELECT g FROM generate_series(1, 7) g", {{"max_rows", 7}});
  CHECK(exact["truncated"] == false);
  CHECK(exact["row_count"] == 7);
}

TEST_CASE("query keeps duplicate column names and aligns rows with columns", "[tools]") {
  McpClient client;
  json r = rows_of(client, "SELECT 1 AS a, 2 AS a, 'x' AS b");
  CHECK(r["columns"] == json::parse(R"([{"name":"a","type":"integer"},{"name":"a","type":"integer"},
                                        {"name":"b","type":"text"}])"));
  CHECK(r["rows"][0] == json::array({1, 2, "x"}));
}

TEST_CASE("values come back as JSON an analyst can use", "[tools][values]") {
  McpClient client;
  CHECK(first_value(client, "SELECT 9007199254740993::int8") == "9007199254740993");
  CHECK(first_value(client, "SELECT 42::int8") == 42);
  CHECK(first_value(client, "SELECT 12.50::numeric(10,2)") == "12.50");
  CHECK(first_value(client, "SELECT 'NaN'::float8") == "NaN");
  CHECK(first_value(client, "SELECT 1.5::float8") == 1.5);
  CHECK(first_value(client, "SELECT true") == true);
  CHECK(first_value(client, "SELECT timestamptz '2024-03-01 12:00:00+03'") == "2024-03-01T09:00:00Z");
  CHECK(first_value(client, "SELECT timestamp '2024-03-01 12:00:00'") == "2024-03-01T12:00:00");
  CHECK(first_value(client, "SELECT date '2024-03-01'") == "2024-03-01");
  CHECK(first_value(client, "SELECT interval '1 day 2 hours'") == "P1DT2H");
  CHECK(first_value(client, "SELECT '{\"a\": [1, 2]}'::jsonb") == json::parse(R"({"a":[1,2]})"));
  CHECK(first_value(client, "SELECT ARRAY[[1,2],[3,NULL]]") == json::parse("[[1,2],[3,null]]"));
  CHECK(first_value(client, "SELECT 'hello'::bytea") == "aGVsbG8=");
  CHECK(first_value(client, "SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid") ==
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(first_value(client, "SELECT 'POINT(36.8 -1.29)'::geometry") ==
        json::parse(R"({"type":"Point","coordinates":[36.8,-1.29]})"));
  json area = first_value(client, "SELECT area FROM tracksolid.geofences LIMIT 1");
  CHECK(area["type"] == "Polygon");
  CHECK(area["crs"]["properties"]["name"] == "EPSG:3857");
  CHECK(first_value(client, "SELECT driver_name FROM tracksolid.devices WHERE driver_name LIKE 'Wanjir%'") ==
        "Wanjirũ Kamau");
}

TEST_CASE("a huge value is replaced by a note instead of flooding the context", "[tools]") {
  McpClient client;
  json v = first_value(client, "SELECT repeat('x', 1000000)");
  CHECK(v.get<std::string>().find("value omitted") != std::string::npos);
}

TEST_CASE("EXPLAIN works and SQL errors say what to change", "[tools]") {
  McpClient client;
  json plan = rows_of(client, "EXPLAIN SELECT * FROM tracksolid.positions WHERE imei = 'x'");
  CHECK(plan["columns"][0]["name"] == "QUERY PLAN");
  json bad = client.call_tool("query", {{"sql", "SELECT imei FROM tracksolid.no_such_table"}});
  CHECK(bad["isError"] == true);
  std::string text = bad["content"][0]["text"];
  CHECK(text.find("42P01") != std::string::npos);
  CHECK(text.find("list_tables") != std::string::npos);
  json position = client.call_tool("query", {{"sql", "SELECT nope FROM tracksolid.devices"}});
  CHECK(position["content"][0]["text"].get<std::string>().find("at character 8") != std::string::npos);
  json args = client.call_tool("query", {{"sql", 5}});
  CHECK(args["isError"] == true);
  CHECK(args["content"][0]["text"].get<std::string>().find("'sql' must be a string") != std::string::npos);
  json extra = client.call_tool("query", {{"sql", "SELECT 1"}, {"rows", 5}});
  CHECK(extra["content"][0]["text"].get<std::string>().find("unknown argument 'rows'") != std::string::npos);
}
