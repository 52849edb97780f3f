// Functions and relations that act outside the query are refused wherever and however they are written.
#include <string>
#include <vector>

#include "guard_expect.hpp"

using guard_test::require_allowed;
using guard_test::require_refused;

namespace {

// One name per denied function or per variant of a denied prefix; arguments do not matter to the parser.
const std::vector<std::string> kDeniedFunctions = {
    "set_config",
    "pg_reload_conf",
    "pg_rotate_logfile",
    "pg_rotate_logfile_old",
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_signal_backend",
    "pg_notify",
    "pg_sleep",
    "pg_sleep_for",
    "pg_sleep_until",
    "nextval",
    "setval",
    "lo_import",
    "lo_export",
    "lo_unlink",
    "lo_create",
    "lo_creat",
    "lo_open",
    "lo_close",
    "lo_put",
    "lo_get",
    "lo_from_bytea",
    "lo_truncate",
    "lo_lseek",
    "loread",
    "lowrite",
    "pg_advisory_lock",
    "pg_advisory_xact_lock",
    "pg_advisory_lock_shared",
    "pg_advisory_unlock_all",
    "pg_try_advisory_lock",
    "pg_try_advisory_xact_lock_shared",
    "dblink",
    "dblink_exec",
    "dblink_connect",
    "dblink_send_query",
    "pg_read_file",
    "pg_read_binary_file",
    "pg_ls_dir",
    "pg_ls_logdir",
    "pg_ls_waldir",
    "pg_ls_tmpdir",
    "pg_stat_file",
    "pg_file_write",
    "pg_file_unlink",
    "pg_file_rename",
    "query_to_xml",
    "query_to_xmlschema",
    "query_to_xml_and_xmlschema",
    "cursor_to_xml",
    "cursor_to_xmlschema",
    "table_to_xml",
    "table_to_xmlschema",
    "table_to_xml_and_xmlschema",
    "schema_to_xml",
    "schema_to_xml_and_xmlschema",
    "database_to_xml",
    "database_to_xmlschema",
    "ts_stat",
    "ts_rewrite",
    "pg_create_physical_replication_slot",
    "pg_create_logical_replication_slot",
    "pg_drop_replication_slot",
    "pg_replication_origin_create",
    "pg_replication_origin_advance",
    "pg_replication_origin_session_setup",
    "pg_logical_emit_message",
    "pg_logical_slot_get_changes",
    "pg_logical_slot_peek_binary_changes",
    "pg_switch_wal",
    "pg_create_restore_point",
    "pg_backup_start",
    "pg_backup_stop",
    "pg_start_backup",
    "pg_stop_backup",
    "pg_promote",
    "pg_wal_replay_pause",
    "pg_wal_replay_resume",
    "pg_import_system_collations",
    "pg_stat_reset",
    "pg_stat_reset_shared",
    "pg_stat_reset_single_table_counters",
    "pg_stat_get_activity",
    "pg_stat_get_backend_activity",
    "pg_stat_statements",
    "pg_stat_statements_reset",
    "pg_stat_statements_info",
    "pg_export_snapshot",
};

// Places a call can hide in a query; `%` is replaced by the call.
const std::vector<std::string> kPositions = {
    "SELECT %",
    "SELECT % AS x FROM trips",
    "SELECT * FROM %",
    "SELECT * FROM trips WHERE id = %",
    "SELECT * FROM trips WHERE EXISTS (SELECT % FROM vehicles)",
    "SELECT * FROM (SELECT % AS x) sub",
    "WITH c AS (SELECT % AS x) SELECT * FROM c",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE % IS NULL) SELECT * FROM r",
    "SELECT * FROM trips ORDER BY %",
    "SELECT count(*) FROM trips GROUP BY % HAVING count(*) > 1",
    "SELECT v.id FROM vehicles v CROSS JOIN LATERAL (SELECT % AS x) l",
    "SELECT coalesce(%, 0)",
    "SELECT length(%::text)",
    "SELECT CASE WHEN false THEN % END",
    "SELECT count(*) FILTER (WHERE % IS NULL) FROM trips",
    "SELECT sum(km) OVER (PARTITION BY %) FROM trips",
    "SELECT 1 UNION SELECT %",
    "VALUES (1), (%)",
    "SELECT ARRAY[%]",
    "SELECT * FROM trips t JOIN vehicles v ON v.id = t.vehicle_id AND % IS NOT NULL",
    "SELECT (SELECT % LIMIT 1) AS x",
    "EXPLAIN SELECT %",
    "EXPLAIN (FORMAT JSON) WITH c AS (SELECT %) SELECT * FROM c",
};

std::string place(const std::string& position, const std::string& call) {
  std::string sql = position;
  sql.replace(sql.find('%'), 1, call);
  return sql;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TEST_CASE("guard refuses each denied function, naming it and saying why", "[guard]") {
  for (const std::string& name : kDeniedFunctions) {
    require_refused("SELECT " + name + "(1)", "function " + name + " acts outside the query (it ");
    require_refused("SELECT " + name + "(1)", "); remove it");
  }
}

TEST_CASE("guard refuses denied functions however they are spelled", "[guard]") {
  for (const std::string& name : kDeniedFunctions) {
    require_refused("SELECT " + upper(name) + "(1)", name);
    require_refused("SELECT \"" + name + "\"(1)", name);
    require_refused("SELECT \"" + upper(name) + "\"(1)", name);
    require_refused("SELECT pg_catalog." + name + "(1)", "pg_catalog." + name);
    require_refused("SELECT pg_catalog.\"" + name + "\"(1)", name);
    require_refused("SELECT PUBLIC." + upper(name) + "(1, 'x')", name);
    require_refused("SELECT mydb.myschema." + name + "()", name);
  }
}

TEST_CASE("guard refuses denied functions in every position of a query", "[guard]") {
  for (const std::string& name : kDeniedFunctions) {
    for (const std::string& position : kPositions) require_refused(place(position, name + "(1)"), name);
  }
}

TEST_CASE("guard refuses denied functions called with field-selection syntax", "[guard]") {
  // PostgreSQL runs `(4711).pg_terminate_backend` as pg_terminate_backend(4711).
  for (const std::string& name : kDeniedFunctions) {
    require_refused("SELECT (1)." + name, "function " + name + " acts outside the query");
    require_refused("SELECT (t.*)." + upper(name) + " FROM trips t", name);
    require_refused("SELECT (payload).a.\"" + name + "\"[1] FROM events", name);
    require_refused("SELECT * FROM trips WHERE (id)." + name + " IS NULL", name);
  }
  require_refused("SELECT ('trips_id_seq').nextval", "nextval");
  require_refused("SELECT (3600).pg_sleep", "pg_sleep");
  require_refused("SELECT (1234::oid).lo_unlink", "lo_unlink");
}

TEST_CASE("guard allows field selection of ordinary fields", "[guard]") {
  require_allowed("SELECT (payload).driver, (t.*).id, (arr)[1], (pos).geom FROM trips t");
  require_allowed("SELECT (jsonb_each(payload)).key FROM events");
}

TEST_CASE("guard refuses realistic calls of denied functions", "[guard]") {
  const std::vector<std::string> cases = {
      "SELECT set_config('statement_timeout', '0', false)",
      "SELECT pg_catalog.set_config('search_path', 'evil', true)",
      "SELECT pg_terminate_backend(pid) FROM pg_locks",
      "SELECT \"pg_sleep\"(1)",
      "SELECT pg_sleep(3600)",
      "SELECT * FROM trips WHERE pg_sleep(1) IS NOT NULL",
      "SELECT id FROM trips ORDER BY pg_sleep(0.1)",
      "SELECT lo_import('/etc/passwd')",
      "SELECT lo_export(1234, '/tmp/x')",
      "SELECT lo_from_bytea(0, 'payload')",
      "SELECT * FROM dblink('host=x', 'DELETE FROM trips') AS t(x int)",
      "SELECT query_to_xml('DELETE FROM trips RETURNING *', true, false, '')",
      "SELECT pg_read_file('/etc/passwd')",
      "SELECT * FROM pg_ls_dir('.')",
      "SELECT nextval('trips_id_seq')",
      "SELECT setval('trips_id_seq', 1)",
      "SELECT pg_advisory_lock(42)",
      "SELECT pg_notify('channel', 'payload')",
      "SELECT ts_stat('SELECT vector FROM docs')",
      "SELECT * FROM vehicles v, LATERAL (SELECT pg_cancel_backend(v.id)) x",
      "SELECT jsonb_build_object('t', pg_stat_get_activity(NULL))",
      "SELECT * FROM trips WHERE id IN (SELECT nextval('s') FROM generate_series(1, 3))",
      "SELECT count(*) FILTER (WHERE pg_sleep(1) IS NULL) FROM trips",
  };
  for (const std::string& sql : cases) require_refused(sql, "acts outside the query");
}

TEST_CASE("guard refuses relations that show other sessions' query text", "[guard]") {
  const std::vector<std::string> relations = {"pg_stat_activity", "pg_stat_statements",
                                              "pg_stat_statements_info"};
  const std::vector<std::string> positions = {
      "SELECT * FROM %",
      "SELECT query FROM pg_catalog.%",
      "SELECT * FROM public.%",
      "SELECT * FROM \"%\"",
      "SELECT * FROM % a JOIN trips t ON true",
      "SELECT * FROM trips t LEFT JOIN % a ON a.pid = t.id",
      "SELECT * FROM trips WHERE id IN (SELECT pid FROM %)",
      "WITH a AS (SELECT * FROM %) SELECT * FROM a",
      "SELECT * FROM trips, LATERAL (SELECT * FROM % LIMIT 1) x",
      "SELECT (SELECT count(*) FROM %)",
      "TABLE %",
      "EXPLAIN SELECT * FROM %",
      "SELECT 1 UNION SELECT 1 FROM %",
  };
  for (const std::string& relation : relations) {
    for (const std::string& position : positions) {
      require_refused(place(position, relation), "relation " + relation + " may not be read");
    }
    require_refused("SELECT * FROM " + upper(relation), relation);
    require_refused("SELECT * FROM PG_CATALOG." + upper(relation), relation);
  }
}

TEST_CASE("guard allows functions whose names only resemble denied ones", "[guard]") {
  const std::vector<std::string> cases = {
      "SELECT current_setting('TimeZone')",
      "SELECT currval('trips_id_seq'), lastval()",
      "SELECT pg_backend_pid(), pg_postmaster_start_time()",
      "SELECT pg_stat_get_numscans('trips'::regclass)",
      "SELECT row_to_json(t), to_json(t), to_jsonb(t) FROM trips t",
      "SELECT xmlelement(name x, 1), xmlforest(1 AS a)",
      "SELECT to_tsvector('english', note), ts_rank(to_tsvector(note), 'stop') FROM trips",
      "SELECT log(10), ln(2), lower('X'), lpad('1', 3, '0')",
      "SELECT set_config AS col FROM t",
      "SELECT t.pg_sleep, t.nextval FROM t",
      "SELECT * FROM pg_stat_user_tables, pg_stat_database",
      "SELECT * FROM pg_stat_activity_summary_for_fleet",
      "SELECT * FROM reporting.stat_activity",
      "SELECT 'set_config(''a'', ''b'', false)'",
  };
  for (const std::string& sql : cases) require_allowed(sql);
}
