// Very large or very deep SQL gets a verdict, never a crash.
#include <pthread.h>

#include <optional>
#include <string>

#include "guard_expect.hpp"

using guard_test::require_allowed;
using guard_test::require_refused;

namespace {

// `SELECT first+1+1+…`: libpg_query nests one level per term, and `first` ends up deepest.
std::string long_sum(const std::string& first, int terms) {
  std::string sql = "SELECT " + first;
  sql.reserve(sql.size() + 2 * static_cast<std::size_t>(terms));
  for (int i = 0; i < terms; ++i) sql += "+1";
  return sql;
}

struct SmallStackRun {
  const std::string* sql;
  std::optional<guard::Verdict> verdict;
};

void* check_on_this_thread(void* run_pointer) {
  auto* run = static_cast<SmallStackRun*>(run_pointer);
  run->verdict = guard::check(*run->sql);
  return nullptr;
}

// The public contract promises that 2 MiB of caller stack is enough for any SQL.
guard::Verdict check_on_2_mib_stack(const std::string& sql) {
  SmallStackRun run{.sql = &sql, .verdict = std::nullopt};
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, std::size_t{2} << 20);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attributes, check_on_this_thread, &run) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
  return std::move(*run.verdict);
}

}  // namespace

TEST_CASE("guard needs no more than 2 MiB of the caller's stack, however deep the SQL", "[guard]") {
  // Around 8 KiB the guard switches from parsing on the caller's thread to a big-stack thread.
  for (const int terms : {1000, 4000, 4090, 4100, 5000, 20000, 60000}) {
    const std::string sql = long_sum("1", terms);
    INFO("terms: " << terms);
    const guard::Verdict verdict = check_on_2_mib_stack(sql);
    CHECK(verdict.ok());
  }
}

TEST_CASE("guard survives an expression deeper than a default 8 MiB stack allows", "[guard]") {
  // 70,000 levels overflowed libpg_query's recursive JSON writer on an 8 MiB stack.
  require_allowed(long_sum("1", 70000));
}

TEST_CASE("guard finds a denied function at the bottom of a very deep expression", "[guard]") {
  require_refused(long_sum("pg_sleep(1)", 20000), "pg_sleep");
}

TEST_CASE("guard refuses SQL longer than 256 KiB, saying so", "[guard]") {
  require_refused("SELECT 1 -- " + std::string(300UL * 1024, 'x'), "more than the 262144 the guard reads");
}

TEST_CASE("guard allows a long flat IN list", "[guard]") {
  std::string sql = "SELECT * FROM trips WHERE id IN (0";
  for (int i = 1; i < 20000; ++i) sql += "," + std::to_string(i);
  require_allowed(sql + ")");
}

TEST_CASE("guard refuses parentheses nested deeper than the parser's own limit", "[guard]") {
  require_refused("SELECT " + std::string(20000, '(') + "1" + std::string(20000, ')'), "memory exhausted");
}
