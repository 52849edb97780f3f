// Read-only is not harmless (issue 9), against the real PostGIS and, where the sandbox has it,
// TimescaleDB: each class of hostile query is refused before it reaches the database, and the
// benign analytics around them still run.
#include <signal.h>

#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

namespace {

// How many statements this client's sessions ever sent that mention `text` (the last statement of
// each session is what pg_stat_activity keeps, and a refused call sends nothing at all).
std::string statements_mentioning(const McpClient& client, const std::string& text) {
  return testing::admin_value("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                              client.application_name() + "' AND query ILIKE '%" + text + "%'");
}

void require_refused_before_running(McpClient& client, const std::string& sql, const std::string& marker) {
  INFO(sql);
  json result = client.call_tool("query", {{"sql", sql}});
  REQUIRE(result["isError"] == true);
  CHECK(result["content"][0]["text"].get<std::string>().starts_with("refused: "));
  CHECK(statements_mentioning(client, marker) == "0");
}

}  // namespace

TEST_CASE("each class of harmful query is refused before it reaches the database", "[harmful]") {
  McpClient client;
  REQUIRE(client.call_tool("query", {{"sql", "SELECT 1"}})["isError"] == false);  // a session exists
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"SELECT ST_FrechetDistance(a.start_geom, b.end_geom, 0.00001) FROM reporting.trips a, reporting.trips "
       "b",
       "FrechetDistance"},
      {"SELECT ST_HausdorffDistance(area, area, 0.000001) FROM tracksolid.geofences", "HausdorffDistance"},
      {"SELECT ST_GeneratePoints(area, 50000000) FROM tracksolid.geofences", "GeneratePoints"},
      {"SELECT ST_Buffer(geom, 1, 'quad_segs=10000000') FROM tracksolid.positions LIMIT 1", "quad_segs"},
      {"SELECT xpath('//a', '<a/>'::xml)", "xpath"},
      {"SELECT * FROM XMLTABLE('/r' PASSING ('<r/>'::xml) COLUMNS v text) AS t", "XMLTABLE"},
      {"SELECT _timescaledb_functions.drop_chunk('_timescaledb_internal._hyper_1_1_chunk')", "drop_chunk"},
      {"SELECT get_telemetry_report()", "telemetry"},
      {"SELECT compress_chunk(c) FROM show_chunks('tracksolid.positions') AS c", "compress_chunk"},
      {"; SELECT 1", "; SELECT"},
  };
  const std::string before = testing::database_fingerprint();
  for (const auto& [sql, marker] : cases) require_refused_before_running(client, sql, marker);
  CHECK(testing::database_fingerprint() == before);
}

TEST_CASE("the benign analytics beside the refused classes still run", "[harmful]") {
  McpClient client;
  const std::string tracks =
      "WITH tracks AS (SELECT imei, ST_MakeLine(geom ORDER BY gps_time) AS line FROM tracksolid.positions "
      "WHERE gps_time < (SELECT min(gps_time) + interval '1 day' FROM tracksolid.positions) GROUP BY imei) ";
  std::vector<std::string> benign = {
      tracks + "SELECT imei, ST_FrechetDistance(line, ST_Simplify(line, 0.001)) FROM tracks",
      tracks + "SELECT ST_HausdorffDistance(a.line, b.line, 0.05) FROM tracks a, tracks b LIMIT 4",
      tracks + "SELECT ST_NPoints(ST_Segmentize(line::geography, 1000)::geometry) FROM tracks",
      "SELECT ST_Area(ST_Buffer(geom::geography, 50)) FROM tracksolid.positions LIMIT 3",
      "SELECT ST_AsText(ST_GeneratePoints(area, 10, 1)) FROM tracksolid.geofences LIMIT 1",
      "SELECT xmlelement(name device, imei) FROM tracksolid.devices LIMIT 2",
      "SELECT date_trunc('hour', gps_time) AS h, count(*) FROM tracksolid.positions GROUP BY h ORDER BY h "
      "LIMIT 5;",
  };
  if (testing::has_timescaledb()) {
    benign.push_back(
        "SELECT time_bucket('1 hour', gps_time) AS h, first(speed_kmh, gps_time), last(speed_kmh, gps_time) "
        "FROM tracksolid.positions GROUP BY h ORDER BY h LIMIT 5");
    benign.push_back("SELECT count(*) FROM show_chunks('tracksolid.positions')");
    benign.push_back("SELECT hypertable_size('tracksolid.positions') > 0");
  }
  for (const auto& sql : benign) {
    INFO(sql);
    json result = client.call_tool("query", {{"sql", sql}});
    CAPTURE(result.dump());
    CHECK(result["isError"] == false);
  }
}

TEST_CASE("NOTICEs reach the caller in the answer, bounded, and never the server's stderr", "[harmful]") {
  McpClient client;
  json result =
      client.call_tool("query", {{"sql",
                                  "SELECT length(to_tsvector('simple', repeat('x', 3000) || ' ' || g)::text) "
                                  "FROM generate_series(1, 100) AS g"}});
  REQUIRE(result["isError"] == false);
  const json& notices = result["structuredContent"]["notices"];
  REQUIRE(notices.size() == 21);  // twenty, then how many more
  CHECK(notices[0].get<std::string>().find("NOTICE: word is too long") == 0);
  CHECK(notices[20] == "(80 more notices were left out)");
  client.close_input();
  REQUIRE(client.wait_exit() == 0);
  CHECK(client.stderr_text().find("too long") == std::string::npos);
}

// [direct-only]: behind PgBouncer a connection's backend PID is PgBouncer's, so statements given up
// on cannot be tracked; the statement timeout still ends them (the guide says so).
TEST_CASE("statements that ignore cancel are tracked, ended, and hold back new calls while they run",
          "[harmful][direct-only]") {
  McpClient client({"--statement-timeout", "1", "--pool-size", "2"});
  const std::string slow = "SELECT count(*) FROM generate_series(1, (SELECT 10000000000)) AS s";
  client.send_call("a", "query", {{"sql", slow}});
  client.send_call("b", "query", {{"sql", slow}});
  const std::string running = "FROM pg_stat_activity WHERE application_name = '" + client.application_name() +
                              "' AND state = 'active' AND query LIKE 'FETCH%'";
  REQUIRE(testing::admin_value_becomes("SELECT count(*) " + running, "2"));
  // A stopped backend ignores cancel and terminate alike, as libxml2's XPath evaluation does.
  const std::string pids = testing::admin_value("SELECT string_agg(pid::text, ',') " + running);
  std::vector<pid_t> backends;
  for (std::size_t at = 0; at < pids.size();) {
    std::size_t comma = std::min(pids.find(',', at), pids.size());
    backends.push_back(std::stoi(pids.substr(at, comma - at)));
    at = comma + 1;
  }
  // Resumed however the test ends: a stopped backend would hold up every later test and shutdown.
  struct Resume {
    const std::vector<pid_t>& backends;
    ~Resume() {
      for (pid_t backend : backends) kill(backend, SIGCONT);
    }
  } resume{backends};
  for (pid_t backend : backends) REQUIRE(kill(backend, SIGSTOP) == 0);  // the tests run as root, as CI does

  for (const char* id : {"a", "b"}) {
    std::string why = client.response_to(id)["result"]["content"][0]["text"];
    CHECK(why.find("did not stop when cancelled") != std::string::npos);
  }
  json held = client.call_tool("query", {{"sql", "SELECT 1"}});
  REQUIRE(held["isError"] == true);
  std::string why = held["content"][0]["text"];
  CHECK(why.find("still run on the database") != std::string::npos);
  CHECK(why.find(std::to_string(backends[0])) != std::string::npos);

  for (pid_t backend : backends) kill(backend, SIGCONT);  // now they take the terminate we sent
  REQUIRE(
      testing::admin_value_becomes("SELECT count(*) FROM pg_stat_activity WHERE pid IN (" + pids + ")", "0"));
  CHECK(client.call_tool("query", {{"sql", "SELECT 1"}})["isError"] == false);
  client.close_input();
  REQUIRE(client.wait_exit() == 0);
  const std::string err = client.stderr_text();
  INFO(err);
  CHECK(err.find("did not stop when cancelled and may still run") != std::string::npos);
}

TEST_CASE("the server's memory stays bounded however wide, long or noisy the result", "[harmful][memory]") {
  McpClient client({"--max-rows", "100000"});
  struct Case {
    std::string sql;
    long max_rows;
    std::string notice;  // what the answer must say
  };
  const std::vector<Case> cases = {
      // 5,000 rows of 60 KB: 300 MB if held; the rows past the budget are dropped as they come.
      {"SELECT g, repeat('x', 60000) FROM generate_series(1, 5000) AS g", 5000, "Showing the first"},
      // Values over the per-value limit are left out before they are copied or escaped.
      {"SELECT g, repeat('y', 4000000) FROM generate_series(1, 30) AS g", 100, ""},
      // Control characters escape to six bytes each.
      {"SELECT repeat(chr(1), 60000) FROM generate_series(1, 300)", 300, "Showing the first"},
      // A hundred thousand rows, and a flood of notices.
      {"SELECT g, md5(g::text) FROM generate_series(1, 100000) AS g", 100000, ""},
      {"SELECT count(to_tsvector('simple', repeat('x', 3000) || g)) FROM generate_series(1, 100000) AS g", 10,
       "more notices were left out"},
  };
  for (const auto& c : cases) {
    INFO(c.sql);
    json result = client.call_tool("query", {{"sql", c.sql}, {"max_rows", c.max_rows}});
    REQUIRE(result["isError"] == false);
    std::string notices = result["structuredContent"].value("notices", json::array()).dump();
    CHECK(notices.find(c.notice) != std::string::npos);
  }
  json omitted = client.call_tool("query", {{"sql", cases[1].sql}})["structuredContent"];
  CHECK(omitted["rows"][0][1].get<std::string>().starts_with("[value omitted: 4,000,000 characters"));
  CHECK(omitted["omitted_values"][0] == json{{"row", 0}, {"column", "repeat"}, {"chars", 4000000}});
  const long peak = client.peak_rss_kib();
  INFO("peak RSS " << peak / 1024 << " MiB");
#if defined(__SANITIZE_ADDRESS__)
  CHECK(peak > 0);  // AddressSanitizer's shadow memory makes RSS meaningless here
#else
  CHECK(peak < 64L * 1024);
#endif
}
