// Everything that is not one read-only query is refused, and the refusal names what was sent.
#include <string>
#include <utility>
#include <vector>

#include "guard_expect.hpp"

using guard_test::require_refused;

namespace {

// SQL and the statement name its refusal must mention.
using Case = std::pair<std::string, std::string>;

}  // namespace

TEST_CASE("guard refuses every kind of statement that is not a query, naming it", "[guard]") {
  const std::vector<Case> cases = {
      {"INSERT INTO trips (id) VALUES (1)", "an INSERT statement"},
      {"INSERT INTO trips SELECT * FROM trips_staging", "INSERT"},
      {"UPDATE trips SET km = 0", "an UPDATE statement"},
      {"DELETE FROM trips", "a DELETE statement"},
      {"DELETE FROM trips WHERE id IN (SELECT id FROM trips LIMIT 1) RETURNING *", "DELETE"},
      {"MERGE INTO trips t USING staging s ON t.id = s.id WHEN MATCHED THEN DELETE", "MERGE"},
      {"COPY trips TO STDOUT", "COPY"},
      {"COPY trips FROM '/tmp/x.csv'", "COPY"},
      {"COPY (SELECT 1) TO PROGRAM 'sh'", "COPY"},
      {"CREATE TABLE x (id int)", "CREATE TABLE"},
      {"CREATE TEMP TABLE x (id int)", "CREATE TABLE"},
      {"CREATE TABLE x AS SELECT * FROM trips", "CREATE TABLE AS"},
      {"CREATE MATERIALIZED VIEW mv AS SELECT 1", "CREATE MATERIALIZED VIEW"},
      {"CREATE VIEW v AS SELECT 1", "CREATE VIEW"},
      {"CREATE INDEX ON trips (id)", "CREATE INDEX"},
      {"CREATE SCHEMA s", "CREATE SCHEMA"},
      {"CREATE SEQUENCE s", "CREATE SEQUENCE"},
      {"CREATE EXTENSION dblink", "CREATE EXTENSION"},
      {"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE FUNCTION"},
      {"CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'", "CREATE PROCEDURE"},
      {"CREATE TRIGGER t AFTER INSERT ON trips FOR EACH ROW EXECUTE FUNCTION f()", "CREATE TRIGGER"},
      {"CREATE ROLE r", "CREATE ROLE"},
      {"CREATE DATABASE d", "CREATE DATABASE"},
      {"CREATE TYPE mood AS ENUM ('ok')", "CREATE TYPE"},
      {"CREATE AGGREGATE a (int) (sfunc = f, stype = int)", "CREATE AGGREGATE"},
      {"CREATE RULE r AS ON INSERT TO trips DO INSTEAD NOTHING", "CREATE RULE"},
      {"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw", "CREATE SERVER"},
      {"CREATE POLICY p ON trips USING (true)", "CREATE POLICY"},
      {"ALTER TABLE trips ADD COLUMN x int", "ALTER TABLE"},
      {"ALTER INDEX trips_pkey RENAME TO k", "ALTER INDEX RENAME"},
      {"ALTER ROLE analyst SUPERUSER", "ALTER ROLE"},
      {"ALTER SYSTEM SET work_mem = '1GB'", "ALTER SYSTEM"},
      {"ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO public", "ALTER DEFAULT PRIVILEGES"},
      {"DROP TABLE trips", "DROP TABLE"},
      {"DROP TABLE IF EXISTS trips CASCADE", "DROP TABLE"},
      {"DROP VIEW v", "DROP VIEW"},
      {"DROP MATERIALIZED VIEW mv", "DROP MATERIALIZED VIEW"},
      {"DROP SCHEMA reporting CASCADE", "DROP SCHEMA"},
      {"DROP FUNCTION f()", "DROP FUNCTION"},
      {"DROP INDEX i", "DROP INDEX"},
      {"DROP DATABASE fleet", "DROP DATABASE"},
      {"DROP ROLE analyst", "DROP ROLE"},
      {"DROP OWNED BY analyst", "DROP OWNED"},
      {"TRUNCATE trips", "TRUNCATE"},
      {"GRANT SELECT ON trips TO public", "GRANT"},
      {"GRANT admin TO analyst", "GRANT"},
      {"REVOKE SELECT ON trips FROM public", "REVOKE"},
      {"SET statement_timeout = 0", "SET"},
      {"SET LOCAL work_mem = '1GB'", "SET"},
      {"SET ROLE postgres", "SET"},
      {"SET SESSION AUTHORIZATION postgres", "SET"},
      {"SET TRANSACTION READ WRITE", "SET"},
      {"RESET ALL", "RESET"},
      {"RESET statement_timeout", "RESET"},
      {"SHOW search_path", "SHOW"},
      {"SHOW ALL", "SHOW"},
      {"BEGIN", "BEGIN"},
      {"BEGIN READ WRITE", "BEGIN"},
      {"START TRANSACTION", "START"},
      {"COMMIT", "COMMIT"},
      {"END", "COMMIT"},
      {"ROLLBACK", "ROLLBACK"},
      {"ABORT", "ROLLBACK"},
      {"SAVEPOINT s", "SAVEPOINT"},
      {"RELEASE SAVEPOINT s", "RELEASE"},
      {"ROLLBACK TO SAVEPOINT s", "ROLLBACK TO"},
      {"PREPARE TRANSACTION 'x'", "PREPARE"},
      {"COMMIT PREPARED 'x'", "COMMIT PREPARED"},
      {"DO $$ BEGIN DELETE FROM trips; END $$", "DO"},
      {"CALL refresh_reports()", "CALL"},
      {"LISTEN trips", "LISTEN"},
      {"NOTIFY trips, 'hello'", "NOTIFY"},
      {"UNLISTEN *", "UNLISTEN"},
      {"PREPARE q AS SELECT 1", "PREPARE"},
      {"EXECUTE q", "EXECUTE"},
      {"DEALLOCATE q", "DEALLOCATE"},
      {"DEALLOCATE ALL", "DEALLOCATE"},
      {"DECLARE c CURSOR FOR SELECT * FROM trips", "DECLARE CURSOR"},
      {"FETCH 10 FROM c", "FETCH"},
      {"MOVE NEXT FROM c", "MOVE"},
      {"CLOSE c", "CLOSE"},
      {"LOCK TABLE trips IN ACCESS EXCLUSIVE MODE", "LOCK"},
      {"VACUUM trips", "VACUUM"},
      {"VACUUM (ANALYZE) trips", "VACUUM"},
      {"VACUUM FULL", "VACUUM"},
      {"ANALYZE trips", "ANALYZE"},
      {"ANALYZE", "ANALYZE"},
      {"CLUSTER trips USING trips_pkey", "CLUSTER"},
      {"REINDEX TABLE trips", "REINDEX"},
      {"DISCARD ALL", "DISCARD"},
      {"LOAD 'auto_explain'", "LOAD"},
      {"CHECKPOINT", "CHECKPOINT"},
      {"REFRESH MATERIALIZED VIEW mv", "REFRESH MATERIALIZED VIEW"},
      {"REFRESH MATERIALIZED VIEW CONCURRENTLY mv", "REFRESH MATERIALIZED VIEW"},
      {"SECURITY LABEL ON TABLE trips IS 'secret'", "SECURITY LABEL"},
      {"COMMENT ON TABLE trips IS 'x'", "COMMENT"},
      {"IMPORT FOREIGN SCHEMA public FROM SERVER s INTO local", "IMPORT FOREIGN SCHEMA"},
      {"REASSIGN OWNED BY a TO b", "REASSIGN OWNED"},
      {"CREATE PUBLICATION p FOR ALL TABLES", "CREATE PUBLICATION"},
  };
  for (const auto& [sql, name] : cases) {
    require_refused(sql, "only read-only queries are allowed");
    require_refused(sql, name);
  }
}

TEST_CASE("guard refuses a second statement", "[guard]") {
  const std::vector<std::string> cases = {
      "SELECT 1; SELECT 2",
      "SELECT 1;SELECT 2;",
      "COMMIT; DROP TABLE x",
      "ROLLBACK; DELETE FROM trips",
      "SELECT 1; DELETE FROM trips",
      "SELECT 1; COMMIT",
      "SELECT 1;\n-- and then\nSELECT 2",
      "SELECT 'a;b'; SELECT 'c'",
      "SELECT $$;$$; SELECT 2",
      "EXPLAIN SELECT 1; SELECT 2",
      "SELECT 1; BEGIN; DROP TABLE trips; COMMIT",
      "WITH a AS (SELECT 1) SELECT * FROM a; SET role postgres",
  };
  for (const std::string& sql : cases) require_refused(sql, "send one statement per call");
}

TEST_CASE("guard counts the statements it refuses", "[guard]") {
  require_refused("SELECT 1; SELECT 2; SELECT 3", "holds 3 statements");
}

TEST_CASE("guard refuses empty, whitespace-only and comment-only SQL", "[guard]") {
  const std::vector<std::string> cases = {
      "",       " ", "\n\t  \n", ";", ";;", " ; ", "-- just a comment", "/* only this */", "/* a */ -- b\n",
      "-- x\n;"};
  for (const std::string& sql : cases) require_refused(sql, "empty or only comments");
}

TEST_CASE("guard refuses a NUL byte anywhere", "[guard]") {
  using namespace std::string_literals;
  const std::vector<std::string> cases = {"\0"s, "SELECT 1\0"s, "SELECT 1\0; DROP TABLE trips"s,
                                          "SELECT '\0'"s, "\0SELECT 1"s};
  for (const std::string& sql : cases) require_refused(sql, "NUL byte");
}

TEST_CASE("guard refuses SQL that does not parse, quoting the parser and its position", "[guard]") {
  require_refused("SELECT FROM FROM", "syntax error at or near \"FROM\" at character 13");
  require_refused("SELEC 1", "syntax error at or near \"SELEC\" at character 1");
  // PostgreSQL counts characters, not bytes.
  require_refused("SELECT 'ää' FROM FROM", "syntax error at or near \"FROM\" at character 18");
  const std::vector<std::string> garbage = {
      "SELECT 'unterminated", "SELECT $$never closed", "SELECT (1", "hello world", "DROP",
      "SELECT * FROM",        "\x01\x02\x03",          "}{",        "SELECT 1 1",  "EXPLAIN",
  };
  for (const std::string& sql : garbage) {
    require_refused(sql, "the SQL does not parse");
    require_refused(sql, "fix the SQL");
  }
}

TEST_CASE("guard refuses invalid UTF-8 instead of failing on it", "[guard]") {
  require_refused("SELECT '\xff\xfe'", "UTF-8");
}

TEST_CASE("guard refuses data-modifying statements nested in WITH at any depth", "[guard]") {
  const std::vector<Case> cases = {
      {"WITH d AS (DELETE FROM trips RETURNING *) SELECT * FROM d", "DELETE"},
      {"WITH u AS (UPDATE trips SET km = 0 RETURNING id) SELECT count(*) FROM u", "UPDATE"},
      {"WITH i AS (INSERT INTO trips DEFAULT VALUES RETURNING id) SELECT * FROM i", "INSERT"},
      {"WITH m AS (MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE) SELECT 1", "MERGE"},
      {"WITH a AS (SELECT 1), d AS (DELETE FROM trips) SELECT * FROM a", "DELETE"},
      {"WITH d AS (DELETE FROM trips) SELECT 1", "DELETE"},
      {"SELECT * FROM (WITH d AS (DELETE FROM trips RETURNING *) SELECT * FROM d) sub", "DELETE"},
      {"SELECT (WITH d AS (DELETE FROM trips RETURNING 1) SELECT count(*) FROM d)", "DELETE"},
      {"SELECT 1 WHERE EXISTS (WITH u AS (UPDATE trips SET km = 1 RETURNING 1) SELECT * FROM u)", "UPDATE"},
      {"WITH a AS (WITH d AS (DELETE FROM trips RETURNING *) SELECT * FROM d) SELECT * FROM a", "DELETE"},
      {"WITH RECURSIVE r AS (SELECT 1 UNION ALL SELECT 1 FROM r), d AS (DELETE FROM x) SELECT 1", "DELETE"},
      {"EXPLAIN WITH d AS (DELETE FROM trips RETURNING *) SELECT * FROM d", "DELETE"},
      {"SELECT * FROM a UNION SELECT * FROM (WITH d AS (DELETE FROM b RETURNING *) SELECT * FROM d) x",
       "DELETE"},
  };
  for (const auto& [sql, name] : cases) {
    require_refused(sql, "data-modifying WITH");
    require_refused(sql, name);
  }
}

TEST_CASE("guard refuses SELECT INTO, which creates a table", "[guard]") {
  const std::vector<std::string> cases = {
      "SELECT * INTO new_trips FROM trips", "SELECT id INTO TEMP t FROM trips",
      "SELECT 1 INTO UNLOGGED x",           "WITH a AS (SELECT 1) SELECT * INTO x FROM a",
      "EXPLAIN SELECT * INTO x FROM trips",
  };
  for (const std::string& sql : cases) require_refused(sql, "INTO creates a table");
}

TEST_CASE("guard refuses row-locking clauses anywhere in the query", "[guard]") {
  const std::vector<Case> cases = {
      {"SELECT * FROM trips FOR UPDATE", "FOR UPDATE"},
      {"SELECT * FROM trips FOR NO KEY UPDATE", "FOR NO KEY UPDATE"},
      {"SELECT * FROM trips FOR SHARE", "FOR SHARE"},
      {"SELECT * FROM trips FOR KEY SHARE", "FOR KEY SHARE"},
      {"SELECT * FROM trips FOR UPDATE OF trips SKIP LOCKED", "FOR UPDATE"},
      {"SELECT * FROM trips FOR UPDATE NOWAIT", "FOR UPDATE"},
      {"SELECT * FROM (SELECT * FROM trips FOR UPDATE) sub", "FOR UPDATE"},
      {"SELECT * FROM trips WHERE id IN (SELECT id FROM trips FOR SHARE)", "FOR SHARE"},
      {"WITH locked AS (SELECT * FROM trips FOR UPDATE) SELECT * FROM locked", "FOR UPDATE"},
      {"SELECT v.id FROM vehicles v, LATERAL (SELECT 1 FROM trips FOR KEY SHARE) l", "FOR KEY SHARE"},
      {"EXPLAIN SELECT * FROM trips FOR UPDATE", "FOR UPDATE"},
  };
  for (const auto& [sql, clause] : cases) {
    require_refused(sql, "locks rows");
    require_refused(sql, clause);
  }
}

TEST_CASE("guard refuses EXPLAIN ANALYZE in any spelling", "[guard]") {
  const std::vector<std::string> cases = {
      "EXPLAIN ANALYZE SELECT 1",
      "EXPLAIN ANALYSE SELECT 1",
      "explain analyze verbose select * from trips",
      "EXPLAIN (ANALYZE) SELECT 1",
      "EXPLAIN (ANALYZE true) SELECT 1",
      "EXPLAIN (ANALYZE on) SELECT 1",
      "EXPLAIN (ANALYZE 1) SELECT 1",
      "EXPLAIN (analyze false) SELECT 1",
      "EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS) SELECT 1",
      "EXPLAIN (COSTS off, ANALYZE) SELECT 1",
      "EXPLAIN ANALYZE DELETE FROM trips",
      "EXPLAIN (ANALYZE) UPDATE trips SET km = 0",
      "EXPLAIN ANALYZE INSERT INTO trips DEFAULT VALUES",
      "EXPLAIN ANALYZE WITH d AS (DELETE FROM trips RETURNING *) SELECT * FROM d",
      "EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1",
  };
  for (const std::string& sql : cases) require_refused(sql, "EXPLAIN ANALYZE runs the statement");
}

TEST_CASE("guard refuses EXPLAIN of a statement that is not a query, naming it", "[guard]") {
  const std::vector<Case> cases = {
      {"EXPLAIN DELETE FROM trips", "EXPLAIN of a DELETE statement"},
      {"EXPLAIN UPDATE trips SET km = 0", "EXPLAIN of an UPDATE statement"},
      {"EXPLAIN INSERT INTO trips DEFAULT VALUES", "EXPLAIN of an INSERT statement"},
      {"EXPLAIN MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", "EXPLAIN of a MERGE statement"},
      {"EXPLAIN CREATE TABLE x AS SELECT 1", "EXPLAIN of a CREATE TABLE AS statement"},
      {"EXPLAIN CREATE MATERIALIZED VIEW mv AS SELECT 1", "EXPLAIN of a CREATE MATERIALIZED VIEW statement"},
      {"EXPLAIN EXECUTE q", "EXPLAIN of an EXECUTE statement"},
      {"EXPLAIN DECLARE c CURSOR FOR SELECT 1", "EXPLAIN of a DECLARE CURSOR statement"},
  };
  for (const auto& [sql, text] : cases) require_refused(sql, text);
}

TEST_CASE("guard names the statement in the agreed sentence", "[guard]") {
  const guard::Verdict verdict = guard::check("DELETE FROM trips");
  REQUIRE_FALSE(verdict.ok());
  CHECK(verdict.failure().message ==
        "refused: only read-only queries are allowed (SELECT, WITH … SELECT, VALUES, TABLE, EXPLAIN); "
        "this is a DELETE statement");
}
