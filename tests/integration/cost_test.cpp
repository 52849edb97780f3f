// The cost guard: a plan too heavy for production is refused before it runs, with why; the explain
// tool shows the same plan; cheap queries never notice.
#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

const std::string kSelfJoin =
    "SELECT count(*) FROM tracksolid.positions a JOIN tracksolid.positions b ON a.imei = b.imei";
const std::string kAllChunks = "SELECT avg(speed_kmh) FROM tracksolid.positions";

// The newest day of positions: one chunk at most when chunks span a day or more.
std::string one_day() {
  return "SELECT avg(speed_kmh) FROM tracksolid.positions WHERE gps_time >= '" +
         testing::admin_value("SELECT max(gps_time) - interval '2 hours' FROM tracksolid.positions") + "'";
}

}  // namespace

TEST_CASE("a self-join of positions is refused before it runs, naming the join", "[cost]") {
  McpClient client;
  json result = client.call_tool("query", {{"sql", kSelfJoin}});
  REQUIRE(result["isError"] == true);
  const std::string why = result["content"][0]["text"];
  CHECK(why.find("refused before it ran") == 0);
  CHECK(why.find("largest join") != std::string::npos);
  CHECK(why.find("Call explain") != std::string::npos);
  // It never ran: only its plan was made, and the role has nothing running now.
  CHECK(
      testing::admin_value("SELECT count(*) FROM pg_stat_activity WHERE usename = 'analytics_ro' AND state = "
                           "'active' AND query LIKE '%positions a JOIN%'") == "0");
  json exported = client.call_tool("export_query", {{"sql", kSelfJoin}, {"format", "csv"}});
  CHECK(exported["isError"] == true);
  CHECK(exported["content"][0]["text"].get<std::string>().find("refused before it ran") != std::string::npos);
}

TEST_CASE("a hypertable scan over more chunks than allowed is refused, naming the time column", "[cost]") {
  if (!testing::has_timescaledb()) {
    WARN("TimescaleDB is not installed in the sandbox: no hypertable to scan");
    return;
  }
  McpClient client({"--max-chunks", "1"});
  json refused = client.call_tool("query", {{"sql", kAllChunks}});
  REQUIRE(refused["isError"] == true);
  const std::string why = refused["content"][0]["text"];
  CHECK(why.find("chunks of hypertable tracksolid.positions") != std::string::npos);
  CHECK(why.find("add a gps_time range") != std::string::npos);
  json narrowed = client.call_tool("query", {{"sql", one_day()}});
  CHECK(narrowed["isError"] == false);
}

TEST_CASE("explain shows the plan, and says whether query would run it", "[cost]") {
  McpClient client;
  json heavy = client.call_tool("explain", {{"sql", kSelfJoin}});
  REQUIRE(heavy["isError"] == false);
  const json& plan = heavy["structuredContent"];
  CHECK(plan["would_run"] == false);
  CHECK(plan["why_not"].get<std::string>().find("largest join") != std::string::npos);
  CHECK(plan["largest_join"]["estimated_rows"].get<double>() > 1e7);
  CHECK_FALSE(plan["plan"].empty());

  json light = client.call_tool("explain", {{"sql", "SELECT * FROM tracksolid.positions WHERE imei = 'x'"}});
  REQUIRE(light["isError"] == false);
  CHECK(light["structuredContent"]["would_run"] == true);
  CHECK_FALSE(light["structuredContent"]["indexes_used"].empty());

  json explained = client.call_tool("explain", {{"sql", "EXPLAIN SELECT 1"}});
  CHECK(explained["isError"] == true);
  if (testing::has_timescaledb()) {
    json chunks = client.call_tool("explain", {{"sql", kAllChunks}})["structuredContent"];
    REQUIRE(chunks["hypertable_chunks"].size() == 1);
    CHECK(chunks["hypertable_chunks"][0]["chunks_read"] == chunks["hypertable_chunks"][0]["chunks_total"]);
    CHECK(chunks["hypertable_chunks"][0]["time_column"] == "gps_time");
  }
}

TEST_CASE("a SQL error in a planned query still points at the user's text", "[cost]") {
  McpClient client;
  json result = client.call_tool("query", {{"sql", "SELECT nope FROM tracksolid.devices"}});
  REQUIRE(result["isError"] == true);
  const std::string why = result["content"][0]["text"];
  CHECK(why.find("column \"nope\" does not exist") != std::string::npos);
  CHECK(why.find("at character 8") != std::string::npos);
}

TEST_CASE("a query that runs for seconds reports its progress while it runs", "[cost][progress]") {
  // Five seconds of work: the statement timeout ends it, which keeps the test's length fixed.
  McpClient client({"--statement-timeout", "5"});
  json params = {{"name", "query"},
                 {"arguments", {{"sql", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000))"}}}};
  params["_meta"] = testing::meta();
  params["_meta"]["progressToken"] = "long";
  client.send({{"jsonrpc", "2.0"}, {"id", "long"}, {"method", "tools/call"}, {"params", params}});
  std::vector<json> progress;
  for (;;) {
    json message = client.receive();
    if (message.value("id", json()) == "long") {
      CHECK(message["result"]["isError"] == true);  // the statement timeout, as planned
      break;
    }
    if (message.value("method", "") == "notifications/progress") progress.push_back(message["params"]);
  }
  REQUIRE(progress.size() >= 3);  // planning, then a beat a second
  CHECK(progress[0]["message"] == "planning the query");
  CHECK(progress[1]["message"].get<std::string>().starts_with("running for "));
  for (std::size_t i = 1; i < progress.size(); ++i) {
    CHECK(progress[i]["progressToken"] == "long");
    CHECK(progress[i]["progress"].get<double>() > progress[i - 1]["progress"].get<double>());
  }
}
