// guard::check runs on every worker thread at once; libpg_query keeps its state thread-local.
#include <string>
#include <thread>
#include <vector>

#include "guard_expect.hpp"

namespace {

struct Probe {
  std::string sql;
  bool allowed;
};

// Over 8 KiB, so parsed on the guard's own big-stack thread rather than the caller's.
std::string long_in_list(const std::string& function) {
  std::string sql = "SELECT * FROM trips WHERE id IN (" + function;
  for (int i = 0; i < 3000; ++i) sql += "," + std::to_string(i);
  return sql + ")";
}

const std::vector<Probe> kProbes = {
    {"SELECT time_bucket('1 hour', ts), avg(speed) FROM positions GROUP BY 1", true},
    {"DELETE FROM trips", false},
    {"WITH d AS (DELETE FROM trips RETURNING *) SELECT * FROM d", false},
    {"EXPLAIN (FORMAT JSON) SELECT * FROM trips", true},
    {"SELECT pg_sleep(1)", false},
    {"SELECT FROM FROM", false},
    {"SELECT ST_AsGeoJSON(geom) FROM positions WHERE geom && ST_MakeEnvelope(0, 0, 1, 1, 4326)", true},
    {"SELECT 1; SELECT 2", false},
    {long_in_list("0"), true},
    {long_in_list("pg_sleep(1)"), false},
};

// Catch2 v2 assertions are not thread-safe, so each thread only counts its wrong verdicts.
int count_wrong_verdicts(int calls, int offset) {
  int wrong = 0;
  for (int i = 0; i < calls; ++i) {
    const Probe& probe = kProbes[static_cast<std::size_t>(i + offset) % kProbes.size()];
    const guard::Verdict verdict = guard::check(probe.sql);
    if (verdict.ok() != probe.allowed || (!verdict.ok() && verdict.failure().message.empty())) ++wrong;
  }
  return wrong;
}

}  // namespace

TEST_CASE("guard gives the right verdicts when called from several threads at once", "[guard]") {
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 500;
  std::vector<int> wrong(kThreads, -1);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&wrong, t] { wrong[static_cast<std::size_t>(t)] = count_wrong_verdicts(kCallsPerThread, t); });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(wrong[static_cast<std::size_t>(t)] == 0);
  }
}
