// The time range a hypertable covers, from TimescaleDB's chunk metadata, and a dataset that lives
// in the present (scripts/demo_data.sql ends with yesterday).
#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

json table_in_list(McpClient& client, const std::string& schema, const std::string& name) {
  json result = client.call_tool("list_tables", {{"schema", schema}});
  INFO(result.dump());
  REQUIRE(result["isError"] == false);
  for (const json& t : result["structuredContent"]["tables"])
    if (t["name"] == name) return t;
  FAIL("list_tables " << schema << " has no " << name);
  return {};
}

json described(McpClient& client, const std::string& schema, const std::string& table) {
  json result = client.call_tool("describe_table", {{"schema", schema}, {"table", table}});
  INFO(result.dump());
  REQUIRE(result["isError"] == false);
  return result["structuredContent"];
}

// The database's answer to a yes/no question about the span, asked as the sandbox superuser.
bool holds(const std::string& sql) {
  return testing::admin_value(sql) == "t";
}

// Start and end of the local (Africa/Nairobi, the fleet's) yesterday, as SQL timestamptz values.
const std::string kYesterdayStart =
    "(date_trunc('day', now() AT TIME ZONE 'Africa/Nairobi') - interval '1 day') "
    "AT TIME ZONE 'Africa/Nairobi'";
const std::string kYesterdayEnd =
    "date_trunc('day', now() AT TIME ZONE 'Africa/Nairobi') AT TIME ZONE 'Africa/Nairobi'";

void check_span_covers_yesterday(const json& span) {
  INFO(span.dump());
  REQUIRE(span.is_object());
  CHECK(span["column"] == "gps_time");
  // The sandbox's newest and oldest chunks are uncompressed and indexed on gps_time: exact ends.
  CHECK(span["source"] == "index");
  const std::string from = "timestamptz '" + span["from"].get<std::string>() + "'";
  const std::string to = "timestamptz '" + span["to"].get<std::string>() + "'";
  CHECK(span["to"].get<std::string>().back() == 'Z');
  CHECK(holds("SELECT " + from + " <= " + kYesterdayStart));
  CHECK(holds("SELECT " + to + " >= " + kYesterdayEnd + " - interval '1 minute'"));
  CHECK(holds("SELECT " + to + " <= now()"));
  // Exact: the newest and oldest positions themselves.
  CHECK(
      holds("SELECT " + to + " = max(gps_time) AND " + from + " = min(gps_time) FROM tracksolid.positions"));
}

}  // namespace

TEST_CASE("list_tables gives a hypertable's time span and no other table one", "[tools][time_span]") {
  McpClient client;
  json positions = table_in_list(client, "tracksolid", "positions");
  CHECK_FALSE(table_in_list(client, "tracksolid", "devices").contains("time_span"));
  CHECK_FALSE(table_in_list(client, "reporting", "trips").contains("time_span"));
  if (!testing::has_timescaledb()) {
    WARN("no TimescaleDB in the sandbox: checking only that no time_span appears");
    CHECK_FALSE(positions.contains("time_span"));
    return;
  }
  CHECK(positions["kind"] == "hypertable");
  check_span_covers_yesterday(positions["time_span"]);
}

TEST_CASE("describe_table gives a hypertable's time span and no other table one", "[tools][time_span]") {
  McpClient client;
  json positions = described(client, "tracksolid", "positions");
  CHECK_FALSE(described(client, "tracksolid", "alarms").contains("time_span"));
  CHECK_FALSE(described(client, "reporting", "v_daily_distance").contains("time_span"));
  if (!testing::has_timescaledb()) {
    WARN("no TimescaleDB in the sandbox: checking only that no time_span appears");
    CHECK_FALSE(positions.contains("time_span"));
    return;
  }
  check_span_covers_yesterday(positions["time_span"]);
  json same = table_in_list(client, "tracksolid", "positions")["time_span"];
  CHECK(positions["time_span"] == same);
}

TEST_CASE("the dataset ends in the present: no position in the future, and yesterday has rows",
          "[tools][time_span]") {
  McpClient client;
  json future = client.call_tool(
      "query", {{"sql", "SELECT count(*) FROM tracksolid.positions WHERE gps_time > now()"}});
  INFO(future.dump());
  REQUIRE(future["isError"] == false);
  CHECK(future["structuredContent"]["rows"][0][0] == 0);
  json yesterday =
      client.call_tool("query", {{"sql",
                                  "SELECT count(*), count(DISTINCT imei) FROM tracksolid.positions "
                                  "WHERE gps_time >= date_trunc('day', now()) - interval '1 day' "
                                  "AND gps_time < date_trunc('day', now())"}});
  INFO(yesterday.dump());
  REQUIRE(yesterday["isError"] == false);
  CHECK(yesterday["structuredContent"]["rows"][0][0].get<long>() > 0);
  CHECK(yesterday["structuredContent"]["rows"][0][1].get<long>() >= 5);
  json trips = client.call_tool(
      "query", {{"sql", "SELECT count(*) FROM reporting.trips WHERE started_at >= " + kYesterdayStart +
                            " AND started_at < " + kYesterdayEnd}});
  INFO(trips.dump());
  REQUIRE(trips["isError"] == false);
  CHECK(trips["structuredContent"]["rows"][0][0].get<long>() > 0);
}
