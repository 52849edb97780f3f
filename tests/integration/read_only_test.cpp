// Hostile input through the real binary: each is refused or fails, and the database is unchanged.
#include <catch2/catch.hpp>

#include "mcp_client.hpp"

using testing::json;
using testing::McpClient;

TEST_CASE("hostile SQL changes nothing in the database", "[read-only]") {
  const std::string before = testing::database_fingerprint();
  McpClient client;
  const char* hostile[] = {
      "COMMIT; DROP TABLE tracksolid.devices",
      "ROLLBACK; DELETE FROM tracksolid.positions",
      "SELECT 1; UPDATE tracksolid.devices SET status = 'x'",
      "DELETE FROM tracksolid.alarms",
      "UPDATE tracksolid.devices SET driver_name = 'x'",
      "INSERT INTO tracksolid.devices (imei) VALUES ('1')",
      "TRUNCATE reporting.trips",
      "DROP SCHEMA reporting CASCADE",
      "CREATE TABLE public.x (a int)",
      "ALTER ROLE analytics_ro SUPERUSER",
      "GRANT ALL ON ALL TABLES IN SCHEMA internal TO analytics_ro",
      "WITH gone AS (DELETE FROM tracksolid.alarms RETURNING *) SELECT count(*) FROM gone",
      "SELECT * FROM (WITH u AS (UPDATE tracksolid.devices SET status = 'x' RETURNING 1) SELECT * FROM u) s",
      "SELECT * INTO public.copy FROM tracksolid.devices",
      "CREATE TABLE public.copy AS SELECT * FROM tracksolid.devices",
      "SELECT * FROM tracksolid.devices FOR UPDATE",
      "SELECT set_config('default_transaction_read_only', 'off', false)",
      "SELECT pg_catalog.\"set_config\"('statement_timeout', '0', false)",
      "SELECT lo_create(0)",
      "SELECT lo_from_bytea(0, 'evil')",
      "SELECT pg_advisory_lock(42)",
      "SELECT nextval('tracksolid.alarms_id_seq')",
      "SELECT setval('tracksolid.alarms_id_seq', 1)",
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
      "SELECT pg_cancel_backend(1)",
      "SELECT query FROM pg_stat_activity",
      "SELECT query_to_xml('DELETE FROM tracksolid.alarms RETURNING 1', true, true, '')",
      "SELECT pg_read_file('/etc/passwd')",
      "SELECT pg_notify('x', 'y')",
      "EXPLAIN ANALYZE DELETE FROM tracksolid.alarms",
      "EXPLAIN (ANALYZE) SELECT 1",
      "DO $$ BEGIN DELETE FROM tracksolid.alarms; END $$",
      "COPY tracksolid.devices TO '/tmp/x'",
      "SET default_transaction_read_only = off",
      "PREPARE p AS DELETE FROM tracksolid.alarms",
      "LOCK TABLE tracksolid.devices",
      "REFRESH MATERIALIZED VIEW reporting.mv_daily_device_summary",
      "VACUUM tracksolid.positions",
      "",
      "   -- only a comment",
      "SELEC * FROM tracksolid.devices",
  };
  for (const char* sql : hostile) {
    CAPTURE(sql);
    json result = client.call_tool("query", {{"sql", sql}});
    CHECK(result["isError"] == true);
    CHECK_FALSE(result["content"][0]["text"].get<std::string>().empty());
  }
  std::string nul_sql("SELECT 1\0 DROP", 14);
  CHECK(client.call_tool("query", {{"sql", nul_sql}})["isError"] == true);
  // The server still serves, and nothing changed.
  CHECK(client.call_tool("query", {{"sql", "SELECT count(*) FROM tracksolid.devices"}})["isError"] == false);
  CHECK(testing::database_fingerprint() == before);
}

TEST_CASE("a statement that runs past the timeout is stopped and the next call works", "[read-only]") {
  McpClient client({"--statement-timeout", "1"});
  json slow =
      client.call_tool("query", {{"sql", "SELECT count(*) FROM generate_series(1, (SELECT 10000000000))"}});
  CHECK(slow["isError"] == true);
  CHECK(slow["content"][0]["text"].get<std::string>().find("statement timeout") != std::string::npos);
  json next = client.call_tool("query", {{"sql", "SELECT 1"}});
  CHECK(next["isError"] == false);
}

TEST_CASE("startup options the URL gives are kept, and the server's own settings still win",
          "[read-only][direct-only]") {
  std::string url = testing::ro_url();
  url += (url.find('?') == std::string::npos ? "?" : "&") +
         std::string("options=-c%20search_path%3Dreporting%20-c%20statement_timeout%3D1");
  McpClient client({"--database-url", url, "--database-password-file", testing::ro_password_file()},
                   /*bare=*/true);
  json settings = client.call_tool(
      "query", {{"sql", "SELECT current_setting('search_path'), current_setting('statement_timeout')"}});
  CHECK(settings["structuredContent"]["rows"][0] == json::array({"reporting", "30s"}));
}

TEST_CASE("nothing a call does survives into the next call on the same connection", "[read-only]") {
  McpClient client({"--pool-size", "1"});
  // Every call runs with the same settings: the session's own on a direct connection (startup
  // options, which DISCARD ALL keeps), set for the transaction behind PgBouncer.
  const std::string settings_sql =
      "SELECT current_setting('TimeZone'), current_setting('transaction_read_only'), "
      "current_setting('IntervalStyle'), current_setting('DateStyle'), current_setting('statement_timeout'), "
      "current_setting('lock_timeout'), current_setting('bytea_output'), "
      "current_setting('extra_float_digits')";
  const json expected_settings = json::array({"UTC", "on", "iso_8601", "ISO, YMD", "30s", "5s", "hex", "1"});
  CHECK(client.call_tool("query", {{"sql", settings_sql}})["structuredContent"]["rows"][0] ==
        expected_settings);
  CHECK(client.call_tool("query", {{"sql", "SELECT 1/0"}})["isError"] == true);
  CHECK(client.call_tool("query", {{"sql", settings_sql}})["structuredContent"]["rows"][0] ==
        expected_settings);
  // After a failed call the same connection is idle, outside any transaction, holding nothing.
  json after = client.call_tool(
      "query", {{"sql",
                 "SELECT (SELECT count(*) FROM pg_prepared_statements), (SELECT count(*) FROM pg_locks "
                 "WHERE pid = pg_backend_pid() AND locktype = 'advisory')"}});
  CHECK(after["structuredContent"]["rows"][0] == json::array({0, 0}));
  // Behind PgBouncer, DISCARD ALL also resets the server connection's name: then none of the
  // role's connections may be left in a transaction.
  if (testing::through_pgbouncer())
    CHECK(
        testing::admin_value("SELECT count(*) FROM pg_stat_activity WHERE usename = 'analytics_ro' AND state "
                             "LIKE 'idle in transaction%'") == "0");
  else
    CHECK(testing::admin_value(
              "SELECT string_agg(state, ',') FROM pg_stat_activity WHERE application_name = '" +
              client.application_name() + "'") == "idle");
}
