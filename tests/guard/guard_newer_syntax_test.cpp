// PostgreSQL 16 syntax that the guard's PostgreSQL 15 parser cannot read: the refusal names the
// construct and what to write instead, and that spelling passes the guard.
#include "guard_expect.hpp"

using guard_test::require_allowed;
using guard_test::require_refused;

TEST_CASE("guard names PostgreSQL 16's IS JSON and offers pg_input_is_valid", "[guard]") {
  require_refused("SELECT raw IS JSON FROM tracksolid.positions", "uses IS JSON");
  require_refused("SELECT raw IS NOT JSON OBJECT FROM tracksolid.positions",
                  "pg_input_is_valid(value, 'json')");
  require_allowed("SELECT pg_input_is_valid(raw, 'json') FROM tracksolid.positions");
}

TEST_CASE("guard names PostgreSQL 16's JSON constructors and their older spellings", "[guard]") {
  require_refused("SELECT JSON_OBJECT('imei': imei, 'speed': speed_kmh) FROM tracksolid.positions",
                  "json_build_object(key, value");
  require_refused("SELECT JSON_ARRAY(1, 2 ABSENT ON NULL)", "json_build_array");
  require_refused("SELECT JSON_OBJECTAGG(imei VALUE speed_kmh) FROM tracksolid.positions", "json_object_agg");
  require_allowed("SELECT json_build_object('imei', imei) FROM tracksolid.positions");
}

TEST_CASE("guard names numbers grouped with underscores", "[guard]") {
  require_refused("SELECT * FROM tracksolid.positions LIMIT 1_000", "1_000");
  require_allowed("SELECT * FROM tracksolid.positions LIMIT 1000");
}

TEST_CASE("guard's hint ignores strings and comments, and a plain syntax error gets none", "[guard]") {
  const guard::Verdict verdict = guard::check("SELECT 'x IS JSON' FORM t -- JSON_ARRAY(1)");
  REQUIRE_FALSE(verdict.ok());
  CHECK(verdict.failure().message.find("PostgreSQL 16") == std::string::npos);
  CHECK(verdict.failure().message.find("does not parse") != std::string::npos);
}
