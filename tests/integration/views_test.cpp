// show_map and show_chart against the real database, as a host that renders views calls them: their
// summaries alone answer what the views show (checked against the database itself), and the
// views' data comes by handle. The views in a browser are tests/views.
#include <catch2/catch.hpp>
#include <cmath>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

const std::string kPositions =
    "SELECT imei, gps_time, speed_kmh, geom FROM tracksolid.positions WHERE gps_time >= (SELECT "
    "max(gps_time) - "
    "interval '6 hours' FROM tracksolid.positions)";

// tools/call from a client that declares MCP Apps.
json call_with_views(McpClient& client, const json& id, const std::string& name, json arguments) {
  json meta = testing::meta();
  meta["io.modelcontextprotocol/clientCapabilities"]["extensions"]["io.modelcontextprotocol/ui"] = {
      {"mimeTypes", {"text/html;profile=mcp-app"}}};
  client.send(
      {{"jsonrpc", "2.0"},
       {"id", id},
       {"method", "tools/call"},
       {"params", {{"name", name}, {"arguments", std::move(arguments)}, {"_meta", std::move(meta)}}}});
  json response = client.response_to(id);
  INFO(response.dump().substr(0, 2000));
  REQUIRE(response.contains("result"));
  REQUIRE(response["result"]["isError"] == false);
  return response["result"];
}

double admin_number(const std::string& sql) {
  return std::stod(testing::admin_value(sql));
}

}  // namespace

TEST_CASE("show_map's summary says what the map shows, as the database counts it", "[views]") {
  McpClient client;
  json map = call_with_views(client, 1, "show_map", {{"sql", kPositions}, {"colour_by", "imei"}});
  const json& summary = map["structuredContent"];
  const std::string rows = testing::admin_value("SELECT count(*) FROM (" + kPositions + ") q");
  CHECK(summary["drawn"] == std::stol(rows));
  long counted = 0;
  for (const json& value : summary["colour_by"]["values"]) counted += value["rows"].get<long>();
  CHECK(counted == std::stol(rows));
  const std::string extent = "FROM (SELECT ST_Extent(geom) AS e FROM (" + kPositions + ") q) x";
  CHECK(std::abs(summary["bbox"][0].get<double>() - admin_number("SELECT ST_XMin(e) " + extent)) < 1e-9);
  CHECK(std::abs(summary["bbox"][3].get<double>() - admin_number("SELECT ST_YMax(e) " + extent)) < 1e-9);
  CHECK(map["content"][0]["text"].get<std::string>().find("view handle: ") != std::string::npos);

  json data = call_with_views(client, 2, "view_data", {{"handle", summary["view"]["handle"]}});
  CHECK(json::parse(data["content"][0]["text"].get<std::string>())["features"].size() == std::stoul(rows));
}

TEST_CASE("show_chart's summary gives each series' extremes, as the database computes them", "[views]") {
  McpClient client;
  const std::string hourly =
      "SELECT date_trunc('hour', gps_time) AS hour, imei, max(speed_kmh) AS top_speed FROM "
      "tracksolid.positions "
      "GROUP BY 1, 2 ORDER BY 1";
  json chart = call_with_views(client, 1, "show_chart", {{"sql", hourly}, {"series", "imei"}});
  const json& series = chart["structuredContent"]["series"];
  REQUIRE(series.size() ==
          std::stoul(testing::admin_value("SELECT count(DISTINCT imei) FROM tracksolid.positions")));
  for (const json& one : series) {
    const std::string imei = one["name"];
    CHECK(std::abs(one["max"].get<double>() -
                   admin_number("SELECT max(speed_kmh) FROM tracksolid.positions WHERE imei = '" + imei +
                                "'")) < 1e-3);
  }
  CHECK(chart["structuredContent"]["x"]["type"] == "time");
}

TEST_CASE("a client that shows no views is not offered the view tools", "[views]") {
  McpClient client;
  json listed = client.request(1, "tools/list")["result"]["tools"];
  for (const json& tool : listed) CHECK_FALSE(tool.contains("_meta"));
  CHECK(listed.size() == 8);
}
