// The pool and the pipeline plan, without a database: fake sessions that fail as scripted.
#include <algorithm>
#include <catch2/catch.hpp>

#include "db/pipeline.hpp"  // private to db/: tested here as LevelDB tests its internals
#include "db/pool.hpp"

namespace {

using fam::FailureKind;

struct Script {
  int opened = 0;
  int runs = 0;
  std::vector<db::Outcome> outcomes;  // what each run returns, in order; then success
  std::optional<fam::Failure> open_failure;
  std::optional<int> abandons;  // the backend the next session gives up on
  bool answered = false;        // whether a run read a reply before it failed
};

class FakeSession final : public db::Session {
 public:
  explicit FakeSession(Script& script) : script_(script) {}
  db::Outcome run(std::span<const db::Statement>, const db::CancelToken&) override {
    ++script_.runs;
    if (script_.outcomes.empty()) return db::Reply{};
    db::Outcome next = script_.outcomes.front();
    script_.outcomes.erase(script_.outcomes.begin());
    broken_ = !next;
    return next;
  }
  bool reusable() const override { return !broken_; }
  bool answered() const override { return script_.answered; }
  std::optional<int> abandoned_backend() const override { return script_.abandons; }

 private:
  Script& script_;
  bool broken_ = false;
};

db::Opener opener(Script& script) {
  return [&script](const db::CancelToken&) -> fam::Result<std::unique_ptr<db::Session>> {
    if (script.open_failure) return *script.open_failure;
    ++script.opened;
    return std::unique_ptr<db::Session>(new FakeSession(script));
  };
}

const db::Statement kSelect = db::Statement::trusted("SELECT 1");

}  // namespace

TEST_CASE("pool: a call that lost a pooled connection is sent again on a fresh one", "[db]") {
  Script script;
  db::Pool pool(opener(script), 4);
  db::CancelToken cancel;
  REQUIRE(pool.run({&kSelect, 1}, cancel).ok());  // opens one, and keeps it
  script.outcomes = {fam::Failure{FailureKind::kLost, "server closed the connection", ""}};
  CHECK(pool.run({&kSelect, 1}, cancel).ok());
  CHECK(script.opened == 2);
  CHECK(script.runs == 3);
}

TEST_CASE("pool: a connection lost after the server answered is not retried: the statement may have run",
          "[db]") {
  Script script;
  db::Pool pool(opener(script), 4);
  db::CancelToken cancel;
  REQUIRE(pool.run({&kSelect, 1}, cancel).ok());
  script.outcomes = {fam::Failure{FailureKind::kLost, "server closed the connection", ""}};
  script.answered = true;
  CHECK_FALSE(pool.run({&kSelect, 1}, cancel).ok());
  CHECK(script.runs == 2);
}

TEST_CASE("pool: a fresh connection's failure is not retried", "[db]") {
  Script script;
  script.outcomes = {fam::Failure{FailureKind::kLost, "gone", ""}};
  db::Pool pool(opener(script), 4);
  db::CancelToken cancel;
  auto outcome = pool.run({&kSelect, 1}, cancel);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.failure().kind == FailureKind::kLost);
  CHECK(script.runs == 1);
}

TEST_CASE("pool: an SQL error is the caller's and is not retried", "[db]") {
  Script script;
  db::Pool pool(opener(script), 4);
  db::CancelToken cancel;
  REQUIRE(pool.run({&kSelect, 1}, cancel).ok());
  script.outcomes = {fam::Failure{FailureKind::kSql, "syntax error", "42601"}};
  CHECK(pool.run({&kSelect, 1}, cancel).failure().kind == FailureKind::kSql);
  CHECK(script.runs == 2);
}

TEST_CASE("pool: a database that cannot be reached says so, and warm() asks at once", "[db]") {
  Script script;
  script.open_failure =
      fam::Failure{FailureKind::kUnreachable, "cannot connect to the database: refused", ""};
  db::Pool pool(opener(script), 4);
  db::CancelToken cancel;
  CHECK(pool.warm(cancel)->kind == FailureKind::kUnreachable);
  CHECK(pool.run({&kSelect, 1}, cancel).failure().kind == FailureKind::kUnreachable);
  script.open_failure.reset();  // the database is back
  CHECK_FALSE(pool.warm(cancel).has_value());
  CHECK(pool.run({&kSelect, 1}, cancel).ok());
  CHECK(script.opened == 1);  // warm() opened it; the call reused it
}

TEST_CASE("pool: a backend given up on is reported at once, kept, and forgotten once it has ended", "[db]") {
  Script script;
  std::vector<int> heard;
  db::Pool pool(opener(script), 4, [&heard](int pid) { heard.push_back(pid); });
  db::CancelToken cancel;
  script.abandons = 4711;
  REQUIRE(pool.run({&kSelect, 1}, cancel).ok());
  script.abandons.reset();
  CHECK(heard == std::vector<int>{4711});
  CHECK(pool.left_behind() == std::vector<int>{4711});
  pool.forget_ended({4711}, {4711});  // still running
  CHECK(pool.left_behind() == std::vector<int>{4711});
  pool.forget_ended({4711}, {});
  CHECK(pool.left_behind().empty());
}

TEST_CASE("pipeline: a guarded query is read through a cursor between BEGIN READ ONLY and ROLLBACK", "[db]") {
  auto guarded = guard::check("SELECT 1");
  REQUIRE(guarded.ok());
  const db::Statement statements[] = {db::Statement::guarded(*guarded, db::RowBudget{11, 1000, 100})};
  auto plan = db::plan_call(statements, {std::chrono::milliseconds(30000), "fam-test"});
  std::vector<std::string> sql;
  sql.reserve(plan.size());
  for (const auto& step : plan)
    sql.push_back(step.kind == db::Step::Kind::kSync ? "<sync>" : step.sql.substr(0, 24));
  CHECK(sql == std::vector<std::string>{"BEGIN READ ONLY", "SELECT set_config($1, $2",
                                        "DECLARE fam_cursor_0 NO ", "FETCH FORWARD 11 FROM fa", "<sync>",
                                        "ROLLBACK", "<sync>", "DISCARD ALL", "<sync>"});
  CHECK(plan[3].table == 0u);
  CHECK(plan[3].budget->bytes == 1000u);  // the rows are read one at a time, within the budget
  CHECK(plan[2].position_offset == static_cast<int>(plan[2].sql.size() - 8));  // all but "SELECT 1"
  CHECK(plan[1].params == std::vector<std::string>{"statement_timeout", "30000", "lock_timeout", "5000",
                                                   "idle_in_transaction_session_timeout", "34000", "TimeZone",
                                                   "UTC", "DateStyle", "ISO, YMD", "IntervalStyle",
                                                   "iso_8601", "extra_float_digits", "1", "bytea_output",
                                                   "hex", "application_name", "fam-test"});
  // The close is sent with the call but read before the connection's next call.
  CHECK(std::ranges::count_if(plan, [](const db::Step& step) { return step.closing; }) == 4);
  CHECK_FALSE(plan[4].closing);
}

TEST_CASE("pipeline: a session that has the settings as its own is not sent them per call", "[db]") {
  auto guarded = guard::check("SELECT 1");
  REQUIRE(guarded.ok());
  const db::Statement statements[] = {db::Statement::guarded(*guarded, db::RowBudget{11, 1000, 100})};
  const db::CallSettings settings{std::chrono::milliseconds(30000), "fam-test", true};
  auto plan = db::plan_call(statements, settings);
  REQUIRE(plan.size() == 8);
  CHECK(plan[1].sql.starts_with("DECLARE"));
  // The same settings, as the startup options that made them the session's own.
  CHECK(db::startup_options(settings) ==
        "-c statement_timeout=30000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=34000 "
        "-c TimeZone=UTC -c DateStyle=ISO,\\ YMD -c IntervalStyle=iso_8601 -c extra_float_digits=1 "
        "-c bytea_output=hex -c fam.startup_options=on");
}

TEST_CASE("pipeline: EXPLAIN is sent whole, without a cursor", "[db]") {
  auto guarded = guard::check("EXPLAIN SELECT 1");
  REQUIRE(guarded.ok());
  const db::Statement statements[] = {db::Statement::guarded(*guarded, db::RowBudget{11, 1000, 100})};
  auto plan = db::plan_call(statements, {std::chrono::milliseconds(30000), "fam-test"});
  CHECK(plan[2].sql == "EXPLAIN SELECT 1");
  CHECK(plan[2].table == 0u);
}
